/**
 * A kernel call's parameter block: the op's arguments, each an i32 in the
 * slot its layout (assembly/layout.ts) names, written by name.
 */

/** An op's argument names and their slots: one of assembly/layout.ts's enums. */
export type Layout = Record<string, string | number>;
/** A value for every argument of `L` (numeric enums also map numbers back to names; those are not arguments). */
export type Args<L extends Layout> = { [K in Exclude<keyof L, number>]: number };

type Writer = (i32: Int32Array, base: number, values: object) => void;
const writers = new Map<Layout, Writer>();

/**
 * Writes a layout's arguments into their slots. Compiled once per layout from
 * the enum's member names (identifiers from our own source), so every load is
 * a named property: a loop of keyed loads costs ~15 ns an argument, ~0.2 µs
 * a GEMM call, which a small model's step pays dozens of times (a closure
 * over the names, keyed loop or for-in, made W0's step 5–8% slower in CPU).
 * The wasm kernels run in the engine process and its workers (Node), never
 * under the renderer's script-src 'self'.
 */
export function writerOf(layout: Layout): Writer {
  let write = writers.get(layout);
  if (!write) {
    // Numeric enums also map each number back to its name; only the names are arguments.
    const slots = Object.entries(layout).filter((e): e is [string, number] => typeof e[1] === 'number');
    if (!slots.every(([name]) => /^[A-Za-z_]\w*$/.test(name))) throw new Error('kernel layout: argument names must be identifiers');
    write = new Function('i32', 'base', 'v', slots.map(([name, slot]) => `i32[base + ${slot}] = v.${name};`).join('\n')) as Writer;
    writers.set(layout, write);
  }
  return write;
}
