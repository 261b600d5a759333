/** .dlab files: round trips, safetensors layout, and clear refusals of anything that is not a sound project. */
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { getRunWeights, newProject, packProject, putRunWeights, unpackProject, FORMAT_VERSION } from '../../../engine/project/project.ts';
import { decodeSafetensors, encodeSafetensors } from '../../../engine/project/safetensors.ts';
import { openProject, saveProject } from '../../../engine/io/project-file.ts';
import { templateSpec } from '../../../engine/project/templates.ts';

const model = templateSpec('mlp', { inputShape: [2], classes: 2 });
const fresh = () => newProject({ name: 'P', model, dataset: { id: 'spiral', samples: 100, seed: 0 }, training: { epochs: 3 } });

describe('safetensors', () => {
  it('writes the documented layout: u64 header length, JSON header with offsets, 8-byte aligned data', () => {
    const bytes = encodeSafetensors(new Map([['fc.weight', { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }], ['fc.bias', { shape: [2], data: Float32Array.from([5, 6]) }]]), { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header['fc.weight']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    expect(header['fc.bias']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [16, 24] });
    expect(header.__metadata__).toEqual({ k: 'v' });
    expect([...new Float32Array(bytes.slice(8 + n).buffer)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(decodeSafetensors(bytes, 'x').tensors.get('fc.bias')?.data).toEqual(Float32Array.from([5, 6]));
  });

  it('refuses a header that points outside the file', () => {
    const bytes = encodeSafetensors(new Map([['w', { shape: [4], data: new Float32Array(4) }]]));
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'w.safetensors')).toThrow('w.safetensors: the tensors cover 16 bytes of data but the file holds 12; the file is damaged or truncated');
  });
});

describe('project bundles', () => {
  it('round-trip the document and run weights (state_dict names + optimizer state)', () => {
    const b = fresh();
    const w = putRunWeights(b, 'r1', new Map([['fc1.weight', { shape: [1, 2], data: Float32Array.from([0.5, -1]) }]]), { step: 7, lr: 0.01, buffers: new Map([['0.exp_avg', Float32Array.from([1, 2])]]) });
    b.project.runs.push({ id: 'r1', name: 'run 1', created: 'now', status: 'done', spec: model, dataset: b.project.dataset, settings: b.project.training, history: { epochs: [], step_losses: [0.5], best_epoch: null, stopped_early: false }, test: null, normalizer: null, weights: w, note: '' });
    const back = unpackProject(packProject(b), 'p.dlab');
    expect(back.project).toEqual(b.project);
    const { weights, optimizer } = getRunWeights(back, back.project.runs[0]);
    expect([...weights.keys()]).toEqual(['fc1.weight']);
    expect(optimizer?.step).toBe(7);
    expect(optimizer?.buffers.get('0.exp_avg')).toEqual(Float32Array.from([1, 2]));
  });

  const good = packProject(fresh());
  const json = (doc: unknown) => zipSync({ 'project.json': strToU8(JSON.stringify(doc)) });
  it.each([
    ['not a zip', strToU8('hello'), 'p.dlab is not a Dropout Lab project (it is not a zip container)'],
    ['truncated', good.subarray(0, good.length - 30), 'p.dlab is damaged or truncated and cannot be opened'],
    ['a zip without project.json', zipSync({ 'a.txt': strToU8('x') }), 'p.dlab is a zip file but not a Dropout Lab project (no project.json inside)'],
    ['broken JSON', zipSync({ 'project.json': strToU8('{"format":') }), 'p.dlab: project.json is damaged (not valid JSON)'],
    ['another format', json({ format: 'x' }), 'p.dlab is not a Dropout Lab project'],
    ['a newer version', json({ ...fresh().project, version: FORMAT_VERSION + 1 }), `p.dlab was saved by a newer Dropout Lab (project format ${FORMAT_VERSION + 1}; this version reads up to ${FORMAT_VERSION}); update the app to open it`],
    ['an invalid document', json({ ...fresh().project, training: { epochs: -1 } }), 'p.dlab: project.json is invalid: training.epochs'],
  ])('refuses %s with one clear message', (_what, bytes, message) => {
    expect(() => unpackProject(bytes, 'p.dlab')).toThrow(message);
  });

  it('detects damaged run weights by checksum', () => {
    const b = fresh();
    const w = putRunWeights(b, 'r1', new Map([['a', { shape: [2], data: Float32Array.from([1, 2]) }]]));
    b.project.runs.push({ id: 'r1', name: 'run 1', created: 'now', status: 'done', spec: model, dataset: b.project.dataset, settings: b.project.training, history: { epochs: [], step_losses: [], best_epoch: null, stopped_early: false }, test: null, normalizer: null, weights: w, note: '' });
    const file = b.files.get(w!.file)!;
    file[file.length - 1] ^= 0xff;
    expect(() => unpackProject(packProject(b), 'p.dlab')).toThrow("p.dlab: the weights of run 'run 1' are damaged (checksum mismatch in runs/r1.safetensors)");
  });
});

describe('files on disk', () => {
  it('opening a bad file changes nothing on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlab-'));
    const path = join(dir, 'bad.dlab');
    writeFileSync(path, 'garbage');
    expect(() => openProject(path)).toThrow(/not a Dropout Lab project/);
    expect(readFileSync(path, 'utf8')).toBe('garbage');
    expect(readdirSync(dir)).toEqual(['bad.dlab']);
    writeFileSync(path, '');
    expect(() => openProject(path)).toThrow('is empty (0 bytes)');
  });

  it('saves atomically (no temp files left) and reopens', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlab-'));
    const path = join(dir, 'p.dlab');
    saveProject(path, fresh());
    saveProject(path, fresh());
    expect(readdirSync(dir)).toEqual(['p.dlab']);
    expect(openProject(path).project.name).toBe('P');
  });
});
