/** The packaged `dlab` bundle (app.asar.unpacked/dist/node/dlab.cjs) under plain Node: new, train and a sweep on spiral, and the bench. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packaged } from './packaged.ts';

const dir = mkdtempSync(join(tmpdir(), 'dlab-packaged-cli-'));
const dlab = (...args: string[]) => spawnSync(process.execPath, [packaged.cli, ...args], { cwd: dir, encoding: 'utf8' });
const lines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the packaged dlab', () => {
  it('makes an MLP project on spiral and trains it', () => {
    let r = dlab('new', '-t', 'mlp', '-d', 'spiral', '-o', 's.dlab', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ project: 's.dlab', template: 'mlp', valid: true, parameters: 2 * 128 + 128 + 128 * 2 + 2 });

    r = dlab('train', 's.dlab', '--epochs', '2', '--seed', '1', '--json');
    expect(r.status, r.stderr).toBe(0);
    const events = lines(r.stdout);
    expect(events.filter((e) => e.event === 'epoch')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ event: 'done', status: 'done' });

    // The run was saved into the project.
    r = dlab('inspect', 's.dlab', '--json');
    expect(lines(r.stdout)[0]).toMatchObject({ valid: true, runs: 1 });
  });

  it('sweeps dropout with two worker threads, each started from the packaged train-worker.cjs', () => {
    const r = dlab('new', '-t', 'mlp', '-d', 'spiral', '-o', 'w.dlab');
    expect(r.status, r.stderr).toBe(0);
    const sweep = dlab('sweep', 'w.dlab', '--layer', 'dropout', '--p', '0,0.5', '--seeds', '1', '--epochs', '1', '--workers', '2', '--json');
    expect(sweep.status, sweep.stderr).toBe(0);
    const events = lines(sweep.stdout);
    expect(events.filter((e) => e.event === 'run')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ event: 'recommendation', status: 'done', runs: 2 });
  });

  it('times a standard workload, its child process started from the bundle itself (no tsx, no sources)', () => {
    const r = dlab('bench', '--only', 'W0', '--json');
    expect(r.status, r.stderr).toBe(0);
    const [w0, ...rest] = lines(r.stdout);
    expect(rest).toEqual([]);
    expect(w0).toMatchObject({ workload: 'W0', threads: expect.any(Number) });
    expect(w0.steps_per_s).toBeGreaterThan(0);
    expect(w0.rss_mb).toBeGreaterThan(0);
  });
});
