/**
 * Issue #17's size attacks replayed against the real engine process: a
 * prediction with Linear(20000, 20000) blocked the engine for 15 s and held
 * 1.6 GB, a 1,000,000 × 512 sequence preview took 17 s and 3.6 GB, and a
 * 1 MB layer kind blocked validation for 46 s. Each now answers at once, and
 * the engine keeps serving.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineProcess } from '../../engine/host/node/engine-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'dlab-limits-'));

describe('size limits in the engine process', () => {
  let engine: EngineProcess;
  beforeAll(async () => {
    engine = new EngineProcess({ checkpointDir: join(dir, 'ckpt'), env: { DLAB_THREADS: '1' } });
    await engine.ready();
  });
  afterAll(() => engine.close());

  const timed = async <T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const t0 = performance.now();
    const value = await f();
    return { value, ms: performance.now() - t0 };
  };

  it('refuses to predict with Linear(20000, 20000), naming the layer and the budget', async () => {
    const spec = { input_shape: [20_000], layers: [{ kind: 'Linear', name: 'huge', in_features: 20_000, out_features: 20_000 }] };
    const { value, ms } = await timed(() => engine.request('predict', { model: { spec, seed: 0 }, input: { tensor: { shape: [1, 20_000], data: new Float32Array(20_000) } } }).then(() => null, (e: Error) => e));
    expect(value?.message).toMatch(/^the model has errors: layer 0 'huge' \(Linear\) has 400,020,000 parameters, which bring the model to 400,020,000: more than the [\d,]+ this machine can train/);
    expect(ms).toBeLessThan(5000);
  });

  it('previews a 1,000,000 × 512 sequence set from its first samples', async () => {
    const { value, ms } = await timed(() => engine.request('dataset.preview', { dataset: { id: 'sequence', samples: 1_000_000, length: 512, vocab: 12, seed: 0 }, count: 8 }));
    expect(value.size).toBe(1_000_000);
    expect(value.features.shape).toEqual([8, 512]);
    expect(value.class_counts.reduce((a, b) => a + b, 0)).toBe(1_000_000);
    expect(ms).toBeLessThan(5000);
  });

  it('validates a spec with a 1 MB layer kind at once and keeps serving', async () => {
    const { value, ms } = await timed(() => engine.request('validate', { spec: { input_shape: [2], layers: [{ kind: 'K'.repeat(1_000_000) }] } }));
    expect(value.errors).toEqual(["layer 0 (KKKKKKKKKKKKKKKKKKKK…) has a kind of 1,000,000 characters; a layer kind is at most 100 (e.g. 'Linear'): choose one from the palette"]);
    expect(ms).toBeLessThan(5000);
    expect((await engine.request('catalog', {})).layers.length).toBeGreaterThan(10);
  });
});
