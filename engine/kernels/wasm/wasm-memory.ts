/**
 * The wasm kernels' memory: the heap above the module's own data, the scratch
 * arena a kernel call places its operands in, and step memory
 * (tensor/storage.ts) over the same memory. No Node or DOM imports.
 */
import { writerOf, type Args, type Layout } from './param-block.ts';
import type { WasmMemory } from './wasm-api.ts';
import type { StepMemory } from '../kernel-types.ts';

const PAGE = 65536;
/** The memory's maximum (node/load.ts declares 65536 pages). */
const MAX_BYTES = 65536 * PAGE;

export const align = (n: number, a: number) => Math.ceil(n / a) * a;

/**
 * Wasm memory above the module's own data, handed out in regions that are
 * never returned; grows the memory as needed. Views of shared memory stay
 * valid across growth, so every buffer object it has had is remembered:
 * an array over any of them lives here.
 */
export class Heap {
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

/** Bytes of address space the scratch arena starts with; a call that needs more moves it to a larger region. */
const ARENA_RESERVE = 32 << 20;

/**
 * A kernel call's scratch: inputs that are not already in wasm memory, outputs
 * for arrays outside it, packing buffers. Reset on every call; its region
 * grows only when a larger shape arrives.
 */
export class Arena {
  readonly params: number;
  private base: number;
  private limit: number;
  private top: number;

  constructor(private readonly heap: Heap) {
    this.params = heap.take(256);
    // Reserved up front, before step memory and pinned parameters take the pages after it: a region that had to
    // move on stayed resident for nothing (W2: 5 MB). Pages a call never touches cost no memory. A memory too
    // small for the reserve starts empty, as before, and fails only on a call that needs more than it has.
    this.base = this.top = heap.take(0);
    try {
      heap.take(ARENA_RESERVE);
    } catch {
      // (no reserve)
    }
    this.limit = heap.end;
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

  /** The parameter block with each argument of `layout` in its slot. */
  setParams<L extends Layout>(layout: L, values: Args<L>): number {
    writerOf(layout)(this.heap.i32, this.params >> 2, values);
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
export class StepArena implements StepMemory {
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
