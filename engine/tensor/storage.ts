/**
 * Where op results live. Outside a step scope every array is an ordinary
 * Float32Array. Inside `withStepMemory(fn)` a backend that has memory of its
 * own (the wasm kernels) hands out views of it instead: kernels then read and
 * write tensors in place (no copies in and out), and the next step reuses the
 * same bytes (no fresh arrays for the garbage collector). Everything handed
 * out in the scope is released when it ends, so only a training step, whose
 * results are numbers and in-place parameter updates, runs in one; anything
 * kept past the step goes through `keepData`, and gradients accumulated into
 * leaves (parameters' .grad) are in step memory too and reset to null when the
 * scope ends.
 */
import { kernels } from '../kernels/registry.ts';
import type { StepMemory } from '../kernels/kernel-types.ts';

let active: StepMemory | null = null;
/** What to undo when the innermost scope ends (references into its memory that outlive the ops). */
let cleanups: (() => void)[] = [];

/** n zeroed float32s: an op's result or gradient buffer. */
export function floatData(n: number): Float32Array {
  return active ? active.alloc(n, true) : new Float32Array(n);
}

/** n float32s the caller overwrites completely (kernel outputs): not zeroed inside a step scope. */
export function emptyData(n: number): Float32Array {
  return active ? active.alloc(n, false) : new Float32Array(n);
}

/** n int32s the caller overwrites completely (kernel index outputs, e.g. max pooling's argmax): in step memory inside a scope. */
export function indexData(n: number): Int32Array {
  if (!active) return new Int32Array(n);
  const f = active.alloc(n, false);
  return new Int32Array(f.buffer, f.byteOffset, n);
}

/**
 * Inside a step scope: a step-memory copy of data, and `forget` runs when the
 * scope ends (to drop the reference the caller keeps, e.g. a parameter's
 * .grad). Outside one: an ordinary copy.
 */
export function stepCopy(data: Float32Array, forget: () => void): Float32Array {
  if (!active) return data.slice();
  const copy = active.alloc(data.length, false);
  copy.set(data);
  cleanups.push(forget);
  return copy;
}

/** stepCopy without the copy, for data the caller alone holds: data itself, and `forget` runs when the scope ends. */
export function stepTake(data: Float32Array, forget: () => void): Float32Array {
  if (active) cleanups.push(forget);
  return data;
}

/** Inside a step scope: runs fn when the scope ends, before its memory is released (to copy out what must outlive it). */
export function atStepEnd(fn: () => void): void {
  if (active) cleanups.push(fn);
}

/** A copy of data when it lives in step memory (so it may outlive the scope), else data itself. */
export function keepData(data: Float32Array): Float32Array {
  return kernels().stepMemory?.owns(data) ? data.slice() : data;
}

/**
 * Runs fn with op results in the backend's step memory (when it has one) and
 * releases them afterwards. Nothing fn allocates may be used after it returns
 * unless copied with `keepData`; numbers and in-place updates are safe.
 */
export function withStepMemory<T>(fn: () => T): T {
  const memory = kernels().stepMemory;
  if (!memory) return fn();
  const prev = active;
  const prevCleanups = cleanups;
  const mark = memory.mark();
  active = memory;
  cleanups = [];
  try {
    return fn();
  } finally {
    for (const forget of cleanups) forget();
    active = prev;
    cleanups = prevCleanups;
    memory.release(mark);
  }
}

/**
 * Moves the tensors' data into the backend's memory (a model's parameters for
 * a training run: kernels then read and update them in place) and returns the
 * function that gives them ordinary arrays back, with their values then.
 * Without backend memory it does nothing.
 */
export function pinData(tensors: readonly { data: Float32Array }[]): () => void {
  const memory = kernels().stepMemory;
  if (!memory) return () => {};
  const pinned = tensors.filter((t) => !memory.owns(t.data)).map((t) => {
    const view = memory.pin(t.data);
    t.data = view;
    return { t, view };
  });
  return () => {
    for (const { t, view } of pinned) {
      if (t.data === view) t.data = view.slice();
      memory.unpin(view);
    }
  };
}
