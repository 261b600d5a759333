/**
 * Step memory (engine/tensor/storage.ts): inside withStepMemory op results live
 * in the wasm backend's memory, kernels work on them in place, and all of it
 * is released afterwards. Released bytes are poisoned with NaN here, so
 * anything that outlived its step (a kept mask, attention weights, an
 * optimizer buffer) would show. Training with step memory must give exactly
 * what the same kernels give with ordinary arrays and copies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, crossEntropy, Generator, SGD, Tensor, sum, useBackend, registerBackend, withStepMemory, kernels, keepData, pinData, type LayerSpec, type Kernels } from '../../../engine/index.ts';
import { emptyData, floatData, indexData } from '../../../engine/tensor/storage.ts';
import { maxPool2d } from '../../../engine/ops/pool.ts';
import { Adam } from '../../../engine/optim/adam.ts';
import { installWasmBackend } from '../../../engine/kernels/wasm/node/load.ts';
import { createWasmKernels } from '../../../engine/kernels/wasm/wasm-kernels.ts';
import { wasmApi } from '../../../engine/kernels/wasm/wasm-api.ts';
import { Trainer } from '../../../engine/train/trainer.ts';
import { defaultSettings } from '../../../engine/train/settings.ts';
import { makeTwoD } from '../../../engine/data/synthetic.ts';
import { getBatch } from '../../../engine/data/pipeline.ts';
import { MultiheadAttention } from '../../../engine/nn/layers/attention.ts';
import { StochasticModule } from '../../../engine/nn/stochastic.ts';
import { Dropout } from '../../../engine/nn/layers/dropout.ts';
import { mcPredict } from '../../../engine/experiments/mc-dropout.ts';
import { forwardAll } from '../../../engine/results/forward-all.ts';

const wasm = installWasmBackend({ threads: 2 });
// The same kernels without step memory: every call copies in and out of wasm memory.
registerBackend({ ...wasm, name: 'wasm-copies', stepMemory: undefined } as Kernels);
let previous = 'reference';

beforeAll(() => {
  previous = useBackend('wasm');
  wasm.stepMemory.poison = true;
});

afterAll(() => {
  wasm.stepMemory.poison = false;
  useBackend(previous);
});

describe('withStepMemory', () => {
  it('hands out zeroed arrays in wasm memory and reuses the same bytes in the next step', () => {
    let first = -1;
    withStepMemory(() => {
      const a = floatData(1000);
      expect(wasm.stepMemory.owns(a)).toBe(true);
      expect(a.every((v) => v === 0)).toBe(true);
      a.fill(7);
      first = a.byteOffset;
    });
    withStepMemory(() => {
      const a = floatData(1000);
      expect(a.byteOffset).toBe(first);
      // Poisoned on release, zeroed again on allocation.
      expect(a.every((v) => v === 0)).toBe(true);
      expect(emptyData(10).length).toBe(10);
    });
  });

  it("a batch made in a step is in step memory (kernels read it in place), with the values it has outside one", () => {
    const d = makeTwoD('spiral', { samples: 100, seed: 3 });
    const outside = getBatch(d, 32, 1, { seed: 5, epoch: 2 });
    expect(wasm.stepMemory.owns(outside.x.data)).toBe(false);
    withStepMemory(() => {
      const b = getBatch(d, 32, 1, { seed: 5, epoch: 2 });
      expect(wasm.stepMemory.owns(b.x.data)).toBe(true);
      expect(Array.from(b.x.data)).toEqual(Array.from(outside.x.data));
      expect(Array.from(b.classes!)).toEqual(Array.from(outside.classes!));
    });
  });

  it('outside a scope, and on the reference backend, arrays are ordinary', () => {
    expect(wasm.stepMemory.owns(floatData(8))).toBe(false);
    useBackend('reference');
    try {
      withStepMemory(() => expect(kernels().stepMemory).toBeUndefined());
      expect(withStepMemory(() => floatData(4)).buffer).toBeInstanceOf(ArrayBuffer);
    } finally {
      useBackend('wasm');
    }
  });

  it('releases on the way out, also when the step throws, and poisons what it released', () => {
    let inner: Float32Array | null = null;
    let kept: Float32Array | null = null;
    withStepMemory(() => {
      const outer = floatData(16).fill(1);
      expect(() => withStepMemory(() => {
        inner = floatData(16).fill(2);
        throw new Error('boom');
      })).toThrow('boom');
      expect(Number.isNaN(inner![0])).toBe(true);
      // The outer scope's array is untouched by the inner release; a kept copy is an ordinary array.
      expect(outer[15]).toBe(1);
      kept = keepData(outer);
      expect(wasm.stepMemory.owns(kept)).toBe(false);
    });
    expect(Array.from(kept!)).toEqual(new Array(16).fill(1));
    const plain = new Float32Array(3);
    expect(keepData(plain)).toBe(plain);
  });

  it("hands out index arrays (max pooling's argmax) there too, so a step leaves no arrays for the garbage collector", () => {
    expect(wasm.stepMemory.owns(indexData(4))).toBe(false);
    const x = new Tensor(new Generator(3).normal(2 * 3 * 8 * 8), [2, 3, 8, 8], true);
    const outside = maxPool2d(x, { kernelSize: [2, 2] });
    sum(outside).backward();
    const want = { y: Array.from(outside.data), dx: Array.from(x.grad!.data) };
    x.grad = null;
    withStepMemory(() => {
      const idx = indexData(5);
      expect(idx).toBeInstanceOf(Int32Array);
      expect(wasm.stepMemory.owns(idx)).toBe(true);
      const y = maxPool2d(x, { kernelSize: [2, 2] });
      sum(y).backward();
      expect(Array.from(y.data)).toEqual(want.y);
      expect(Array.from(x.grad!.data)).toEqual(want.dx);
    });
  });
});

/** Where two results first differ (a path and both values), or null: a short failure message instead of a diff of thousands of numbers. */
function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${path}: ${String(a)} vs ${String(b)}`;
}
const cnn: LayerSpec[] = [
  { kind: 'Conv2d', in_channels: 3, out_channels: 8, kernel_size: 3, padding: 1 },
  { kind: 'BatchNorm2d', num_features: 8 },
  { kind: 'ReLU' },
  { kind: 'MaxPool2d', kernel_size: 2 },
  { kind: 'Dropout2d', p: 0.2 },
  { kind: 'Flatten' },
  { kind: 'Linear', in_features: 8 * 8 * 8, out_features: 64 },
  { kind: 'ReLU' },
  { kind: 'Dropout', p: 0.5 },
  { kind: 'Linear', in_features: 64, out_features: 5 },
];
const transformer: LayerSpec[] = [
  { kind: 'Residual', layers: [{ kind: 'MultiheadAttention', embed_dim: 32, num_heads: 4, dropout: 0.1 }, { kind: 'Dropout', p: 0.1 }] },
  { kind: 'LayerNorm', normalized_shape: [32] },
  { kind: 'Residual', layers: [{ kind: 'Linear', in_features: 32, out_features: 64 }, { kind: 'GELU' }, { kind: 'Linear', in_features: 64, out_features: 32 }] },
  { kind: 'LayerNorm', normalized_shape: [32] },
  { kind: 'SequenceMean', dim: 1 },
  { kind: 'Linear', in_features: 32, out_features: 5 },
];

/** Six training steps (SGD with momentum or Adam, whose buffers are born inside the first step); losses, weights and what the model kept. */
function train(backend: string, layers: LayerSpec[], inputShape: number[], optimizer: 'sgd' | 'adam') {
  const prev = useBackend(backend);
  try {
    const { model } = buildModel({ input_shape: inputShape, layers }, { seed: 3 });
    model.train();
    model.setGenerator(new Generator(9));
    for (const [, m] of model.namedModules()) if (m instanceof MultiheadAttention) m.keepAttention = true;
    const g = new Generator(5);
    const x = new Tensor(g.normal(8 * inputShape.reduce((a, b) => a * b, 1)), [8, ...inputShape]);
    const y = Int32Array.from({ length: 8 }, (_, i) => i % 5);
    const opt = optimizer === 'sgd' ? new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }) : new Adam(model.parameters(), { lr: 0.01 });
    const losses: number[] = [];
    // Parameters and optimizer state pinned in wasm memory, as the trainer does for a run (a no-op on the copying backend).
    const unpin = pinData(model.parameters());
    const unpinState = opt.pinState();
    for (let s = 0; s < 6; s++) {
      losses.push(withStepMemory(() => {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        return loss.item();
      }));
    }
    unpinState();
    unpin();
    const state = [...model.stateDict()].map(([k, v]) => [k, Array.from(v.data)]);
    const optimizerState = [...opt.stateDict().buffers].map(([k, b]) => [k, Array.from(b)]);
    const noise = model.namedModules().filter((e) => e[1] instanceof StochasticModule).map(([n, m]) => [n, Array.from((m as StochasticModule).lastNoise ?? [])]);
    const attention = model.namedModules().map(([, m]) => m).filter((m): m is MultiheadAttention => m instanceof MultiheadAttention).map((m) => Array.from(m.lastAttention?.data ?? []));
    const gradsKept = model.parameters().filter((p) => p.grad !== null).length;
    return { losses, state, optimizerState, noise, attention, gradsKept };
  } finally {
    useBackend(prev);
  }
}

describe('running out of wasm memory', () => {
  it('says so in words, with what was needed, instead of a bare RangeError from grow()', () => {
    // A runtime whose memory cannot grow past 2 pages; no kernel runs.
    const memory = new (wasmApi()!.Memory)({ initial: 1, maximum: 2, shared: true });
    const exports = { run: () => {}, heapBase: () => 1024, gemmScratchBytes: () => 1024, winogradScratchBytes: () => 1024, winogradWeightScratchBytes: () => 1024, zeroBytes: () => {} };
    const k = createWasmKernels({ memory, exports, variant: 'simd', threads: () => 1, dispatch: () => {} });
    expect(() => k.stepMemory.alloc(1 << 20, false)).toThrow(/ran out of memory: \d+ MB needed.*smaller batch size or model/);
  });
});

describe('the kernels\' scratch', () => {
  it('stays in the region reserved for it when step memory took the pages after it (wasm memory does not grow)', () => {
    // A runtime whose kernels do nothing: only where the call path puts its operands matters here.
    const memory = new (wasmApi()!.Memory)({ initial: 1, maximum: 65536, shared: true });
    const exports = { run: () => {}, heapBase: () => 1024, gemmScratchBytes: () => 1024, winogradScratchBytes: () => 1024, winogradWeightScratchBytes: () => 1024, zeroBytes: () => {} };
    const k = createWasmKernels({ memory, exports, variant: 'simd', threads: () => 1, dispatch: () => {} });
    k.stepMemory.alloc(1 << 20, false);
    const bytes = k.memoryBytes();
    // 4 MB copied in and 4 MB of output: more than a region that had started empty could hold without moving on.
    k.reluForward(new Float32Array(1 << 20), new Float32Array(1 << 20));
    expect(k.memoryBytes()).toBe(bytes);
  });
});

describe('pinData', () => {
  it('moves tensors into wasm memory and back with their new values, and a later pin reuses the block', () => {
    const t = { data: Float32Array.from([1, 2, 3]) };
    const unpin = pinData([t]);
    expect(wasm.stepMemory.owns(t.data)).toBe(true);
    const at = t.data.byteOffset;
    t.data[1] = 5;
    unpin();
    expect(wasm.stepMemory.owns(t.data)).toBe(false);
    expect(Array.from(t.data)).toEqual([1, 5, 3]);
    const again = { data: new Float32Array(3) };
    const unpinAgain = pinData([again]);
    expect(again.data.byteOffset).toBe(at);
    unpinAgain();
  });
});

describe('Optimizer.pinState', () => {
  it("keeps the state in wasm memory while pinned, buffers born then too, and gives it back as ordinary arrays with its values", () => {
    class Visible extends Adam {
      buffers(): Float32Array[] {
        return this.state.flatMap((m) => [...m.values()]);
      }
    }
    const p = new Tensor(Float32Array.from({ length: 300 }, (_, i) => i / 300), [300], true);
    const opt = new Visible([p], { lr: 0.1 });
    const unpin = opt.pinState();
    p.grad = new Tensor(new Float32Array(300).fill(1), [300]);
    opt.step();
    expect(opt.buffers().length).toBe(2);
    expect(opt.buffers().every((b) => wasm.stepMemory.owns(b))).toBe(true);
    const during = opt.stateDict().buffers;
    unpin();
    expect(opt.buffers().some((b) => wasm.stepMemory.owns(b))).toBe(false);
    expect(opt.stateDict().buffers).toEqual(during);
    expect(during.get('0.exp_avg')![0]).toBeCloseTo(0.1, 6);
  });
});

describe('training in step memory', () => {
  it.each([
    ['a CNN with BatchNorm and dropout, SGD with momentum', cnn, [3, 16, 16], 'sgd'],
    ['a Transformer block with attention dropout, Adam', transformer, [6, 32], 'adam'],
  ] as const)('%s: bit-identical to the copying kernels, nothing kept is poisoned', (_name, layers, shape, optimizer) => {
    const resident = train('wasm', [...layers], [...shape], optimizer);
    const copying = train('wasm-copies', [...layers], [...shape], optimizer);
    expect(resident.losses.every(Number.isFinite)).toBe(true);
    // Gradients lived in step memory: the scope's end resets every .grad (the copying backend has no scope and keeps them).
    expect(resident.gradsKept).toBe(0);
    expect(copying.gradsKept).toBeGreaterThan(0);
    expect(firstDifference({ ...resident, gradsKept: 0 }, { ...copying, gradsKept: 0 })).toBeNull();
    // What the model kept for the inspector is real data, not poison.
    for (const [, mask] of resident.noise) expect((mask as number[]).some(Number.isNaN)).toBe(false);
    for (const a of resident.attention) expect(a.length > 0 && !a.some(Number.isNaN)).toBe(true);
    expect(resident.losses[5]).toBeLessThan(resident.losses[0]);
  });

  it("a keep-mask read after its step is the one the forward applied (drawn again from the step's counters), and stays so", () => {
    const d = new Dropout(0.5).setGenerator(new Generator(4));
    const x = new Tensor(new Float32Array(4096).fill(1), [4096]);
    const applied = withStepMemory(() => Array.from(d.forward(x).data, (v) => (v === 0 ? 0 : 1)));
    const mask = d.lastNoise!;
    expect(wasm.stepMemory.owns(mask)).toBe(false);
    expect(Array.from(mask)).toEqual(applied);
    expect(d.lastNoise).toBe(mask);
    withStepMemory(() => d.forward(x));
    expect(Array.from(mask)).toEqual(applied);
    expect(Array.from(d.lastNoise!)).not.toEqual(applied);
  });

  it('the Trainer (training steps and validation batches) gives the same history as without step memory', async () => {
    const data = { data: makeTwoD('spiral', { samples: 200, seed: 2 }) };
    const spec = { input_shape: [2], layers: [{ kind: 'Linear', in_features: 2, out_features: 300 }, { kind: 'ReLU' }, { kind: 'Dropout', p: 0.3 }, { kind: 'Linear', in_features: 300, out_features: 2 }] as LayerSpec[] };
    const run = async (backend: string) => {
      const prev = useBackend(backend);
      try {
        const t = new Trainer({ spec, data, settings: defaultSettings({ epochs: 3, batch_size: 32, optimizer: { type: 'sgd', lr: 0.1 }, seed: 1 }) });
        const r = await t.run();
        // Parameters were pinned in wasm memory for the run and are ordinary arrays again after it.
        const pinnedAfter = t.model.parameters().filter((p) => wasm.stepMemory.owns(p.data)).length;
        return { pinnedAfter, losses: r.history.step_losses, val: r.history.epochs.map((e) => [e.val_loss, e.val_accuracy]), weights: [...t.model.stateDict()].map(([k, v]) => [k, Array.from(v.data)]) };
      } finally {
        useBackend(prev);
      }
    };
    const resident = await run('wasm');
    expect(resident.pinnedAfter).toBe(0);
    expect(resident.val.flat().every((v) => v !== null && Number.isFinite(v))).toBe(true);
    expect(firstDifference(resident, await run('wasm-copies'))).toBeNull();
  });

  it('MC-dropout passes and forwardAll batches (results copied out of each batch) match the copying kernels', async () => {
    const data = makeTwoD('spiral', { samples: 300, seed: 4 });
    const spec = { input_shape: [2], layers: [{ kind: 'Linear', in_features: 2, out_features: 300 }, { kind: 'ReLU' }, { kind: 'Dropout', p: 0.4 }, { kind: 'Linear', in_features: 300, out_features: 2 }] as LayerSpec[] };
    const run = async (backend: string) => {
      const prev = useBackend(backend);
      try {
        const { model } = buildModel(spec, { seed: 8 });
        const x = new Tensor(Float32Array.from(data.features), [data.size, ...data.inputShape]);
        const mc = mcPredict(model, x, { passes: 5, seed: 2, task: 'classification', batchSize: 128 });
        const all = await forwardAll(model, data, { batchSize: 128 });
        return { mean: Array.from(mc.mean), mi: Array.from(mc.mutual_information!), outputs: Array.from(all.outputs), loss: all.loss };
      } finally {
        useBackend(prev);
      }
    };
    const resident = await run('wasm');
    expect(resident.mean.some(Number.isNaN) || resident.outputs.some(Number.isNaN)).toBe(false);
    expect(firstDifference(resident, await run('wasm-copies'))).toBeNull();
  });
});
