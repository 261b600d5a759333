/** The `dlab` command as a user runs it: new → inspect → train → eval → predict, and its errors. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../engine/io/npy.ts';
import { saveProject } from '../../engine/io/project-file.ts';
import { newProject } from '../../engine/project/project.ts';

const bin = fileURLToPath(new URL('../../bin/dlab.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dlab-cli-'));
const dlab = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
const lines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('dlab', () => {
  it('new, inspect, train, eval and predict a project end to end', () => {
    let r = dlab('new', '-t', 'mlp', '-d', 'moons', '-o', 'm.dlab', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ project: 'm.dlab', template: 'mlp', valid: true, parameters: 2 * 128 + 128 + 128 * 2 + 2 });

    r = dlab('inspect', 'm.dlab', '--json');
    const info = lines(r.stdout)[0] as { layers: { kind: string; output_shape: number[] }[] };
    expect(info.layers.map((l) => l.kind)).toEqual(['Linear', 'ReLU', 'Dropout', 'Linear']);
    expect(info.layers.at(-1)?.output_shape).toEqual([2]);

    r = dlab('train', 'm.dlab', '--epochs', '15', '--seed', '3', '--json');
    expect(r.status, r.stderr).toBe(0);
    const events = lines(r.stdout);
    expect(events.filter((e) => e.event === 'epoch')).toHaveLength(15);
    const done = events.at(-1)!;
    expect(done).toMatchObject({ event: 'done', status: 'done' });
    expect(done.test_accuracy as number).toBeGreaterThan(0.8);

    r = dlab('eval', 'm.dlab', '--split', 'test', '--json');
    expect(lines(r.stdout)[0]).toMatchObject({ run: done.run, split: 'test', mode: 'eval', accuracy: done.test_accuracy });

    writeFileSync(join(dir, 'x.npy'), writeNpy([3, 2], Float32Array.from([0, 0.5, 1, -0.5, 2, 0.25])));
    const predict = (...extra: string[]) => {
      const p = dlab('predict', 'm.dlab', '--input', 'x.npy', '-o', 'y.npy', ...extra);
      expect(p.status, p.stderr).toBe(0);
      return readNpy(new Uint8Array(readFileSync(join(dir, 'y.npy'))), 'y.npy');
    };
    const e1 = predict('--mode', 'eval');
    expect(e1.shape).toEqual([3, 2]);
    expect(predict('--mode', 'eval').data).toEqual(e1.data); // eval: deterministic
    const t1 = predict('--mode', 'train', '--seed', '1');
    expect(predict('--mode', 'train', '--seed', '1').data).toEqual(t1.data); // same seed, same masks
    expect(predict('--mode', 'train', '--seed', '2').data).not.toEqual(t1.data); // dropout active
    expect(t1.data).not.toEqual(e1.data);
  }, 120_000);

  it('the Transformer template learns the order task (A before B) that needs attention and positions', () => {
    expect(dlab('new', '-t', 'transformer', '-o', 't.dlab').status).toBe(0);
    const r = dlab('train', 't.dlab', '--epochs', '5', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(lines(r.stdout).at(-1)!.test_accuracy as number).toBeGreaterThan(0.75);
  }, 180_000);

  it('reproduces a training run exactly from the same project and seed', () => {
    dlab('new', '-t', 'mlp', '-d', 'xor', '-o', 'r.dlab');
    const run = () => lines(dlab('train', 'r.dlab', '--epochs', '3', '--json').stdout).filter((e) => e.event === 'epoch').map(({ seconds: _s, run: _r, ...m }) => m);
    expect(run()).toEqual(run());
  }, 60_000);

  it.each([
    [['train', 'missing.dlab'], 1, 'dlab: missing.dlab: no such file'],
    [['new', '-t', 'rnn'], 2, 'dlab: -t must be one of mlp, cnn, transformer, blank'],
    [['new', '-t', 'mlp', '-d', 'imagenet'], 2, "dlab: unknown dataset 'imagenet'"],
    [['frobnicate'], 2, "dlab: unknown command 'frobnicate'"],
  ])('%j fails with exit %i and one clear line', (args, code, message) => {
    const r = dlab(...args);
    expect(r.status).toBe(code);
    expect(r.stderr.split('\n')[0]).toContain(message);
  });

  it('refuses a corrupt project file without touching it', () => {
    writeFileSync(join(dir, 'bad.dlab'), 'PK\u0003\u0004garbage');
    const r = dlab('inspect', 'bad.dlab');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^dlab: bad.dlab is damaged or truncated/);
    expect(readFileSync(join(dir, 'bad.dlab'), 'utf8')).toBe('PK\u0003\u0004garbage');
  });

  it('inspects a project whose layer kind is 300 KB long at once, quoting only its start (issue #17: 17 s and 677 MB)', () => {
    const b = newProject({ name: 'k', model: { input_shape: [2], layers: [{ kind: 'K'.repeat(300_000) }] }, dataset: { id: 'spiral', samples: 100, seed: 0 } });
    saveProject(join(dir, 'long-kind.dlab'), b);
    const t0 = performance.now();
    const r = dlab('inspect', 'long-kind.dlab');
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("KKKKKKKKKKKKKKKKKKKK…()");
    expect(r.stdout).toContain('✗ has a kind of 300,000 characters; a layer kind is at most 100');
    expect(r.stdout.length).toBeLessThan(1000);
  });

  it('lists the datasets available here', () => {
    const rows = lines(execFileSync(process.execPath, [bin, 'datasets', '--json'], { encoding: 'utf8' }));
    expect(rows.find((d) => d.id === 'mnist')).toMatchObject({ samples: 10000, input_shape: [1, 28, 28], classes: 10 });
    expect(rows.find((d) => d.id === 'spiral')).toMatchObject({ input_shape: [2] });
  }, 60_000);
});
