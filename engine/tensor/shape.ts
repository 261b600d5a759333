/** Shape arithmetic shared by ops: sizes, strides and NumPy/PyTorch broadcasting. */

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Resolves a possibly negative axis against a rank, as torch does. */
export function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= Math.max(rank, 1)) throw new RangeError(`dimension ${axis} out of range for a tensor of rank ${rank}`);
  return a;
}

export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read `shape` as if broadcast to `target` (0 where broadcast).
 * `shape` is right-aligned with `target`.
 */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const s = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : s[i];
  return out;
}

/**
 * For each flat (C-order) position of `shape`, the offset Σ coordᵢ·stridesᵢ:
 * one odometer serves broadcasting (stride 0), reductions and permutations.
 */
export function stridedIndex(shape: Shape, strides: readonly number[]): Int32Array {
  // Training asks for the same few maps every step: remember them (callers only read them).
  const key = `${shape.join(',')}|${strides.join(',')}`;
  const hit = indexCache.get(key);
  if (hit) return hit;
  const idx = computeStridedIndex(shape, strides);
  if (cachedBytes + idx.byteLength > INDEX_CACHE_BYTES) {
    indexCache.clear();
    cachedBytes = 0;
  }
  if (idx.byteLength <= INDEX_CACHE_BYTES / 4) {
    indexCache.set(key, idx);
    cachedBytes += idx.byteLength;
  }
  return idx;
}

const INDEX_CACHE_BYTES = 32 << 20;
const indexCache = new Map<string, Int32Array>();
let cachedBytes = 0;

function computeStridedIndex(shape: Shape, strides: readonly number[]): Int32Array {
  const n = numel(shape);
  const idx = new Int32Array(n);
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = off;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]++;
      off += strides[d];
      if (counter[d] < shape[d]) break;
      off -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return idx;
}

/**
 * How `shape` sits inside `target` under broadcasting, for loops that need no
 * index map: 'same' layout; 'tile' (it equals target's trailing dims, so it
 * repeats every `size` elements: a bias over a batch); 'stretch' (it equals
 * target's leading dims, so each element covers `size` consecutive ones: a
 * per-row statistic, or a scalar); else 'general'.
 */
export type BroadcastLayout = { kind: 'same' | 'tile' | 'stretch' | 'general'; size: number };

export function broadcastLayout(shape: Shape, target: Shape): BroadcastLayout {
  const n = numel(target);
  const m = numel(shape);
  // Equal sizes under broadcasting differ only by dims of 1: the same flat layout.
  if (m === n) return { kind: 'same', size: n };
  if (m === 1) return { kind: 'stretch', size: n };
  const off = target.length - shape.length;
  const dim = (i: number) => (i < off ? 1 : shape[i - off]);
  // tile: ones, then exactly target's dims; stretch: target's dims, then ones.
  let i = 0;
  while (i < target.length && dim(i) === 1) i++;
  let tile = true;
  for (let j = i; j < target.length; j++) if (dim(j) !== target[j]) tile = false;
  if (tile) return { kind: 'tile', size: m };
  let j = target.length - 1;
  while (j >= 0 && dim(j) === 1) j--;
  for (let k = 0; k <= j; k++) if (dim(k) !== target[k]) return { kind: 'general', size: 0 };
  return { kind: 'stretch', size: n / m };
}

/** Maps each flat index of `target` to the flat index of `shape` broadcast into it. */
export function broadcastIndex(shape: Shape, target: Shape): Int32Array {
  return stridedIndex(target, broadcastStrides(shape, target));
}
