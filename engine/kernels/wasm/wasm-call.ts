/**
 * One kernel call, the same for every kernel: reset the scratch arena, place
 * the operands (in place when they already live in wasm memory, else copied
 * in), fill the op's parameter block by argument name (assembly/layout.ts),
 * dispatch over the threads, copy the outputs that did not live there back.
 */
import type { KernelExports, WasmMemory } from './wasm-api.ts';
import type { Arena } from './wasm-memory.ts';
import type { Args, Layout } from './param-block.ts';
import type { Op } from './assembly/layout.ts';

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

type Operand = Float32Array | Int32Array | Uint32Array;

/** Where a call's operands go; each returns the byte address the kernel sees. */
export interface CallOperands {
  /** Read by the kernel: a[offset, offset + length). */
  input(a: Float32Array | Int32Array, offset?: number, length?: number): number;
  /** Written by the kernel, copied back into a after it unless written in place. */
  output(a: Operand, offset?: number, length?: number): number;
  /** Read and written: copied in and back unless in place. */
  inout(a: Float32Array | Int32Array, offset?: number, length?: number): number;
  /** Scratch bytes for the kernel alone. */
  scratch(bytes: number): number;
}

/** An output to copy back when the call ends; records are reused, so a call allocates nothing. */
interface Pending { p: number; a: Operand; offset: number; length: number }
const NONE = new Float32Array(0);

export class KernelCaller {
  private readonly pending: Pending[] = [];
  private count = 0;
  private readonly operands: CallOperands;

  constructor(private readonly rt: WasmRuntime, private readonly arena: Arena) {
    const copiedBack = (p: number, a: Operand, offset: number, length: number) => {
      const o = (this.pending[this.count] ??= { p, a, offset, length });
      [o.p, o.a, o.offset, o.length] = [p, a, offset, length];
      this.count++;
      return p;
    };
    this.operands = {
      input: (a, offset = 0, length = a.length - offset) => arena.copyIn(a, offset, length),
      output: (a, offset = 0, length = a.length - offset) => copiedBack(arena.out(a, offset, length), a, offset, length),
      inout: (a, offset = 0, length = a.length - offset) => copiedBack(arena.copyIn(a, offset, length), a, offset, length),
      scratch: (bytes) => arena.alloc(bytes),
    };
  }

  /** The whole call: `args` places the operands and names every argument of `layout`. */
  call<L extends Layout>(op: Op, layout: L, nt: number, args: (io: CallOperands) => Args<L>): void {
    this.run(op, layout, args(this.begin()), nt);
    this.finish();
  }

  /** For calls that run several ops on the same operands: begin, run each, finish. */
  begin(): CallOperands {
    this.arena.reset();
    this.count = 0;
    return this.operands;
  }

  run<L extends Layout>(op: Op, layout: L, args: Args<L>, nt: number): void {
    this.rt.dispatch(op, this.arena.setParams(layout, args), nt);
  }

  finish(): void {
    for (let i = 0; i < this.count; i++) {
      const o = this.pending[i];
      this.arena.copyOut(o.p, o.a, o.offset, o.length);
      o.a = NONE; // hold no caller's array past the call
    }
    this.count = 0;
  }
}

const bitsView = new DataView(new ArrayBuffer(4));
/** A float32's bits as an i32, for the parameter block. */
export function f32Bits(x: number): number {
  bitsView.setFloat32(0, x, true);
  return bitsView.getInt32(0, true);
}
