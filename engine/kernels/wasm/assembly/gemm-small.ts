/**
 * GEMM for entries small enough that all of A, B and C sit in L1 (attention's
 * per-head products): each operand is read where it lies when its layout
 * already suits the tile (A stored [k, m], B stored [k, n]), else copied once
 * for the whole entry instead of per KC×NC / MC×KC block.
 * Same 4×8 register tile and the same order per element as gemmCore: k fits
 * one KC block, so each element is one multiply-add sum from zero in order of
 * k, then stored or added to C.
 */
import { KC, NR, MR, packA, transpose4 } from './gemm';
import { madd } from './simd';

/** Largest m, n and k this path takes: 64×64 floats per operand is 16 KiB, three fit a 48 KiB L1 with room to spare. */
const SMALL: i32 = 64;

/** Whether gemmSmall takes an entry of this shape (k > 0 and within one KC block, so its sum order is gemmCore's). */
export function isSmall(m: i32, n: i32, k: i32): bool {
  return m <= SMALL && n <= SMALL && k > 0 && k <= min(SMALL, KC);
}

// @ts-ignore: decorator
@inline
function ptr(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Copies op(B) = bᵀ (b stored [n, k]) to dst as k rows of ld floats, so the tile reads 8 columns of one k step contiguously. */
function transposeB(b: usize, ldb: i32, n: i32, k: i32, dst: usize, ld: i32): void {
  const rowB = <usize>ldb << 2, rowD = <usize>ld << 2;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const s = ptr(b, j * ldb);
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const src = s + (<usize>p << 2);
      transpose4(v128.load(src), v128.load(src + rowB), v128.load(src + 2 * rowB), v128.load(src + 3 * rowB), ptr(dst, p * ld + j), rowD);
    }
    for (; p < k; p++) {
      for (let t = 0; t < 4; t++) store<f32>(ptr(dst, p * ld + j + t), load<f32>(ptr(s, t * ldb + p)));
    }
  }
  for (; j < n; j++) {
    for (let p = 0; p < k; p++) store<f32>(ptr(dst, p * ld + j), load<f32>(ptr(b, j * ldb + p)));
  }
}

/** Copies columns j0..j0+nr (nr < NR) of op(B) = b (rows along n) to a k×NR panel at dst, zero past nr. */
function tailPanel(b: usize, ldb: i32, j0: i32, nr: i32, k: i32, dst: usize): void {
  for (let p = 0; p < k; p++) {
    const o = ptr(dst, p * NR);
    const src = ptr(b, p * ldb + j0);
    for (let j = 0; j < NR; j++) store<f32>(ptr(o, j), j < nr ? load<f32>(ptr(src, j)) : 0);
  }
}

/**
 * The 4×8 tile of gemm.ts with variable steps: op(A)'s 4 rows at step p are
 * 4 floats at pa + p·stepA (a packed panel, or A stored [k, m] read in
 * place), op(B)'s 8 columns at pb + p·stepB. A partial tile goes through tmp.
 */
// @ts-ignore: decorator
@inline
function tile(k: i32, pa: usize, stepA: usize, mr: i32, pb: usize, stepB: usize, c: usize, ldc: i32, nr: i32, accumulate: bool, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    pa += stepA;
    pb += stepB;
  }
  if (mr == MR && nr == NR) {
    const row = <usize>ldc << 2;
    const r1 = c + row, r2 = r1 + row, r3 = r2 + row;
    if (accumulate) {
      c00 = f32x4.add(v128.load(c), c00); c01 = f32x4.add(v128.load(c, 16), c01);
      c10 = f32x4.add(v128.load(r1), c10); c11 = f32x4.add(v128.load(r1, 16), c11);
      c20 = f32x4.add(v128.load(r2), c20); c21 = f32x4.add(v128.load(r2, 16), c21);
      c30 = f32x4.add(v128.load(r3), c30); c31 = f32x4.add(v128.load(r3, 16), c31);
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    v128.store(r1, c10); v128.store(r1, c11, 16);
    v128.store(r2, c20); v128.store(r2, c21, 16);
    v128.store(r3, c30); v128.store(r3, c31, 16);
    return;
  }
  v128.store(tmp, c00); v128.store(tmp, c01, 16);
  v128.store(tmp, c10, 32); v128.store(tmp, c11, 48);
  v128.store(tmp, c20, 64); v128.store(tmp, c21, 80);
  v128.store(tmp, c30, 96); v128.store(tmp, c31, 112);
  for (let i = 0; i < mr; i++) {
    const dst = ptr(c, i * ldc);
    const src = ptr(tmp, i * NR);
    if (accumulate) for (let j = 0; j < nr; j++) store<f32>(ptr(dst, j), load<f32>(ptr(dst, j)) + load<f32>(ptr(src, j)));
    else for (let j = 0; j < nr; j++) store<f32>(ptr(dst, j), load<f32>(ptr(src, j)));
  }
}

/** C[m,n] (+)= op(A)·op(B) for an entry isSmall takes; scratch holds gemmScratchBytes() (this uses 34 KiB of it). */
export function gemmSmall(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  accumulate: bool, scratch: usize,
): void {
  const n8 = (n + NR - 1) / NR * NR;
  const panel = ptr(scratch, SMALL * SMALL);
  const tmp = ptr(panel, SMALL * NR);
  if (transB) transposeB(b, ldb, n, k, scratch, n8);
  // A stored [k, m] already holds each 4-row step contiguously; otherwise (or with a partial row tile) pack it once.
  const inPlace = transA && m % MR == 0;
  const packed = ptr(tmp, MR * NR);
  if (!inPlace) packA(transA, a, lda, 0, m, 0, k, packed);
  const stepA: usize = inPlace ? <usize>lda << 2 : MR << 2;
  for (let j0 = 0; j0 < n; j0 += NR) {
    const nr = min(NR, n - j0);
    let pb: usize, stepB: usize;
    if (transB) {
      pb = ptr(scratch, j0);
      stepB = <usize>n8 << 2;
    } else if (nr == NR) {
      pb = ptr(b, j0);
      stepB = <usize>ldb << 2;
    } else {
      tailPanel(b, ldb, j0, nr, k, panel);
      pb = panel;
      stepB = NR << 2;
    }
    for (let i0 = 0; i0 < m; i0 += MR) {
      const pa = inPlace ? ptr(a, i0) : ptr(packed, i0 * k);
      tile(k, pa, stepA, min(MR, m - i0), pb, stepB, ptr(c, i0 * ldc + j0), ldc, nr, accumulate, tmp);
    }
  }
}
