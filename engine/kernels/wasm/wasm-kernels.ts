/**
 * The 'wasm' kernel set: the AssemblyScript kernels (./assembly) driven over
 * one WebAssembly memory (./wasm-memory.ts), each through the one call path
 * of ./wasm-call.ts with its arguments named by assembly/layout.ts. Work is
 * split across the runtime's threads when it is big enough to repay waking
 * them. No Node or DOM imports: the host (./node/load.ts under Node) supplies
 * the runtime.
 */
import type { AdamStep, SgdMomentumStep, Conv2dGeometry, GemmArgs, GemmBatchArgs, Kernels, Pool2dGeometry } from '../kernel-types.ts';
import { referenceKernels } from '../reference.ts';
import { Arena, Heap, StepArena, align } from './wasm-memory.ts';
import { KernelCaller, f32Bits, type CallOperands, type WasmRuntime } from './wasm-call.ts';
import {
  AdamArg, AddArraysArg, ColumnSumsArg, ConvArg, GemmArg, GemmBatchArg, LayerNormBackwardArg, LayerNormForwardArg, MaskMultiplyArg, Op,
  PoolArg, RandomArg, ReluBackwardArg, ReluForwardArg, SgdArg, SgdMomentumArg, SoftmaxBackwardArg, SoftmaxForwardArg, SumPartsArg,
} from './assembly/layout.ts';

export type { WasmRuntime } from './wasm-call.ts';

export interface WasmKernels extends Kernels {
  readonly runtime: WasmRuntime;
  readonly stepMemory: StepArena;
  /** Bytes of wasm memory in use (grows only for larger shapes). */
  memoryBytes(): number;
  /** True keeps 3×3 stride-1 convolutions on the direct packed path instead of Winograd (for A/B measurement). */
  directConv: boolean;
}

/** Below this much work per extra thread (in flops or touched elements), waking a thread costs more than it saves. */
const MIN_FLOPS_PER_THREAD = 1 << 20;
const MIN_ELEMENTS_PER_THREAD = 1 << 16;
/** Element-wise ops smaller than this stay in JavaScript: the copies and the call would cost more. */
const MIN_ELEMENTWISE = 256;

/** Elements a rows × cols matrix spans when its rows are ld apart. */
const extent = (rows: number, cols: number, ld: number) => (rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols);

export function createWasmKernels(rt: WasmRuntime): WasmKernels {
  const heap = new Heap(rt.memory, rt.exports.heapBase());
  const caller = new KernelCaller(rt, new Arena(heap));
  const stepMemory = new StepArena(heap, (p, bytes) => rt.exports.zeroBytes(p, bytes));
  const gemmScratch = align(rt.exports.gemmScratchBytes(), 64);
  const split = (work: number, perThread: number, units = Infinity) =>
    Math.max(1, Math.min(rt.threads(), units, Math.floor(work / perThread)));
  /** float64 values copied into the call's scratch, where a kernel reads its doubles; returns their address. */
  const float64In = (io: CallOperands, values: ArrayLike<number>): number => {
    const p = io.scratch(values.length * 8);
    new Float64Array(heap.f32.buffer, p, values.length).set(values);
    return p;
  };

  /** Threefry words (threshold 0) or keep-mask floats into out, which is copied out unless it lives in wasm memory. */
  function random(k0: number, k1: number, offset: number, threshold: number, out: Uint32Array | Float32Array): void {
    const hi = Math.floor(offset / 2 ** 32);
    caller.call(Op.randomBits, RandomArg, split(out.length * 8, MIN_ELEMENTS_PER_THREAD), (io) => ({
      k0: k0 | 0, k1: k1 | 0, offsetLo: (offset - hi * 2 ** 32) | 0, offsetHi: hi | 0, count: out.length, out: io.output(out), threshold,
    }));
  }

  /** One conv pass's per-thread scratch and thread count. */
  function convSetup(g: Conv2dGeometry, pass: 'forward' | 'input' | 'weight') {
    const cg = g.inChannels / g.groups, og = g.outChannels / g.groups;
    const kk2 = g.kH * g.kW;
    const kk = cg * kk2;
    const flops = 2 * g.batch * g.outChannels * g.outH * g.outW * kk;
    const up = (n: number) => Math.ceil(n / 4) * 4;
    const colBytes = align(kk * g.outH * g.outW * 4, 16);
    // Stride-1 packed paths (conv.ts): the A operand (packed weights; for the weight gradient, dy panels and a
    // tile-padded dW), row offsets, the padded image (dy padded by (k-1)·d - p for the input gradient), one column
    // panel, a tile. conv.ts checks its layout against this and takes the general path if it does not fit.
    const padT = (k: number, d: number, p: number) => Math.max(0, (k - 1) * d - p);
    const packedA = pass === 'forward' ? g.groups * up(og) * kk
      : pass === 'input' ? g.groups * up(cg) * og * kk2
      : up(og) * 256 + g.groups * up(og) * Math.ceil(kk / 8) * 8;
    const image = pass === 'input'
      ? og * (g.outH + 2 * padT(g.kH, g.dilationH, g.padH)) * (g.outW + 2 * padT(g.kW, g.dilationW, g.padW))
      : cg * (g.inH + 2 * g.padH) * (g.inW + 2 * g.padW);
    const packedFloats = packedA + Math.max(cg, og) * kk2 + image + 384 * 8 + 48;
    // The weight gradient's thread scratch starts with its dW partial and 48 bytes a channel of bias-gradient sums;
    // then the general path's packing buffers and im2col columns, or the packed path's buffers.
    const sumsAt = pass === 'weight' ? align(g.outChannels * kk * 4, 16) : 0;
    const head = pass === 'weight' ? sumsAt + g.outChannels * 48 : 0;
    // Winograd (winograd.ts), when conv.ts takes it.
    const winograd = g.kH !== 3 || g.kW !== 3 ? 0
      : pass === 'forward' ? rt.exports.winogradScratchBytes(g.outChannels, g.inChannels, g.outH, g.outW)
      : pass === 'input' ? rt.exports.winogradScratchBytes(g.inChannels, g.outChannels, g.inH, g.inW)
      : rt.exports.winogradWeightScratchBytes(g.outChannels, g.inChannels, g.outH, g.outW) + 16;
    const per = align(head + Math.max(gemmScratch + 16 + colBytes, packedFloats * 4 + 96, winograd), 64);
    const nt = split(flops, MIN_FLOPS_PER_THREAD, g.batch * g.groups);
    return { kk, per, nt, sumsAt };
  }

  const self: WasmKernels = {
    name: 'wasm',
    runtime: rt,
    directConv: false,
    stepMemory,
    memoryBytes: () => heap.f32.byteLength,

    gemm({ transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate, bias, lda, ldb, ldc }: GemmArgs): void {
      if (m === 0 || n === 0) return;
      const la = lda ?? (transA ? m : k), lb = ldb ?? (transB ? k : n), lc = ldc ?? n;
      const nt = split(2 * m * n * k, MIN_FLOPS_PER_THREAD);
      caller.call(Op.gemm, GemmArg, nt, (io) => ({
        transA: +transA, transB: +transB, m, n, k, lda: la, ldb: lb, ldc: lc, accumulate: +accumulate,
        a: io.input(a, aOffset, extent(transA ? k : m, transA ? m : k, la)),
        b: io.input(b, bOffset, extent(transB ? n : k, transB ? k : n, lb)),
        c: (accumulate || lc !== n ? io.inout : io.output)(c, cOffset, extent(m, n, lc)),
        bias: bias ? io.input(bias, 0, n) : 0,
        scratch: io.scratch(gemmScratch * nt), scratchBytes: gemmScratch,
      }));
    },

    gemmBatch(args: GemmBatchArgs): void {
      const { transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate, batch, strideA, strideB, strideC } = args;
      if (m === 0 || n === 0 || batch === 0) return;
      const heads = args.heads ?? 1;
      const [hsa, hsb, hsc] = heads === 1 ? [0, 0, 0] : [args.headStrideA ?? 0, args.headStrideB ?? 0, args.headStrideC ?? 0];
      const la = args.lda ?? (transA ? m : k), lb = args.ldb ?? (transB ? k : n), lc = args.ldc ?? n;
      // Entries are copied as one span each operand (strides of 0 share one matrix); the kernel sees them at the same strides.
      const outer = batch / heads;
      const span = (stride: number, headStride: number, size: number) => (outer - 1) * stride + (heads - 1) * headStride + size;
      // Outputs with gaps between them keep what the gaps held.
      const dense = lc === n && (heads === 1 ? strideC === m * n : hsc === m * n && strideC === heads * m * n);
      const nt = split(2 * batch * m * n * k, MIN_FLOPS_PER_THREAD);
      caller.call(Op.gemmBatch, GemmBatchArg, nt, (io) => ({
        transA: +transA, transB: +transB, m, n, k, lda: la, ldb: lb, ldc: lc, accumulate: +accumulate,
        a: io.input(a, aOffset, span(strideA, hsa, extent(transA ? k : m, transA ? m : k, la))),
        b: io.input(b, bOffset, span(strideB, hsb, extent(transB ? n : k, transB ? k : n, lb))),
        c: (accumulate || !dense ? io.inout : io.output)(c, cOffset, span(strideC, hsc, extent(m, n, lc))),
        scratch: io.scratch(gemmScratch * nt), scratchBytes: gemmScratch,
        batch, strideA, strideB, strideC, heads, headStrideA: hsa, headStrideB: hsb, headStrideC: hsc,
      }));
    },

    conv2dForward(g: Conv2dGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array): void {
      const { kk, per, nt } = convSetup(g, 'forward');
      caller.call(Op.conv2dForward, ConvArg, nt, (io) => ({
        ...g, x: io.input(x), w: io.input(w, 0, g.outChannels * kk), dy: 0, bias: bias ? io.input(bias, 0, g.outChannels) : 0,
        out: io.output(out), scratch: io.scratch(per * nt), scratchBytes: per, direct: +self.directConv,
      }));
    },

    conv2dBackwardInput(g: Conv2dGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
      const { kk, per, nt } = convSetup(g, 'input');
      caller.call(Op.conv2dBackwardInput, ConvArg, nt, (io) => ({
        ...g, x: 0, w: io.input(w, 0, g.outChannels * kk), dy: io.input(dy), bias: 0,
        out: io.output(dx), scratch: io.scratch(per * nt), scratchBytes: per, direct: +self.directConv,
      }));
    },

    conv2dBackwardWeight(g: Conv2dGeometry, dy: Float32Array, x: Float32Array, dw: Float32Array, db: Float32Array | null): void {
      const { kk, per, nt, sumsAt } = convSetup(g, 'weight');
      const count = g.outChannels * kk;
      const io = caller.begin();
      const scratch = io.scratch(per * nt);
      // Each thread sums its samples into its own partial, at the start of its scratch.
      caller.run(Op.conv2dBackwardWeight, ConvArg, { ...g, x: io.input(x), w: 0, dy: io.input(dy), bias: db ? 1 : 0, out: 0, scratch, scratchBytes: per, direct: +self.directConv }, nt);
      if (db) {
        // The bias gradient was summed (in float64) per thread while each sample's dy was in cache: add the threads' totals.
        const sums = new Float64Array(heap.f32.buffer, scratch, (per * nt) / 8);
        for (let c = 0; c < g.outChannels; c++) {
          let s = 0;
          for (let t = 0; t < nt; t++) s += sums[(t * per + sumsAt) / 8 + c * 6];
          db[c] = s;
        }
      }
      const parts = { count, parts: nt, first: scratch, stride: per, dst: io.output(dw, 0, count) };
      caller.run(Op.sumParts, SumPartsArg, parts, split(count * nt, MIN_ELEMENTS_PER_THREAD));
      caller.finish();
    },

    maxPool2dForward(g: Pool2dGeometry, x: Float32Array, out: Float32Array, argmax: Int32Array, relu = false): void {
      caller.call(Op.maxPool2dForward, PoolArg, split(x.length, MIN_ELEMENTS_PER_THREAD, g.batch * g.channels), (io) => ({
        ...g, x: io.input(x), dy: 0, out: io.output(out), argmax: io.output(argmax), relu: +relu,
      }));
    },

    maxPool2dBackward(g: Pool2dGeometry, dy: Float32Array, argmax: Int32Array, dx: Float32Array): void {
      caller.call(Op.maxPool2dBackward, PoolArg, split(dx.length, MIN_ELEMENTS_PER_THREAD, g.batch * g.channels), (io) => ({
        ...g, x: 0, dy: io.input(dy), argmax: io.input(argmax), out: io.output(dx), relu: 0,
      }));
    },

    reluForward(x: Float32Array, y: Float32Array): void {
      if (x.length < MIN_ELEMENTWISE) return referenceKernels.reluForward(x, y);
      caller.call(Op.reluForward, ReluForwardArg, split(x.length, MIN_ELEMENTS_PER_THREAD), (io) => ({ n: x.length, x: io.input(x), y: io.output(y) }));
    },

    randomBits(k0: number, k1: number, offset: number, out: Uint32Array): void {
      if (out.length < MIN_ELEMENTWISE) return referenceKernels.randomBits(k0, k1, offset, out);
      random(k0, k1, offset, 0, out);
    },

    randomMask(k0: number, k1: number, offset: number, keepProb: number, out: Float32Array): void {
      if (out.length < MIN_ELEMENTWISE) return referenceKernels.randomMask(k0, k1, offset, keepProb, out);
      // (word >>> 8)·2⁻²⁴ < q  ⟺  (word >>> 8) < q·2²⁴  ⟺  (word >>> 8) < ⌈q·2²⁴⌉ for integers.
      const threshold = Math.min(2 ** 24, Math.ceil(keepProb * 2 ** 24));
      random(k0, k1, offset, threshold > 0 ? threshold : -1, out);
    },

    maskMultiply(x: Float32Array, mask: Float32Array, scale: number, y: Float32Array): void {
      if (x.length < MIN_ELEMENTWISE) return referenceKernels.maskMultiply(x, mask, scale, y);
      caller.call(Op.maskMultiply, MaskMultiplyArg, split(x.length, MIN_ELEMENTS_PER_THREAD), (io) => {
        const px = y === x ? io.inout(x) : io.input(x);
        return { n: x.length, x: px, mask: io.input(mask), y: y === x ? px : io.output(y), scale: f32Bits(scale) };
      });
    },

    addArrays(a: Float32Array, b: Float32Array, y: Float32Array): void {
      if (y.length < MIN_ELEMENTWISE) return referenceKernels.addArrays(a, b, y);
      caller.call(Op.addArrays, AddArraysArg, split(y.length, MIN_ELEMENTS_PER_THREAD), (io) => {
        // In place (y is a or b): the kernel reads and writes the one array.
        const pa = y === a ? io.inout(a) : io.input(a), pb = y === b ? io.inout(b) : io.input(b);
        return { n: y.length, a: pa, b: pb, y: y === a ? pa : y === b ? pb : io.output(y) };
      });
    },

    softmaxForward(x: Float32Array, len: number, scale: number, y: Float32Array): void {
      if (x.length < MIN_ELEMENTWISE || len < 4) return referenceKernels.softmaxForward(x, len, scale, y);
      const rows = x.length / len;
      caller.call(Op.softmaxForward, SoftmaxForwardArg, split(x.length, MIN_ELEMENTS_PER_THREAD, rows), (io) => ({
        rows, len, scale: f32Bits(scale), x: io.input(x), y: io.output(y),
      }));
    },

    softmaxBackward(y: Float32Array, g: Float32Array, len: number, scale: number, dx: Float32Array): void {
      if (y.length < MIN_ELEMENTWISE || len < 4) return referenceKernels.softmaxBackward(y, g, len, scale, dx);
      const rows = y.length / len;
      caller.call(Op.softmaxBackward, SoftmaxBackwardArg, split(y.length, MIN_ELEMENTS_PER_THREAD, rows), (io) => ({
        rows, len, scale: f32Bits(scale), y: io.input(y), g: io.input(g), dx: io.output(dx),
      }));
    },

    layerNormForward(x: Float32Array, size: number, w: Float32Array, b: Float32Array, eps: number, y: Float32Array, xhat: Float32Array, rstd: Float64Array): void {
      if (x.length < MIN_ELEMENTWISE || size < 4) return referenceKernels.layerNormForward(x, size, w, b, eps, y, xhat, rstd);
      const rows = x.length / size;
      let pr = 0;
      caller.call(Op.layerNormForward, LayerNormForwardArg, split(x.length, MIN_ELEMENTS_PER_THREAD, rows), (io) => ({
        rows, size, eps: f32Bits(eps), x: io.input(x), w: io.input(w, 0, size), b: io.input(b, 0, size),
        y: io.output(y), xhat: io.output(xhat), rstd: (pr = io.scratch(rows * 8)),
      }));
      rstd.set(new Float64Array(heap.f32.buffer, pr, rows));
    },

    layerNormBackward(g: Float32Array, xhat: Float32Array, rstd: Float64Array, w: Float32Array, size: number, dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null): void {
      if (g.length < MIN_ELEMENTWISE || size < 4) return referenceKernels.layerNormBackward(g, xhat, rstd, w, size, dx, dw, db);
      const rows = rstd.length;
      const nt = split(g.length, MIN_ELEMENTS_PER_THREAD, rows);
      let part = 0;
      caller.call(Op.layerNormBackward, LayerNormBackwardArg, nt, (io) => {
        const pr = float64In(io, rstd);
        part = io.scratch(nt * size * 16);
        return { rows, size, g: io.input(g), xhat: io.input(xhat), rstd: pr, w: io.input(w, 0, size), dx: dx ? io.output(dx) : 0, parts: part };
      });
      // Each thread's float64 column sums: Σ g·x̂ then Σ g.
      const parts = new Float64Array(heap.f32.buffer, part, nt * size * 2);
      for (const [out, at] of [[dw, 0], [db, size]] as const) {
        if (!out) continue;
        for (let j = 0; j < size; j++) {
          let s = 0;
          for (let t = 0; t < nt; t++) s += parts[t * 2 * size + at + j];
          out[j] = s;
        }
      }
    },

    columnSums(x: Float32Array, cols: number, out: Float32Array): void {
      if (x.length < MIN_ELEMENTWISE || cols < 4) return referenceKernels.columnSums(x, cols, out);
      const blocks = out.length / cols;
      // Threads split the columns of one block, or the blocks.
      const nt = split(x.length, MIN_ELEMENTS_PER_THREAD, blocks > 1 ? blocks : cols >> 2);
      caller.call(Op.columnSums, ColumnSumsArg, nt, (io) => ({
        blocks, rows: x.length / out.length, cols, x: io.input(x), out: io.output(out),
      }));
    },

    sgdUpdate(w: Float32Array, g: Float32Array, lr: number, weightDecay: number): void {
      // The copies run at memory speed; the update in four float32 lanes beats JavaScript's scalar loop several times over.
      if (w.length < MIN_ELEMENTWISE) return referenceKernels.sgdUpdate(w, g, lr, weightDecay);
      caller.call(Op.sgdUpdate, SgdArg, split(w.length, MIN_ELEMENTS_PER_THREAD), (io) => ({
        n: w.length, w: io.inout(w), g: io.input(g), lr: f32Bits(lr), weightDecay: f32Bits(weightDecay),
      }));
    },

    adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, s: AdamStep): void {
      // JavaScript's loop runs ~20 ns an element (W5: 8 ms a step); two float64 lanes here give the same bits.
      if (w.length < MIN_ELEMENTWISE) return referenceKernels.adamUpdate(w, g, m, v, vmax, s);
      caller.call(Op.adamUpdate, AdamArg, split(w.length, MIN_ELEMENTS_PER_THREAD), (io) => ({
        n: w.length, w: io.inout(w), g: io.input(g), m: io.inout(m), v: io.inout(v), vmax: vmax ? io.inout(vmax) : 0,
        decoupled: s.decoupled ? 1 : 0, consts: float64In(io, [s.lr, s.weightDecay, s.b1, s.b2, s.eps, s.stepSize, s.bc2Sqrt]),
      }));
    },

    sgdMomentumUpdate(w: Float32Array, g: Float32Array, buf: Float32Array, s: SgdMomentumStep): void {
      if (w.length < MIN_ELEMENTWISE) return referenceKernels.sgdMomentumUpdate(w, g, buf, s);
      caller.call(Op.sgdMomentumUpdate, SgdMomentumArg, split(w.length, MIN_ELEMENTS_PER_THREAD), (io) => ({
        n: w.length, w: io.inout(w), g: io.input(g), buf: io.inout(buf), first: s.first ? 1 : 0, nesterov: s.nesterov ? 1 : 0,
        consts: float64In(io, [s.lr, s.momentum, s.dampening, s.weightDecay]),
      }));
    },

    reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
      if (x.length < MIN_ELEMENTWISE) return referenceKernels.reluBackward(x, dy, dx);
      caller.call(Op.reluBackward, ReluBackwardArg, split(x.length, MIN_ELEMENTS_PER_THREAD), (io) => ({
        n: x.length, x: io.input(x), dy: io.input(dy), dx: io.output(dx),
      }));
    },
  };
  return self;
}
