/** dlab export/import as a user meets them: file naming, untrained projects, and errors that say what to do. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dlab, tempDir } from './helpers.ts';

describe('dlab export', () => {
  const dir = tempDir('export-cli');

  it('exports an untrained project (initial weights) and names a single ONNX file after -o', () => {
    expect(dlab(dir, 'new', '-t', 'mlp', '-d', 'moons', '-o', 'm.dlab').status).toBe(0);
    let r = dlab(dir, 'export', 'm.dlab', '--format', 'onnx', '-o', 'models/moons.onnx');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('no trained run');
    expect(existsSync(join(dir, 'models', 'moons.onnx'))).toBe(true);
    r = dlab(dir, 'export', 'm.dlab', '-o', 'pt');
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'pt', 'train.py'))).toBe(true);
  });

  it.each([
    [['export', 'm.dlab', '--format', 'tflite', '-o', 'x'], 2, 'dlab: --format must be one of pytorch, onnx, csv'],
    [['export', 'm.dlab'], 2, 'dlab: export needs a project file and -o DIR'],
    [['export', 'm.dlab', '--run', 'nope', '-o', 'x'], 1, 'dlab: this project has no trained runs yet; run `dlab train` first'],
    [['import', 'm.dlab'], 2, 'dlab: import needs a project file and -w w.safetensors'],
    [['import', 'm.dlab', '--weights', 'missing.safetensors'], 1, 'dlab: missing.safetensors: no such file'],
    [['import', 'm.dlab', '--weights', 'm.dlab'], 1, 'dlab: m.dlab: header length'],
  ])('%j fails with exit %i and one clear line', (args, code, message) => {
    const r = dlab(dir, ...args);
    expect(r.status).toBe(code);
    expect(r.stderr.split('\n')[0]).toContain(message);
  });
});
