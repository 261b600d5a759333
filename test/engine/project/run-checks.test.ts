/**
 * A run's stored numbers must fit its model even when every checksum agrees
 * (issue #17, item 9): the files here are written by the engine's own writer,
 * so their CRCs are consistent, and still refused.
 */
import { describe, expect, it } from 'vitest';
import { getRunWeights, packProject, putRunWeights, unpackProject, type ProjectBundle } from '../../../engine/project/project.ts';
import { loadRunModel } from '../../../engine/project/runs.ts';
import { crc32 } from '../../../engine/project/crc32.ts';
import { smallProject } from './small-project.ts';

async function withRun(change: (b: ProjectBundle) => void): Promise<ProjectBundle> {
  const { bundle } = await smallProject();
  change(bundle);
  return bundle;
}

describe('stored run data is checked against the model', () => {
  it('the small project opens and its run loads (the baseline the cases below damage)', async () => {
    const { bytes } = await smallProject();
    const b = unpackProject(bytes, 'p.dlab');
    expect(b.project.runs[0].normalizer?.mean).toHaveLength(2);
    expect(loadRunModel(b, b.project.runs[0]).model.parameterCount()).toBe(2 * 4 + 4 + 4 * 2 + 2);
  });

  it('refuses safetensors whose offsets read the header as weights, on open', async () => {
    const b = await withRun((b) => {
      const bytes = b.files.get('runs/run-1.safetensors')!;
      const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
      const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
      const shifted = header.replace('"data_offsets":[0,32]', '"data_offsets":[-8,24]');
      expect(shifted).not.toBe(header);
      const out = new Uint8Array(8 + shifted.length + (bytes.length - 8 - n));
      new DataView(out.buffer).setBigUint64(0, BigInt(shifted.length), true);
      out.set(new TextEncoder().encode(shifted), 8);
      out.set(bytes.subarray(8 + n), 8 + shifted.length);
      b.files.set('runs/run-1.safetensors', out);
      b.project.runs[0].weights = { file: 'runs/run-1.safetensors', crc32: crc32(out) };
    });
    expect(() => unpackProject(packProject(b), 'p.dlab')).toThrow("p.dlab: the weights of run 'run 1' are damaged (runs/run-1.safetensors: tensor 'fc1.weight' has invalid data_offsets [-8,24]");
  });

  it('refuses a normaliser whose length does not match the input, on open and when the run is loaded', async () => {
    const b = await withRun((b) => {
      b.project.runs[0].normalizer = { mean: [0, 0, 0], std: [1, 1, 1], group: 1 };
    });
    const message = "run 'run 1': its input normaliser has 3 means and 3 standard deviations, but its model's input 2 needs 2 of each";
    expect(() => unpackProject(packProject(b), 'p.dlab')).toThrow(`p.dlab: ${message}; the file is damaged`);
    // A project restored from the recovery journal never went through unpackProject.
    expect(() => loadRunModel(b, b.project.runs[0])).toThrow(`${message}; train the run again or delete it`);
  });

  it('refuses a zero standard deviation in the normaliser', async () => {
    const b = await withRun((b) => {
      b.project.runs[0].normalizer = { mean: [0, 0], std: [1, 0], group: 1 };
    });
    expect(() => unpackProject(packProject(b), 'p.dlab')).toThrow("p.dlab: run 'run 1': its input normaliser's standard deviation 1 is 0, not a positive number; the file is damaged");
  });

  it('refuses a stored tensor whose shape differs from the model, naming it', async () => {
    const b = await withRun((b) => {
      const run = b.project.runs[0];
      const { weights } = getRunWeights(b, run);
      const w = weights.get('fc1.weight')!;
      weights.set('fc1.weight', { shape: [8], data: w.data });
      weights.delete('fc2.bias');
      weights.set('extra', { shape: [1], data: new Float32Array(1) });
      run.weights = putRunWeights(b, run.id, weights);
    });
    const opened = unpackProject(packProject(b), 'p.dlab');
    expect(() => loadRunModel(opened, opened.project.runs[0])).toThrow(
      "the weights of run 'run 1' (runs/run-1.safetensors) do not fit its model: 'fc1.weight' is stored as 8 but the model has 4×2; 'fc2.bias' is missing; 'extra' is not in the model; train the run again or delete it",
    );
  });
});

describe('exports refuse what loading refuses', () => {
  it('does not export weights stored in another shape (same count) reshaped into the model', async () => {
    const { exportProject } = await import('../../../engine/export/index.ts');
    const { bundle } = await smallProject();
    const run = bundle.project.runs[0];
    const { weights } = getRunWeights(bundle, run);
    weights.set('fc1.weight', { shape: [2, 4], data: weights.get('fc1.weight')!.data });
    run.weights = putRunWeights(bundle, run.id, weights);
    const files = { read: () => new Uint8Array(), exists: () => false, bundledMnist: () => ({ images: new Uint8Array(), labels: new Uint8Array() }), list: () => [] };
    expect(() => exportProject(bundle, { format: 'onnx' }, files)).toThrow("the weights of run 'run 1' (runs/run-1.safetensors) do not fit its model: 'fc1.weight' is stored as 2×4 but the model has 4×2");
  });
});
