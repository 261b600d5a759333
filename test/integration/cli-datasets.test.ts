/** `dlab` on the user's own data, run as a user runs it: --label, --inspect, image folders and CIFAR, and the errors. */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/dlab.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dlab-data-'));
const env = { ...process.env, DLAB_CACHE_DIR: join(dir, 'cache') };

/** Runs dlab without blocking the test worker. */
function dlab(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}
const json = (s: string) => JSON.parse(s.trim().split('\n')[0]) as Record<string, unknown>;

describe('dlab on your own data', () => {
  it('a TSV with quoted newlines and --label: inspect, then new stores the column', async () => {
    writeFileSync(join(dir, 'pets.tsv'), 'x\tkind\ty\n1\t"big\ncat"\t2\n3\tdog\t4\n5\t"big\ncat"\t6\n7\tdog\t8\n');
    let r = await dlab('datasets', '--inspect', 'csv:pets.tsv', '--label', 'kind', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(json(r.stdout)).toMatchObject({ task: 'classification', samples: 4, input_shape: [2], classes: [{ name: 'big\ncat', train: 2 }, { name: 'dog', train: 2 }], skipped: [] });
    r = await dlab('new', '-t', 'mlp', '-d', 'csv:pets.tsv', '--label', 'kind', '-o', 'pets.dlab', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(json(r.stdout)).toMatchObject({ dataset: { id: 'csv', path: 'pets.tsv', label: 'kind' } });
  }, 60_000);

  it.each([
    [['datasets', '--inspect', 'csv:pets.tsv', '--label', 'colour'], 1, "dlab: pets.tsv: no column named 'colour' (columns: x, kind, y)\n"],
    [['datasets', '--inspect', 'csv:pets.tsv', '--size', '16'], 2, 'dlab: --size applies to images: sources, not to csv\n'],
    [['datasets', '--label', 'kind'], 2, 'dlab: --label, --size and --gray go with --inspect SOURCE\n'],
    [['datasets', '--inspect', 'csv'], 2, 'dlab: csv needs a file: -d csv:<file>\n'],
    [['datasets', '--inspect', 'moons:x'], 2, "dlab: moons is built in and takes no path; drop ':x'\n"],
    [['new', '-t', 'mlp', '--label', 'kind'], 2, 'dlab: --label needs -d with a source from your files\n'],
  ])('%j exits %i: %s', async (args, status, stderr) => {
    const r = await dlab(...args);
    expect(r.stderr).toBe(stderr);
    expect(r.status).toBe(status);
  }, 60_000);
});
