/** `dlab` on the user's own data, run as a user runs it: --label, --inspect, image folders and CIFAR, and the errors. */
import { runProcess } from '../helpers/run-process.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeColourFolder } from '../engine/data/image-folder-fixture.ts';
import { writeCifar } from '../engine/data/cifar-layout.ts';

const bin = fileURLToPath(new URL('../../bin/dlab.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dlab-data-'));
const env = { ...process.env, DLAB_CACHE_DIR: join(dir, 'cache') };

const dlab = (...args: string[]) => runProcess(process.execPath, [bin, ...args], { cwd: dir, env });
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

  it('a 3-class colour folder: inspect, then a CNN at --size 16 trains on it', async () => {
    writeColourFolder(join(dir, 'colours'), { red: [220, 30, 30], green: [30, 200, 40], blue: [30, 40, 220] }, 40);
    writeFileSync(join(dir, 'colours', 'green', 'broken.jpg'), 'not a picture');
    let r = await dlab('datasets', '--inspect', 'images:colours', '--size', '16', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(json(r.stdout)).toMatchObject({ task: 'classification', samples: 120, input_shape: [3, 16, 16], classes: [{ name: 'blue', train: 40 }, { name: 'green', train: 40 }, { name: 'red', train: 40 }], skipped: [{ path: 'green/broken.jpg', reason: expect.stringMatching(/not a PNG or JPEG/) }] });
    r = await dlab('datasets', '--inspect', 'images:colours', '--size', '16');
    expect(r.stdout).toContain('images:colours: classification, 120 samples, each 3×16×16\n');
    expect(r.stdout).toContain('skipped 1 file(s):\n  green/broken.jpg: not a PNG or JPEG file');
    r = await dlab('new', '-t', 'cnn', '-d', 'images:colours', '--size', '16', '-o', 'colours.dlab', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(json(r.stdout)).toMatchObject({ dataset: { id: 'images', path: 'colours', size: 16, gray: false }, valid: true });
    r = await dlab('train', 'colours.dlab', '--epochs', '4', '--json');
    expect(r.status, r.stderr).toBe(0);
    const done = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(done).toMatchObject({ event: 'done', status: 'done' });
    expect(done.test_accuracy as number).toBeGreaterThan(0.9);
  }, 180_000);

  it('a CIFAR-10 layout: new -t cnn, train, and eval on the files\' own test set', async () => {
    // Class c's pictures are brightness 20·c with a little texture, so a CNN can tell them apart.
    const fill = (record: number, j: number, label: number) => 20 * label + ((record + j) % 9);
    const labels = (n: number, shift: number) => Array.from({ length: n }, (_, i) => (i + shift) % 10);
    writeCifar(join(dir, 'cifar'), 'cifar10', { 'data_batch_1.bin': labels(100, 0), 'data_batch_2.bin': labels(100, 3), 'test_batch.bin': labels(30, 7) }, undefined, fill);
    let r = await dlab('datasets', '--inspect', 'cifar10:cifar', '--json');
    expect(json(r.stdout)).toMatchObject({ samples: 200, test_samples: 30, input_shape: [3, 32, 32] });
    expect((json(r.stdout).classes as { name: string; train: number; test: number }[])[0]).toEqual({ name: 'airplane', train: 20, test: 3 });
    r = await dlab('new', '-t', 'cnn', '-d', 'cifar10:cifar', '-o', 'cifar.dlab');
    expect(r.status, r.stderr).toBe(0);
    r = await dlab('train', 'cifar.dlab', '--epochs', '3', '--json');
    expect(r.status, r.stderr).toBe(0);
    r = await dlab('eval', 'cifar.dlab', '--split', 'test', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(json(r.stdout)).toMatchObject({ split: 'test', samples: 30 });
  }, 180_000);

  it('a project whose folder moved says which path and what to do', async () => {
    writeColourFolder(join(dir, 'moving'), { a: [0, 0, 0], b: [250, 250, 250] }, 3);
    expect((await dlab('new', '-t', 'cnn', '-d', 'images:moving', '-o', 'moving.dlab')).status).toBe(0);
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, 'moving'), join(dir, 'moved'));
    const r = await dlab('train', 'moving.dlab', '--epochs', '1');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^dlab: moving: no such folder; it may have been moved or renamed\. Put it back there, or choose it again/);
  }, 60_000);

  it.each([
    [['new', '-t', 'cnn', '-d', 'images:colours', '--size', '2'], 2, 'dlab: --size must be a whole number from 4 to 256, got \'2\'\n'],
    [['new', '-t', 'cnn', '-d', 'images:colours', '--label', 'x'], 2, 'dlab: --label applies to csv: sources, not to images\n'],
    [['datasets', '--inspect', 'pictures:colours'], 2, expect.stringMatching(/^dlab: unknown dataset 'pictures:colours'; choose one of .*images:<folder>/)],
    [['datasets', '--inspect', 'csv:pets.tsv', '--label', 'colour'], 1, "dlab: pets.tsv: no column named 'colour' (columns: x, kind, y)\n"],
    [['datasets', '--inspect', 'csv:pets.tsv', '--size', '16'], 2, 'dlab: --size applies to images: sources, not to csv\n'],
    [['datasets', '--label', 'kind'], 2, 'dlab: --label, --size and --gray go with --inspect SOURCE\n'],
    [['datasets', '--inspect', 'csv'], 2, 'dlab: csv needs a file: -d csv:<file>\n'],
    [['datasets', '--inspect', 'moons:x'], 2, "dlab: moons is built in and takes no path; drop ':x'\n"],
    [['new', '-t', 'mlp', '--label', 'kind'], 2, 'dlab: --label needs -d with a source from your files\n'],
  ] as [string[], number, unknown][])('%j exits %i: %s', async (args, status, stderr) => {
    const r = await dlab(...args);
    expect(r.stderr).toEqual(stderr);
    expect(r.status).toBe(status);
  }, 60_000);
});
