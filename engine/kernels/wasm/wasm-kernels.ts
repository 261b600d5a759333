/**
 * The 'wasm' kernel set: the AssemblyScript kernels (./assembly) driven over
 * one WebAssembly memory. Arrays that already live in that memory (a training
 * step's tensors in step memory, pinned parameters) are read and written in
 * place; others are copied into a scratch arena that is reset on every call
 * and grows only when a larger shape arrives, so steady training allocates
 * nothing new in wasm memory. Work is split across the runtime's threads when
 * it is big enough to repay waking them. No Node or DOM imports: the host
 * (./node/load.ts under Node) supplies the runtime.
 */
import type { Conv2dGeometry, GemmArgs, GemmBatchArgs, Kernels, Pool2dGeometry } from '../kernel-types.ts';
import type { KernelExports, WasmMemory } from './wasm-api.ts';
import { referenceKernels } from '../reference.ts';
import type { StepMemory } from '../../tensor/storage.ts';

/** Operation numbers of `run` in assembly/index.ts. */
export const OP = { gemm: 1, conv2dForward: 2, conv2dBackwardInput: 3, conv2dBackwardWeight: 4, sumParts: 5, maxPool2dForward: 6, maxPool2dBackward: 7, reluForward: 8, reluBackward: 9, randomBits: 10, sgdUpdate: 11, gemmBatch: 12, softmaxForward: 13, softmaxBackward: 14, layerNormForward: 16, layerNormBackward: 17, columnSums: 18, maskMultiply: 19 } as const;

export interface WasmRuntime {
  readonly memory: WasmMemory;
  /** The calling thread's instance. */
  readonly exports: KernelExports;
  /** 'relaxed-simd' or 'simd': which build was loaded. */
  readonly variant: string;
  /** Threads available, the caller included. */
  threads(): number;
  /** Runs `op` on nt threads (the caller is thread 0) and returns when all have finished. */
  dispatch(op: number, params: number, nt: number): void;
}

export interface WasmKernels extends Kernels {
  readonly runtime: WasmRuntime;
  readonly stepMemory: StepArena;
  /** Bytes of wasm memory in use (grows only for larger shapes). */
  memoryBytes(): number;
}

const PAGE = 65536;
/** The memory's maximum (node/load.ts declares 65536 pages). */
const MAX_BYTES = 65536 * PAGE;
/** Below this much work per extra thread (in flops or touched elements), waking a thread costs more than it saves. */
const MIN_FLOPS_PER_THREAD = 1 << 20;
const MIN_ELEMENTS_PER_THREAD = 1 << 16;
/** Element-wise ops smaller than this stay in JavaScript: the copies and the call would cost more. */
const MIN_ELEMENTWISE = 256;

const align = (n: number, a: number) => Math.ceil(n / a) * a;

/** Elements a rows × cols matrix spans when its rows are ld apart. */
const extent = (rows: number, cols: number, ld: number) => (rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols);

const bitsView = new DataView(new ArrayBuffer(4));
/** A float32's bits as an i32, for the parameter block. */
function f32Bits(x: number): number {
  bitsView.setFloat32(0, x, true);
  return bitsView.getInt32(0, true);
}

/**
 * Wasm memory above the module's own data, handed out in regions that are
 * never returned; grows the memory as needed. Views of shared memory stay
 * valid across growth, so every buffer object it has had is remembered:
 * an array over any of them lives here.
 */
class Heap {
  f32!: Float32Array;
  i32!: Int32Array;
  private readonly buffers = new Set<ArrayBufferLike>();
  end: number;

  constructor(private readonly memory: WasmMemory, start: number) {
    this.end = align(start, 64);
    this.refresh();
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
  }

  /** A new region of `bytes` at the end of the heap; its address. */
  take(bytes: number): number {
    const p = this.end;
    const end = align(p + bytes, 64);
    if (end > this.f32.byteLength) {
      try {
        this.memory.grow(Math.ceil((end - this.f32.byteLength) / PAGE));
      } catch {
        const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
        throw new RangeError(`the WebAssembly kernels ran out of memory: ${mb(end)} needed, at most ${mb(MAX_BYTES)} available; use a smaller batch size or model`);
      }
      this.refresh();
    }
    this.end = end;
    return p;
  }

  owns(a: ArrayBufferView): boolean {
    return this.buffers.has(a.buffer);
  }

  /** The address of a[offset] when a lives here, else -1. */
  address(a: ArrayBufferView, offset: number): number {
    return this.buffers.has(a.buffer) ? a.byteOffset + offset * 4 : -1;
  }
}

/**
 * A kernel call's scratch: inputs that are not already in wasm memory, outputs
 * for arrays outside it, packing buffers. Reset on every call; its region
 * grows only when a larger shape arrives.
 */
class Arena {
  readonly params: number;
  private base: number;
  private limit: number;
  private top: number;

  constructor(private readonly heap: Heap) {
    this.params = heap.take(256);
    this.base = this.top = this.limit = heap.take(0);
  }

  get f32(): Float32Array {
    return this.heap.f32;
  }

  get i32(): Int32Array {
    return this.heap.i32;
  }

  reset(): void {
    this.top = this.base;
  }

  alloc(bytes: number): number {
    let p = align(this.top, 64);
    if (p + bytes > this.limit) {
      if (this.limit === this.heap.end) {
        // The last region: extend it in place.
        this.heap.take(p + bytes - this.limit);
      } else {
        // Step memory took the pages after it: move on to a new, larger region (pointers handed out stay valid).
        const size = Math.max(2 * (this.limit - this.base), bytes + 64);
        this.base = p = this.heap.take(size);
      }
      this.limit = this.heap.end;
    }
    this.top = p + bytes;
    return p;
  }

  /** Where a kernel reads src[offset, offset + length): in place when src lives in wasm memory, else a copy here. */
  copyIn(src: Float32Array | Int32Array, offset: number, length: number): number {
    const at = this.heap.address(src, offset);
    if (at >= 0) return at;
    const p = this.alloc(length * 4);
    const view = src instanceof Int32Array ? this.i32 : this.f32;
    view.set(offset === 0 && length === src.length ? src : src.subarray(offset, offset + length), p >> 2);
    return p;
  }

  /** Where a kernel writes dst[offset, offset + length): in place, or scratch that copyOut then copies. */
  out(dst: Float32Array | Int32Array | Uint32Array, offset: number, length: number): number {
    const at = this.heap.address(dst, offset);
    return at >= 0 ? at : this.alloc(length * 4);
  }

  copyOut(p: number, dst: Float32Array | Int32Array | Uint32Array, offset: number, length: number): void {
    if (this.heap.address(dst, offset) === p) return;
    // Integer words go through the i32 view (into a Uint32Array they keep their bits).
    const view = dst instanceof Float32Array ? this.f32 : this.i32;
    dst.set(view.subarray(p >> 2, (p >> 2) + length), offset);
  }

  setParams(values: readonly number[]): number {
    this.i32.set(values, this.params >> 2);
    return this.params;
  }
}

/** Bytes of one step-memory chunk; a larger tensor gets a chunk of its own size. */
const STEP_CHUNK = 32 << 20;

/** Bytes of the block holding n float32s (at least one, 64-byte aligned). */
const blockBytes = (n: number) => align(Math.max(n, 1) * 4, 64);

/**
 * Step memory (tensor/storage.ts) over wasm memory: a bump allocator across
 * chunks, released back to a mark. A training step allocates the same sizes
 * in the same order every time, so after the first step it reuses its bytes.
 */
class StepArena implements StepMemory {
  private readonly chunks: { start: number; end: number }[] = [];
  private chunk = -1;
  private top = 0;
  /** When set, released bytes are filled with NaN so any use after the scope shows (tests). */
  poison = false;

  constructor(private readonly heap: Heap, private readonly zero: (p: number, bytes: number) => void) {}

  alloc(n: number, zero: boolean): Float32Array {
    const bytes = blockBytes(n);
    if (this.chunk < 0 || this.top + bytes > this.chunks[this.chunk].end) {
      const next = this.chunks[this.chunk + 1];
      if (!next || next.end - next.start < bytes) {
        const size = Math.max(STEP_CHUNK, bytes);
        const start = this.heap.take(size);
        this.chunks.splice(this.chunk + 1, 0, { start, end: start + size });
      }
      this.chunk++;
      this.top = this.chunks[this.chunk].start;
    }
    const p = this.top;
    this.top += bytes;
    if (zero) this.zero(p, n * 4);
    return new Float32Array(this.heap.f32.buffer, p, n);
  }

  mark(): number {
    return this.chunk < 0 ? -1 : this.chunk * 2 ** 32 + this.top;
  }

  release(mark: number): void {
    const chunk = mark < 0 ? -1 : Math.floor(mark / 2 ** 32);
    const top = mark < 0 ? 0 : mark - chunk * 2 ** 32;
    if (this.poison) {
      for (let c = Math.max(chunk, 0); c <= this.chunk; c++) {
        const from = c === chunk ? top : this.chunks[c].start;
        const to = c === this.chunk ? this.top : this.chunks[c].end;
        if (to > from) this.heap.f32.fill(NaN, from >> 2, to >> 2);
      }
    }
    this.chunk = chunk;
    this.top = top;
  }

  owns(a: ArrayBufferView): boolean {
    return this.heap.owns(a);
  }

  /** Pinned blocks by size, free for the next pin of that size (a new model of the same shape reuses its predecessor's). */
  private readonly freePinned = new Map<number, number[]>();

  pin(data: Float32Array): Float32Array {
    const bytes = blockBytes(data.length);
    const p = this.freePinned.get(bytes)?.pop() ?? this.heap.take(bytes);
    const view = new Float32Array(this.heap.f32.buffer, p, data.length);
    view.set(data);
    return view;
  }

  unpin(a: Float32Array): void {
    const bytes = blockBytes(a.length);
    const list = this.freePinned.get(bytes) ?? [];
    list.push(a.byteOffset);
    this.freePinned.set(bytes, list);
  }
}

function convParams(g: Conv2dGeometry): number[] {
  return [
    g.batch, g.inChannels, g.inH, g.inW, g.outChannels, g.outH, g.outW, g.kH, g.kW,
    g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.groups,
  ];
}

function poolParams(g: Pool2dGeometry): number[] {
  return [g.batch, g.channels, g.inH, g.inW, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, 0, 0];
}

export function createWasmKernels(rt: WasmRuntime): WasmKernels {
  const heap = new Heap(rt.memory, rt.exports.heapBase());
  const arena = new Arena(heap);
  const stepMemory = new StepArena(heap, (p, bytes) => rt.exports.zeroBytes(p, bytes));
  const gemmScratch = align(rt.exports.gemmScratchBytes(), 64);
  const split = (work: number, perThread: number, units = Infinity) =>
    Math.max(1, Math.min(rt.threads(), units, Math.floor(work / perThread)));

  /** Threefry words (threshold 0) or keep-mask floats into out, which is copied out unless it lives in wasm memory. */
  function random(k0: number, k1: number, offset: number, threshold: number, out: Uint32Array | Float32Array): void {
    arena.reset();
    const po = arena.out(out, 0, out.length);
    const hi = Math.floor(offset / 2 ** 32);
    const p = arena.setParams([k0 | 0, k1 | 0, (offset - hi * 2 ** 32) | 0, hi | 0, out.length, po, threshold]);
    rt.dispatch(OP.randomBits, p, split(out.length * 8, MIN_ELEMENTS_PER_THREAD));
    arena.copyOut(po, out, 0, out.length);
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
    const per = align(head + Math.max(gemmScratch + 16 + colBytes, packedFloats * 4 + 96), 64);
    const nt = split(flops, MIN_FLOPS_PER_THREAD, g.batch * g.groups);
    return { kk, per, nt, sumsAt };
  }

  return {
    name: 'wasm',
    runtime: rt,
    stepMemory,
    memoryBytes: () => heap.f32.byteLength,

    gemm({ transA, transB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate, bias, lda, ldb, ldc }: GemmArgs): void {
      if (m === 0 || n === 0) return;
      const la = lda ?? (transA ? m : k), lb = ldb ?? (transB ? k : n), lc = ldc ?? n;
      arena.reset();
      const pa = arena.copyIn(a, aOffset, extent(transA ? k : m, transA ? m : k, la));
      const pb = arena.copyIn(b, bOffset, extent(transB ? n : k, transB ? k : n, lb));
      const cLen = extent(m, n, lc);
      const pc = accumulate || lc !== n ? arena.copyIn(c, cOffset, cLen) : arena.out(c, cOffset, cLen);
      const pbias = bias ? arena.copyIn(bias, 0, n) : 0;
      const nt = split(2 * m * n * k, MIN_FLOPS_PER_THREAD);
      const scratch = arena.alloc(gemmScratch * nt);
      const p = arena.setParams([+transA, +transB, m, n, k, pa, la, pb, lb, pc, lc, +accumulate, scratch, gemmScratch, pbias]);
      rt.dispatch(OP.gemm, p, nt);
      arena.copyOut(pc, c, cOffset, cLen);
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
      arena.reset();
      const pa = arena.copyIn(a, aOffset, span(strideA, hsa, extent(transA ? k : m, transA ? m : k, la)));
      const pb = arena.copyIn(b, bOffset, span(strideB, hsb, extent(transB ? n : k, transB ? k : n, lb)));
      const cLen = span(strideC, hsc, extent(m, n, lc));
      // Outputs with gaps between them keep what the gaps held.
      const dense = lc === n && (heads === 1 ? strideC === m * n : hsc === m * n && strideC === heads * m * n);
      const pc = accumulate || !dense ? arena.copyIn(c, cOffset, cLen) : arena.out(c, cOffset, cLen);
      const nt = split(2 * batch * m * n * k, MIN_FLOPS_PER_THREAD);
      const scratch = arena.alloc(gemmScratch * nt);
      const p = arena.setParams([
        +transA, +transB, m, n, k, pa, la, pb, lb, pc, lc, +accumulate, scratch, gemmScratch,
        batch, strideA, strideB, strideC, heads, hsa, hsb, hsc,
      ]);
      rt.dispatch(OP.gemmBatch, p, nt);
      arena.copyOut(pc, c, cOffset, cLen);
    },

    conv2dForward(g: Conv2dGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array): void {
      const { kk, per, nt } = convSetup(g, 'forward');
      arena.reset();
      const px = arena.copyIn(x, 0, x.length);
      const pw = arena.copyIn(w, 0, g.outChannels * kk);
      const pb = bias ? arena.copyIn(bias, 0, g.outChannels) : 0;
      const po = arena.out(out, 0, out.length);
      const scratch = arena.alloc(per * nt);
      const p = arena.setParams([...convParams(g), px, pw, pb, po, scratch, per]);
      rt.dispatch(OP.conv2dForward, p, nt);
      arena.copyOut(po, out, 0, out.length);
    },

    conv2dBackwardInput(g: Conv2dGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): void {
      const { kk, per, nt } = convSetup(g, 'input');
      arena.reset();
      const pdy = arena.copyIn(dy, 0, dy.length);
      const pw = arena.copyIn(w, 0, g.outChannels * kk);
      const pdx = arena.out(dx, 0, dx.length);
      const scratch = arena.alloc(per * nt);
      const p = arena.setParams([...convParams(g), pdy, pw, 0, pdx, scratch, per]);
      rt.dispatch(OP.conv2dBackwardInput, p, nt);
      arena.copyOut(pdx, dx, 0, dx.length);
    },

    conv2dBackwardWeight(g: Conv2dGeometry, dy: Float32Array, x: Float32Array, dw: Float32Array, db: Float32Array | null): void {
      const { kk, per, nt, sumsAt } = convSetup(g, 'weight');
      arena.reset();
      const pdy = arena.copyIn(dy, 0, dy.length);
      const px = arena.copyIn(x, 0, x.length);
      const pdw = arena.out(dw, 0, dw.length);
      const scratch = arena.alloc(per * nt);
      let p = arena.setParams([...convParams(g), pdy, px, db ? 1 : 0, pdw, scratch, per]);
      rt.dispatch(OP.conv2dBackwardWeight, p, nt);
      if (db) {
        // The bias gradient was summed (in float64) per thread while each sample's dy was in cache: add the threads' totals.
        const sums = new Float64Array(arena.f32.buffer, scratch, (per * nt) / 8);
        for (let c = 0; c < g.outChannels; c++) {
          let s = 0;
          for (let t = 0; t < nt; t++) s += sums[(t * per + sumsAt) / 8 + c * 6];
          db[c] = s;
        }
      }
      // Each thread summed its samples into its own partial, at the start of its scratch; add the partials.
      const count = g.outChannels * kk;
      p = arena.setParams([count, nt, scratch, per, pdw]);
      rt.dispatch(OP.sumParts, p, split(count * nt, MIN_ELEMENTS_PER_THREAD));
      arena.copyOut(pdw, dw, 0, count);
    },

    maxPool2dForward(g: Pool2dGeometry, x: Float32Array, out: Float32Array, argmax: Int32Array): void {
      arena.reset();
      const px = arena.copyIn(x, 0, x.length);
      const po = arena.out(out, 0, out.length);
      const pa = arena.out(argmax, 0, argmax.length);
      const p = arena.setParams([...poolParams(g), px, po, pa]);
      rt.dispatch(OP.maxPool2dForward, p, split(x.length, MIN_ELEMENTS_PER_THREAD, g.batch * g.channels));
      arena.copyOut(po, out, 0, out.length);
      arena.copyOut(pa, argmax, 0, argmax.length);
    },

    maxPool2dBackward(g: Pool2dGeometry, dy: Float32Array, argmax: Int32Array, dx: Float32Array): void {
      arena.reset();
      const pdy = arena.copyIn(dy, 0, dy.length);
      const pa = arena.copyIn(argmax, 0, argmax.length);
      const pdx = arena.out(dx, 0, dx.length);
      const p = arena.setParams([...poolParams(g), pdy, pa, pdx]);
      rt.dispatch(OP.maxPool2dBackward, p, split(dx.length, MIN_ELEMENTS_PER_THREAD, g.batch * g.channels));
      arena.copyOut(pdx, dx, 0, dx.length);
    },

    reluForward(x: Float32Array, y: Float32Array): void {
      if (x.length < MIN_ELEMENTWISE) return referenceKernels.reluForward(x, y);
      arena.reset();
      const px = arena.copyIn(x, 0, x.length);
      const py = arena.out(y, 0, y.length);
      rt.dispatch(OP.reluForward, arena.setParams([x.length, px, py]), split(x.length, MIN_ELEMENTS_PER_THREAD));
      arena.copyOut(py, y, 0, y.length);
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
      arena.reset();
      const px = arena.copyIn(x, 0, x.length);
      const pm = arena.copyIn(mask, 0, mask.length);
      const py = y === x ? px : arena.out(y, 0, y.length);
      rt.dispatch(OP.maskMultiply, arena.setParams([x.length, px, pm, py, f32Bits(scale)]), split(x.length, MIN_ELEMENTS_PER_THREAD));
      arena.copyOut(py, y, 0, y.length);
    },

    softmaxForward(x: Float32Array, len: number, scale: number, y: Float32Array): void {
      if (x.length < MIN_ELEMENTWISE || len < 4) return referenceKernels.softmaxForward(x, len, scale, y);
      arena.reset();
      const px = arena.copyIn(x, 0, x.length);
      const py = arena.out(y, 0, y.length);
      const rows = x.length / len;
      rt.dispatch(OP.softmaxForward, arena.setParams([rows, len, f32Bits(scale), px, py]), split(x.length, MIN_ELEMENTS_PER_THREAD, rows));
      arena.copyOut(py, y, 0, y.length);
    },

    softmaxBackward(y: Float32Array, g: Float32Array, len: number, scale: number, dx: Float32Array): void {
      if (y.length < MIN_ELEMENTWISE || len < 4) return referenceKernels.softmaxBackward(y, g, len, scale, dx);
      arena.reset();
      const py = arena.copyIn(y, 0, y.length);
      const pg = arena.copyIn(g, 0, g.length);
      const pdx = arena.out(dx, 0, dx.length);
      const rows = y.length / len;
      rt.dispatch(OP.softmaxBackward, arena.setParams([rows, len, f32Bits(scale), py, pg, pdx]), split(y.length, MIN_ELEMENTS_PER_THREAD, rows));
      arena.copyOut(pdx, dx, 0, dx.length);
    },

    layerNormForward(x: Float32Array, size: number, w: Float32Array, b: Float32Array, eps: number, y: Float32Array, xhat: Float32Array, rstd: Float64Array): void {
      if (x.length < MIN_ELEMENTWISE || size < 4) return referenceKernels.layerNormForward(x, size, w, b, eps, y, xhat, rstd);
      arena.reset();
      const rows = x.length / size;
      const px = arena.copyIn(x, 0, x.length);
      const pw = arena.copyIn(w, 0, size);
      const pb = arena.copyIn(b, 0, size);
      const py = arena.out(y, 0, y.length);
      const ph = arena.out(xhat, 0, xhat.length);
      const pr = arena.alloc(rows * 8);
      const p = arena.setParams([rows, size, f32Bits(eps), px, pw, pb, py, ph, pr]);
      rt.dispatch(OP.layerNormForward, p, split(x.length, MIN_ELEMENTS_PER_THREAD, rows));
      arena.copyOut(py, y, 0, y.length);
      arena.copyOut(ph, xhat, 0, xhat.length);
      rstd.set(new Float64Array(arena.f32.buffer, pr, rows));
    },

    layerNormBackward(g: Float32Array, xhat: Float32Array, rstd: Float64Array, w: Float32Array, size: number, dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null): void {
      if (g.length < MIN_ELEMENTWISE || size < 4) return referenceKernels.layerNormBackward(g, xhat, rstd, w, size, dx, dw, db);
      arena.reset();
      const rows = rstd.length;
      const pg = arena.copyIn(g, 0, g.length);
      const ph = arena.copyIn(xhat, 0, xhat.length);
      const pr = arena.alloc(rows * 8);
      new Float64Array(arena.f32.buffer, pr, rows).set(rstd);
      const pw = arena.copyIn(w, 0, size);
      const pdx = dx ? arena.out(dx, 0, dx.length) : 0;
      const nt = split(g.length, MIN_ELEMENTS_PER_THREAD, rows);
      const part = arena.alloc(nt * size * 16);
      rt.dispatch(OP.layerNormBackward, arena.setParams([rows, size, pg, ph, pr, pw, pdx, part]), nt);
      if (dx) arena.copyOut(pdx, dx, 0, dx.length);
      // Each thread's float64 column sums: Σ g·x̂ then Σ g.
      const parts = new Float64Array(arena.f32.buffer, part, nt * size * 2);
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
      arena.reset();
      const rows = x.length / cols;
      const px = arena.copyIn(x, 0, x.length);
      const po = arena.out(out, 0, cols);
      const nt = split(x.length, MIN_ELEMENTS_PER_THREAD, cols >> 2);
      const acc = arena.alloc(nt * cols * 8);
      rt.dispatch(OP.columnSums, arena.setParams([rows, cols, px, po, acc]), nt);
      arena.copyOut(po, out, 0, cols);
    },

    sgdUpdate(w: Float32Array, g: Float32Array, lr: number, weightDecay: number): void {
      // The copies run at memory speed; the update in four float32 lanes beats JavaScript's scalar loop several times over.
      if (w.length < MIN_ELEMENTWISE) return referenceKernels.sgdUpdate(w, g, lr, weightDecay);
      arena.reset();
      const pw = arena.copyIn(w, 0, w.length);
      const pg = arena.copyIn(g, 0, g.length);
      const p = arena.setParams([w.length, pw, pg, f32Bits(lr), f32Bits(weightDecay)]);
      rt.dispatch(OP.sgdUpdate, p, split(w.length, MIN_ELEMENTS_PER_THREAD));
      arena.copyOut(pw, w, 0, w.length);
    },

    reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void {
      if (x.length < MIN_ELEMENTWISE) return referenceKernels.reluBackward(x, dy, dx);
      arena.reset();
      const px = arena.copyIn(x, 0, x.length);
      const pdy = arena.copyIn(dy, 0, dy.length);
      const pdx = arena.out(dx, 0, dx.length);
      rt.dispatch(OP.reluBackward, arena.setParams([x.length, px, pdy, pdx]), split(x.length, MIN_ELEMENTS_PER_THREAD));
      arena.copyOut(pdx, dx, 0, dx.length);
    },
  };
}
