/**
 * The wasm kernels against the TypeScript reference on many random shapes:
 * odd sizes, all transposes, accumulate, offsets; convolutions with groups,
 * stride, padding and dilation; max pooling. Each case runs on one thread and
 * on several, so the work split is covered too. Tolerance 1e-5 abs + rel:
 * the two sum in different orders (and the wasm build may fuse multiply-adds).
 * The reference sums in float64, the wasm kernels in float32, whose rounding
 * error grows like √(terms): past 256 terms per sum the tolerance scales by
 * √(terms / 256) (the weight gradient of a 32×32 conv over 4 samples sums 4096).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Generator, useBackend, withStepMemory } from '../../../engine/index.ts';
import { floatData } from '../../../engine/tensor/storage.ts';
import { referenceKernels } from '../../../engine/kernels/reference.ts';
import type { Conv2dGeometry, GemmArgs, Pool2dGeometry } from '../../../engine/kernels/kernel-types.ts';
import { convOutSize } from '../../../engine/ops/conv.ts';
import { poolOutSize } from '../../../engine/ops/pool.ts';
import { installWasmBackend, setWasmThreads } from '../../../engine/kernels/wasm/node/load.ts';

const wasm = installWasmBackend();
const gen = new Generator(20261126);
const TOL = 1e-5;
const THREADS = [1, 3];

afterAll(() => setWasmThreads(1));

function rand(n: number): Float32Array {
  return Float32Array.from(gen.uniform(n), (u) => 2 * u - 1);
}

function int(lo: number, hi: number): number {
  return lo + Math.floor(gen.uniform(1)[0] * (hi - lo + 1));
}

function expectNear(actual: Float32Array | Int32Array, expected: Float32Array | Int32Array, what: string, terms = 1): void {
  expect(actual.length, what).toBe(expected.length);
  const tol = TOL * Math.max(1, Math.sqrt(terms / 256));
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= tol + tol * Math.abs(expected[i])) && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      expect.fail(`${what}: element ${i} is ${actual[i]}, reference ${expected[i]}`);
    }
  }
}

describe('wasm gemm matches the reference', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 9, 5], [7, 1, 3], [3, 5, 0], [4, 8, 16], [5, 9, 17], [13, 31, 7], [33, 65, 129],
    [64, 10, 512], [2, 300, 2], [130, 70, 260], [257, 9, 33], [31, 2100, 5],
  ];
  for (let r = 0; r < 8; r++) shapes.push([int(1, 90), int(1, 90), int(1, 300)]);
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${m}×${n}×${k} ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}`, () => {
          for (const threads of THREADS) {
            setWasmThreads(threads);
            for (const accumulate of [false, true]) {
              const aOffset = int(0, 5), bOffset = int(0, 5), cOffset = int(0, 5);
              const a = rand(aOffset + m * k + 3), b = rand(bOffset + k * n + 2), c0 = rand(cOffset + m * n + 4);
              const args = { transA, transB, m, n, k, a, aOffset, b, bOffset, cOffset, accumulate } satisfies Omit<GemmArgs, 'c'>;
              const want = c0.slice();
              const got = c0.slice();
              referenceKernels.gemm({ ...args, c: want });
              wasm.gemm({ ...args, c: got });
              expectNear(got, want, `threads ${threads}, accumulate ${accumulate}`, k);
              // With a bias row added to every row of the product (nn.Linear).
              const bias = rand(n);
              const wantB = c0.slice(), gotB = c0.slice();
              referenceKernels.gemm({ ...args, c: wantB, bias });
              wasm.gemm({ ...args, c: gotB, bias });
              expectNear(gotB, wantB, `bias, threads ${threads}, accumulate ${accumulate}`, k);
            }
          }
        });
      }
    }
  }
});

describe('wasm batched gemm matches the reference', () => {
  // [batch, m, n, k, gap]: entries sit `gap` elements apart beyond their size (0: packed); the first shape is an attention head.
  const shapes: [number, number, number, number, number][] = [[64, 64, 64, 32, 0], [3, 5, 9, 17, 3], [1, 33, 65, 129, 0], [7, 1, 2, 3, 1], [2, 130, 70, 40, 0]];
  for (const [batch, m, n, k, gap] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${batch}× ${m}×${n}×${k} ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}, gap ${gap}`, () => {
          for (const threads of THREADS) {
            setWasmThreads(threads);
            for (const [accumulate, sharedB] of [[false, false], [true, false], [false, true]]) {
              const strideA = m * k + gap, strideB = sharedB ? 0 : k * n + gap, strideC = m * n + gap;
              const aOffset = int(0, 5), bOffset = int(0, 5), cOffset = int(0, 5);
              const a = rand(aOffset + batch * strideA), b = rand(bOffset + k * n + batch * strideB), c0 = rand(cOffset + batch * strideC);
              const args = { transA, transB, m, n, k, a, aOffset, b, bOffset, cOffset, accumulate, batch, strideA, strideB, strideC };
              const want = c0.slice();
              const got = c0.slice();
              referenceKernels.gemmBatch({ ...args, c: want });
              wasm.gemmBatch({ ...args, c: got });
              expectNear(got, want, `threads ${threads}, accumulate ${accumulate}, shared b ${sharedB}`, k);
            }
          }
        });
      }
    }
  }
});

describe('wasm batched gemm reads heads in place (leading dimensions and head strides)', () => {
  // [outer, heads, m, n, k]: every operand stored as [outer, rows, heads·cols + pad], head h in columns h·cols.
  const shapes: [number, number, number, number, number][] = [[3, 2, 5, 6, 4], [2, 4, 16, 16, 8], [1, 3, 9, 1, 7]];
  for (const [outer, heads, m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${outer}×${heads} heads of ${m}×${n}×${k} ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}, in copies and in step memory`, () => {
          const layout = (rows: number, cols: number, pad: number) => ({ ld: heads * cols + pad, stride: rows * (heads * cols + pad), head: cols, size: outer * rows * (heads * cols + pad) });
          const la = transA ? layout(k, m, 3) : layout(m, k, 3);
          const lb = transB ? layout(n, k, 1) : layout(k, n, 2);
          const lc = layout(m, n, 5);
          const a = rand(la.size), b = rand(lb.size), c0 = rand(lc.size);
          for (const accumulate of [false, true]) {
            const args = {
              transA, transB, m, n, k, a, aOffset: 0, b, bOffset: 0, cOffset: 0, accumulate, batch: outer * heads, heads,
              lda: la.ld, ldb: lb.ld, ldc: lc.ld, strideA: la.stride, strideB: lb.stride, strideC: lc.stride,
              headStrideA: la.head, headStrideB: lb.head, headStrideC: lc.head,
            };
            const want = c0.slice();
            referenceKernels.gemmBatch({ ...args, c: want });
            for (const threads of THREADS) {
              setWasmThreads(threads);
              const got = c0.slice();
              wasm.gemmBatch({ ...args, c: got });
              expectNear(got, want, `threads ${threads}, accumulate ${accumulate}`, k);
              const prev = useBackend('wasm');
              const inPlace = withStepMemory(() => {
                const [ra, rb, rc] = [a, b, c0].map((x) => {
                  const r = floatData(x.length);
                  r.set(x);
                  return r;
                });
                expect(wasm.stepMemory.owns(rc)).toBe(true);
                wasm.gemmBatch({ ...args, a: ra, b: rb, c: rc });
                return rc.slice();
              });
              useBackend(prev);
              expectNear(inPlace, want, `in step memory, threads ${threads}, accumulate ${accumulate}`, k);
            }
            // One entry as a plain gemm with leading dimensions.
            const one = c0.slice();
            const oneWant = c0.slice();
            referenceKernels.gemm({ ...args, c: oneWant, aOffset: la.head, bOffset: lb.head, cOffset: lc.head });
            wasm.gemm({ ...args, c: one, aOffset: la.head, bOffset: lb.head, cOffset: lc.head });
            expectNear(one, oneWant, `gemm with leading dimensions, accumulate ${accumulate}`, k);
          }
        });
      }
    }
  }
});

function convCase(o: Partial<Conv2dGeometry> & { inH: number; inW: number; kH: number; kW: number }): Conv2dGeometry {
  const g = { batch: 2, inChannels: 3, outChannels: 4, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, groups: 1, ...o };
  return {
    ...g,
    outH: convOutSize(g.inH, g.kH, g.strideH, g.padH, g.dilationH),
    outW: convOutSize(g.inW, g.kW, g.strideW, g.padW, g.dilationW),
  };
}

describe('wasm conv2d matches the reference, forward and both backward passes', () => {
  const cases: Conv2dGeometry[] = [
    convCase({ inH: 5, inW: 5, kH: 3, kW: 3 }),
    convCase({ inH: 8, inW: 7, kH: 3, kW: 3, padH: 1, padW: 1 }),
    convCase({ batch: 3, inChannels: 4, outChannels: 6, inH: 9, inW: 10, kH: 3, kW: 2, strideH: 2, strideW: 3, padH: 1, padW: 2, groups: 2 }),
    convCase({ inH: 11, inW: 9, kH: 3, kW: 3, dilationH: 2, dilationW: 3, padH: 2, padW: 1 }),
    convCase({ batch: 1, inChannels: 6, outChannels: 6, inH: 6, inW: 6, kH: 3, kW: 3, padH: 1, padW: 1, groups: 6 }),
    convCase({ batch: 5, inChannels: 8, outChannels: 5, inH: 4, inW: 6, kH: 1, kW: 1 }),
    convCase({ batch: 4, inChannels: 3, outChannels: 32, inH: 32, inW: 32, kH: 3, kW: 3, padH: 1, padW: 1 }),
    convCase({ batch: 4, inChannels: 32, outChannels: 64, inH: 16, inW: 16, kH: 3, kW: 3, padH: 1, padW: 1 }),
    // W5's first layer: one channel, K = 9 (the weight gradient's short-K lane path; 32 rows are not a multiple of its 3).
    convCase({ batch: 2, inChannels: 1, outChannels: 32, inH: 28, inW: 28, kH: 3, kW: 3, padH: 1, padW: 1 }),
    convCase({ batch: 2, inChannels: 2, outChannels: 3, inH: 7, inW: 7, kH: 5, kW: 4, strideH: 3, strideW: 2, padH: 2, padW: 2, dilationH: 1, dilationW: 2 }),
    // Stride-1 packed paths: K split in blocks (432, 450) with row tails (50, 48) and an odd width; panels across rows;
    // padding past (k-1)·d (the input gradient's general path), with groups and dilation; a padded 1×1.
    convCase({ batch: 3, inChannels: 48, outChannels: 50, inH: 7, inW: 5, kH: 3, kW: 3, padH: 1, padW: 2 }),
    convCase({ batch: 2, inChannels: 5, outChannels: 7, inH: 12, inW: 12, kH: 5, kW: 5, padH: 2, padW: 2 }),
    convCase({ batch: 2, inChannels: 4, outChannels: 6, inH: 6, inW: 8, kH: 3, kW: 3, padH: 3, padW: 0, dilationH: 1, dilationW: 2, groups: 2 }),
    convCase({ batch: 3, inChannels: 8, outChannels: 5, inH: 4, inW: 6, kH: 1, kW: 1, padH: 1, padW: 1 }),
  ];
  for (const g of cases) {
    const label = `N${g.batch} C${g.inChannels}→${g.outChannels} ${g.inH}×${g.inW} k${g.kH}×${g.kW} s${g.strideH},${g.strideW} p${g.padH},${g.padW} d${g.dilationH},${g.dilationW} g${g.groups}`;
    it(label, () => {
      const x = rand(g.batch * g.inChannels * g.inH * g.inW);
      const w = rand(g.outChannels * (g.inChannels / g.groups) * g.kH * g.kW);
      const bias = rand(g.outChannels);
      const dy = rand(g.batch * g.outChannels * g.outH * g.outW);
      const kk = (g.inChannels / g.groups) * g.kH * g.kW;
      const want = { y: new Float32Array(dy.length), dx: new Float32Array(x.length), dw: new Float32Array(w.length), db: new Float32Array(g.outChannels) };
      referenceKernels.conv2dForward(g, x, w, bias, want.y);
      referenceKernels.conv2dBackwardInput(g, dy, w, want.dx);
      referenceKernels.conv2dBackwardWeight(g, dy, x, want.dw, want.db);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        // Garbage in the outputs must be overwritten.
        const got = { y: rand(dy.length), dx: rand(x.length), dw: rand(w.length), db: rand(g.outChannels) };
        wasm.conv2dForward(g, x, w, bias, got.y);
        wasm.conv2dBackwardInput(g, dy, w, got.dx);
        wasm.conv2dBackwardWeight(g, dy, x, got.dw, got.db);
        expectNear(got.y, want.y, `forward, threads ${threads}`, kk);
        expectNear(got.dx, want.dx, `input gradient, threads ${threads}`, (g.outChannels / g.groups) * g.kH * g.kW);
        expectNear(got.dw, want.dw, `weight gradient, threads ${threads}`, g.batch * g.outH * g.outW);
        expectNear(got.db, want.db, `bias gradient, threads ${threads}`, g.batch * g.outH * g.outW);
        const noBias = new Float32Array(dy.length);
        const wantNoBias = new Float32Array(dy.length);
        referenceKernels.conv2dForward(g, x, w, null, wantNoBias);
        wasm.conv2dForward(g, x, w, null, noBias);
        expectNear(noBias, wantNoBias, `forward without bias, threads ${threads}`, kk);
      }
    });
  }
});

function poolCase(o: Partial<Pool2dGeometry> & { inH: number; inW: number; kH: number; kW: number }, ceil = false): Pool2dGeometry {
  const g = { batch: 2, channels: 3, strideH: o.kH, strideW: o.kW, padH: 0, padW: 0, dilationH: 1, dilationW: 1, ...o };
  return {
    ...g,
    outH: poolOutSize(g.inH, g.kH, g.strideH, g.padH, g.dilationH, ceil),
    outW: poolOutSize(g.inW, g.kW, g.strideW, g.padW, g.dilationW, ceil),
  };
}

describe('wasm max pooling matches the reference', () => {
  const cases: Pool2dGeometry[] = [
    poolCase({ inH: 4, inW: 4, kH: 2, kW: 2 }),
    poolCase({ inH: 7, inW: 9, kH: 3, kW: 2, strideH: 2, strideW: 1, padH: 1, padW: 1 }),
    poolCase({ inH: 8, inW: 8, kH: 3, kW: 3, dilationH: 2, dilationW: 2, padH: 1 }),
    poolCase({ inH: 5, inW: 5, kH: 2, kW: 2 }, true),
    poolCase({ inH: 7, inW: 11, kH: 2, kW: 2 }),
    poolCase({ batch: 16, channels: 32, inH: 32, inW: 32, kH: 2, kW: 2 }),
  ];
  for (const [g, relu] of cases.flatMap((g) => [[g, false], [g, true]] as const)) {
    it(`${g.batch}×${g.channels}×${g.inH}×${g.inW} k${g.kH}×${g.kW} s${g.strideH},${g.strideW} p${g.padH},${g.padW} d${g.dilationH},${g.dilationW}${relu ? ', of relu(x)' : ''}`, () => {
      const x = rand(g.batch * g.channels * g.inH * g.inW);
      // Ties and NaN follow torch: the first maximum wins, NaN propagates (relu turns it into 0, as reluForward).
      x[1] = x[0];
      x[5] = Number.NaN;
      x.fill(-0.5, 8, 12);
      x[9] = -0;
      const n = g.batch * g.channels * g.outH * g.outW;
      const dy = rand(n);
      dy[0] = -0;
      const want = { y: new Float32Array(n), arg: new Int32Array(n), dx: new Float32Array(x.length) };
      referenceKernels.maxPool2dForward(g, x, want.y, want.arg, relu);
      referenceKernels.maxPool2dBackward(g, dy, want.arg, want.dx);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        const got = { y: new Float32Array(n), arg: new Int32Array(n), dx: rand(x.length) };
        wasm.maxPool2dForward(g, x, got.y, got.arg, relu);
        wasm.maxPool2dBackward(g, dy, got.arg, got.dx);
        // Pooling only selects and adds into zeros: bit for bit, the sign of zero included.
        expect(got.y).toEqual(want.y);
        expect([...got.arg]).toEqual([...want.arg]);
        expect(got.dx).toEqual(want.dx);
      }
    });
  }
});

describe('wasm memory', () => {
  it('does not grow when the same shapes repeat', () => {
    const a = rand(200 * 300), b = rand(300 * 100), c = new Float32Array(200 * 100);
    const run = () => wasm.gemm({ transA: false, transB: false, m: 200, n: 100, k: 300, a, aOffset: 0, b, bOffset: 0, c, cOffset: 0, accumulate: false });
    run();
    const bytes = wasm.memoryBytes();
    for (let i = 0; i < 20; i++) run();
    expect(wasm.memoryBytes()).toBe(bytes);
  });
});

describe('wasm relu matches the reference', () => {
  for (const n of [5, 1000, 16384, 70001]) {
    it(`${n} elements, forward and backward`, () => {
      const x = rand(n), dy = rand(n);
      x[0] = Number.NaN;
      x[1] = 0;
      x[2] = -0;
      const want = { y: new Float32Array(n), dx: new Float32Array(n) };
      referenceKernels.reluForward(x, want.y);
      referenceKernels.reluBackward(x, dy, want.dx);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        const got = { y: rand(n), dx: rand(n) };
        wasm.reluForward(x, got.y);
        wasm.reluBackward(x, dy, got.dx);
        expect(got.y).toEqual(want.y);
        expect(got.dx).toEqual(want.dx);
      }
    });
  }
});

describe('wasm column sums match the reference bit for bit (float64, rows in order)', () => {
  // [blocks, rows, cols]: one block (a bias gradient) or a block per outer index (a mean over the middle axis).
  for (const [blocks, rows, cols] of [[1, 3, 5], [1, 1024, 128], [1, 64, 4097], [1, 1000, 6], [1, 700, 3], [16, 64, 128], [3, 4, 4097], [5, 30, 6]]) {
    it(`${blocks}× ${rows}×${cols}, in copies and in step memory`, () => {
      const x = rand(blocks * rows * cols);
      const want = new Float32Array(blocks * cols);
      // Each block on its own: the blocked call must give the same floats as one call per block.
      for (let b = 0; b < blocks; b++) referenceKernels.columnSums(x.subarray(b * rows * cols, (b + 1) * rows * cols), cols, want.subarray(b * cols, (b + 1) * cols));
      const blocked = new Float32Array(blocks * cols);
      referenceKernels.columnSums(x, cols, blocked);
      expect(blocked).toEqual(want);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        const got = rand(blocks * cols);
        wasm.columnSums(x, cols, got);
        expect(got).toEqual(want);
        // In place: input and output already in wasm memory.
        const prev = useBackend('wasm');
        const inPlace = withStepMemory(() => {
          const rx = floatData(x.length);
          rx.set(x);
          const out = floatData(blocks * cols);
          expect(wasm.stepMemory.owns(out)).toBe(true);
          wasm.columnSums(rx, cols, out);
          return out.slice();
        });
        useBackend(prev);
        expect(inPlace).toEqual(want);
      }
    });
  }
});

describe('wasm sgd update matches the reference', () => {
  for (const [n, lr, wd] of [[5, 0.01, 0], [1000, 0.1, 0.01], [70001, 0.01, 0], [70001, 0.5, 1e-4]]) {
    it(`${n} elements, lr ${lr}, weight decay ${wd}`, () => {
      const w0 = rand(n), g = rand(n);
      const want = w0.slice();
      referenceKernels.sgdUpdate(want, g, lr, wd);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        const got = w0.slice();
        wasm.sgdUpdate(got, g, lr, wd);
        expectNear(got, want, 'w');
      }
    });
  }
});

describe('wasm Adam update gives the reference bits', () => {
  // Odd lengths (a scalar tail), one and several threads' worth; Adam with L2 decay, AdamW, AMSGrad; three steps.
  const cases = [
    [1001, { weightDecay: 0, decoupled: false, amsgrad: false }],
    [70001, { weightDecay: 1e-4, decoupled: false, amsgrad: true }],
    [70001, { weightDecay: 0.01, decoupled: true, amsgrad: false }],
  ] as const;
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
  for (const [n, o] of cases) {
    it(`${n} elements, weight decay ${o.weightDecay}${o.decoupled ? ' (decoupled)' : ''}${o.amsgrad ? ', AMSGrad' : ''}`, () => {
      const w0 = rand(n);
      const grads = [rand(n), rand(n).map((g) => 10 * g), rand(n).map((g) => 1e-3 * g)];
      const run = (update: typeof referenceKernels.adamUpdate) => {
        const [w, m, v, vmax] = [w0.slice(), new Float32Array(n), new Float32Array(n), o.amsgrad ? new Float32Array(n) : null];
        grads.forEach((g, i) => {
          const t = i + 1, lr = 1e-3, b1 = 0.9, b2 = 0.999;
          update(w, g, m, v, vmax, { lr, weightDecay: o.weightDecay, decoupled: o.decoupled, b1, b2, eps: 1e-8, stepSize: lr / (1 - b1 ** t), bc2Sqrt: Math.sqrt(1 - b2 ** t) });
        });
        return [w, m, v, vmax ?? new Float32Array(0)].map(bits);
      };
      const want = run(referenceKernels.adamUpdate);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        expect(run((...a) => wasm.adamUpdate(...a))).toEqual(want);
      }
    });
  }
});

describe('wasm SGD-with-momentum update gives the reference bits', () => {
  // Odd lengths (a scalar tail), one and several threads' worth; plain momentum, dampening + decay, Nesterov; three steps, the first one's buffer = d.
  const cases = [
    [1001, { momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false }],
    [70001, { momentum: 0.5, dampening: 0.1, weightDecay: 1e-3, nesterov: false }],
    [70001, { momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true }],
  ] as const;
  const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
  for (const [n, o] of cases) {
    it(`${n} elements, momentum ${o.momentum}, dampening ${o.dampening}, weight decay ${o.weightDecay}${o.nesterov ? ', Nesterov' : ''}`, () => {
      const w0 = rand(n);
      const grads = [rand(n), rand(n).map((g) => 10 * g), rand(n).map((g) => 1e-3 * g)];
      const run = (update: typeof referenceKernels.sgdMomentumUpdate) => {
        const [w, buf] = [w0.slice(), new Float32Array(n)];
        grads.forEach((g, i) => update(w, g, buf, { lr: 0.05, ...o, first: i === 0 }));
        return [w, buf].map(bits);
      };
      const want = run(referenceKernels.sgdMomentumUpdate);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        expect(run((...a) => wasm.sgdMomentumUpdate(...a))).toEqual(want);
      }
    });
  }
});

describe('wasm softmax rows match the reference', () => {
  // [rows, len, scale]: attention rows, odd lengths (scalar tails), a long row, a negative scale.
  for (const [rows, len, scale] of [[4096, 64, 0.17677669], [300, 7, 1], [9, 1000, 3], [200, 33, -0.5]] as const) {
    it(`${rows} rows of ${len}, scale ${scale}, forward and backward`, () => {
      const x = rand(rows * len).map((v) => 20 * v), g = rand(rows * len);
      // -∞ (a masked key), a NaN row, a row masked everywhere (NaN as torch), huge gaps (underflow to 0).
      x[1] = -Infinity;
      x[len + 2] = Number.NaN;
      x.fill(-Infinity, 2 * len, 3 * len);
      x[3 * len] = 200;
      const want = { y: new Float32Array(x.length), dx: new Float32Array(x.length) };
      referenceKernels.softmaxForward(x, len, scale, want.y);
      referenceKernels.softmaxBackward(want.y, g, len, scale, want.dx);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        const got = { y: rand(x.length), dx: rand(x.length) };
        wasm.softmaxForward(x, len, scale, got.y);
        wasm.softmaxBackward(want.y, g, len, scale, got.dx);
        expectNear(got.y, want.y, `forward, threads ${threads}`);
        expectNear(got.dx, want.dx, `backward, threads ${threads}`, len);
      }
    });
  }
});

describe('wasm layer norm matches the reference', () => {
  // [rows, size]: the Transformer's rows, odd sizes (scalar tails), one long row, rows that are constant (σ² = 0).
  for (const [rows, size] of [[1024, 128], [300, 7], [3, 3001], [64, 6]] as const) {
    it(`${rows} rows of ${size}, forward and backward`, () => {
      const x = rand(rows * size).map((v, i) => 3 * v + (i % 5)), w = rand(size), b = rand(size), g = rand(rows * size);
      x.fill(0.25, 0, size);
      const want = { y: new Float32Array(x.length), xhat: new Float32Array(x.length), rstd: new Float64Array(rows), dx: new Float32Array(x.length), dw: new Float32Array(size), db: new Float32Array(size) };
      referenceKernels.layerNormForward(x, size, w, b, 1e-5, want.y, want.xhat, want.rstd);
      referenceKernels.layerNormBackward(g, want.xhat, want.rstd, w, size, want.dx, want.dw, want.db);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        const got = { y: rand(x.length), xhat: rand(x.length), rstd: new Float64Array(rows), dx: rand(x.length), dw: rand(size), db: rand(size) };
        wasm.layerNormForward(x, size, w, b, 1e-5, got.y, got.xhat, got.rstd);
        wasm.layerNormBackward(g, want.xhat, want.rstd, w, size, got.dx, got.dw, got.db);
        expectNear(got.y, want.y, `y, threads ${threads}`, size);
        expectNear(got.xhat, want.xhat, `x̂, threads ${threads}`, size);
        expectNear(Float32Array.from(got.rstd), Float32Array.from(want.rstd), `rstd, threads ${threads}`, size);
        expectNear(got.dx, want.dx, `dx, threads ${threads}`, size);
        expectNear(got.dw, want.dw, `dw, threads ${threads}`, rows);
        expectNear(got.db, want.db, `db, threads ${threads}`, rows);
        const onlyDx = rand(x.length);
        wasm.layerNormBackward(g, want.xhat, want.rstd, w, size, onlyDx, null, null);
        expectNear(onlyDx, want.dx, `dx alone, threads ${threads}`, size);
      }
    });
  }
});

describe('wasm backend registration', () => {
  it('is selectable by name, installs once, and reports its build and threads', async () => {
    const { useBackend, kernels, backendNames } = await import('../../../engine/index.ts');
    expect(backendNames()).toContain('wasm');
    expect(installWasmBackend()).toBe(wasm);
    const prev = useBackend('wasm');
    try {
      expect(kernels().name).toBe('wasm');
    } finally {
      useBackend(prev);
    }
    expect(['simd', 'relaxed-simd']).toContain(wasm.runtime.variant);
    setWasmThreads(2);
    expect(wasm.runtime.threads()).toBe(2);
  });
});

describe('wasm random words match the reference bit for bit', () => {
  const cases: [number, number, number, number][] = [
    [0, 0, 0, 7], [1234, 0, 0, 256], [0xdeadbeef, 0x12345678, 5, 1001],
    [42, 7, 2 ** 32 - 3, 300], [9, 9, 2 ** 40 + 17, 4099], [3, 1, 0, 262144],
  ];
  for (const [k0, k1, offset, n] of cases) {
    it(`key (${k0}, ${k1}), offset ${offset}, ${n} words`, () => {
      const want = new Uint32Array(n);
      referenceKernels.randomBits(k0, k1, offset, want);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        const got = new Uint32Array(n).fill(7);
        wasm.randomBits(k0, k1, offset, got);
        expect(got).toEqual(want);
      }
    });
  }
});

describe('wasm dropout keep-masks match the reference bit for bit', () => {
  // [k0, k1, offset, n, keep probability]: the edges 0 and 1, a probability on the 2⁻²⁴ grid and ones off it.
  const cases: [number, number, number, number, number][] = [
    [1, 2, 0, 1001, 0.5], [7, 7, 2 ** 32 - 3, 4099, 0.9], [3, 1, 17, 65536, 1 / 3],
    [5, 6, 0, 300, 0], [5, 6, 0, 300, 1], [8, 0, 2 ** 40 + 1, 777, 0.75 + 2 ** -24],
  ];
  for (const [k0, k1, offset, n, q] of cases) {
    it(`key (${k0}, ${k1}), offset ${offset}, ${n} values, keep ${q}`, () => {
      const want = new Float32Array(n);
      referenceKernels.randomMask(k0, k1, offset, q, want);
      // The reference's mask is its own words thresholded: check that too.
      const words = new Uint32Array(n);
      referenceKernels.randomBits(k0, k1, offset, words);
      expect(Array.from(want)).toEqual(Array.from(words, (w) => ((w >>> 8) / 2 ** 24 < q ? 1 : 0)));
      for (const threads of THREADS) {
        setWasmThreads(threads);
        const got = new Float32Array(n).fill(7);
        wasm.randomMask(k0, k1, offset, q, got);
        expect(got).toEqual(want);
      }
    });
  }

  it('applies a mask with its scale as the reference does, also in place', () => {
    for (const n of [5, 1000, 70001]) {
      const x = rand(n), mask = Float32Array.from(rand(n), (v) => (v > 0 ? 1 : 0));
      x[0] = Number.NaN;
      const want = new Float32Array(n);
      referenceKernels.maskMultiply(x, mask, 1 / 0.7, want);
      for (const threads of THREADS) {
        setWasmThreads(threads);
        const got = new Float32Array(n);
        wasm.maskMultiply(x, mask, 1 / 0.7, got);
        expect(got).toEqual(want);
        const inPlace = x.slice();
        wasm.maskMultiply(inPlace, mask, 1 / 0.7, inPlace);
        expect(inPlace).toEqual(want);
      }
    }
  });

  it('adds arrays as float32 sums, into a new array and in place into either operand', () => {
    for (const n of [5, 1000, 70001]) {
      const a = rand(n), b = rand(n);
      // Exact float32 sums, independent of our kernels: float64 sum rounded once.
      const want = Float32Array.from(a, (v, i) => Math.fround(v + b[i]));
      for (const threads of THREADS) {
        setWasmThreads(threads);
        const got = new Float32Array(n);
        wasm.addArrays(a, b, got);
        expect(got).toEqual(want);
        const intoA = a.slice(), intoB = b.slice();
        wasm.addArrays(intoA, b, intoA);
        wasm.addArrays(a, intoB, intoB);
        expect(intoA).toEqual(want);
        expect(intoB).toEqual(want);
      }
    }
  });
});
