/**
 * Single-precision GEMM, C[m,n] (+)= op(A)·op(B), in the Goto/BLIS shape:
 * B is packed into KC×NR micro-panels that stay in L1, A into MR×KC panels of
 * an MC×KC block that stays in L2, and an MR×NR register tile runs over them.
 * Packing absorbs the transposes, so all four variants share one micro-kernel.
 * Leading dimensions are in elements; pointers are byte addresses.
 */
import { madd } from './simd';
import { ptr } from './address';

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 2048;

/** Bytes of scratch one thread needs for packing. */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) * 4;
}

/** Writes the 4×4 transpose of rows r0..r3 (4 floats each) to dst, dst + stride, dst + 2·stride, dst + 3·stride. */
// @ts-ignore: decorator
@inline
export function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

function packB(transB: bool, b: usize, ldb: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const nr = min(NR, nc - j0);
    const panel = ptr(dst, j0 * kc);
    if (!transB) {
      let src = ptr(b, pc * ldb + jc + j0);
      const step = <usize>ldb << 2;
      if (nr == NR) {
        for (let p = 0; p < kc; p++) {
          const o = panel + (<usize>p << 5);
          v128.store(o, v128.load(src));
          v128.store(o, v128.load(src, 16), 16);
          src += step;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = panel + (<usize>p << 5);
          for (let j = 0; j < NR; j++) store<f32>(o + (<usize>j << 2), j < nr ? load<f32>(src + (<usize>j << 2)) : 0);
          src += step;
        }
      }
    } else if (nr == NR) {
      // B is stored [n, k]: column j of op(B) is a contiguous row of b; transpose 4×4 blocks.
      const rowStep = <usize>ldb << 2;
      const s0 = ptr(b, (jc + j0) * ldb + pc);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const src = s0 + (<usize>p << 2);
        const o = panel + (<usize>p << 5);
        transpose4(v128.load(src), v128.load(src + rowStep), v128.load(src + 2 * rowStep), v128.load(src + 3 * rowStep), o, 32);
        const src4 = src + 4 * rowStep;
        transpose4(v128.load(src4), v128.load(src4 + rowStep), v128.load(src4 + 2 * rowStep), v128.load(src4 + 3 * rowStep), o + 16, 32);
      }
      for (; p < kc; p++) {
        for (let j = 0; j < NR; j++) store<f32>(panel + (<usize>p << 5) + (<usize>j << 2), load<f32>(s0 + <usize>j * rowStep + (<usize>p << 2)));
      }
    } else {
      for (let j = 0; j < NR; j++) {
        const o = panel + (<usize>j << 2);
        if (j < nr) {
          const src = ptr(b, (jc + j0 + j) * ldb + pc);
          for (let p = 0; p < kc; p++) store<f32>(o + (<usize>p << 5), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(o + (<usize>p << 5), 0);
        }
      }
    }
  }
}

/** Packs rows ic..ic+mc, columns pc..pc+kc of op(A) into MR×kc panels at dst (rows past mc are zero); exported for conv.ts. */
export function packA(transA: bool, a: usize, lda: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const mr = min(MR, mc - i0);
    const panel = ptr(dst, i0 * kc);
    if (transA) {
      // A is stored [k, m]: MR consecutive values of one row of a form one step of the panel.
      let src = ptr(a, pc * lda + ic + i0);
      const step = <usize>lda << 2;
      if (mr == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(panel + (<usize>p << 4), v128.load(src));
          src += step;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = panel + (<usize>p << 4);
          for (let i = 0; i < MR; i++) store<f32>(o + (<usize>i << 2), i < mr ? load<f32>(src + (<usize>i << 2)) : 0);
          src += step;
        }
      }
    } else if (mr == MR) {
      // Rows of A are contiguous along k: transpose 4×4 blocks into the panel.
      const rowStep = <usize>lda << 2;
      const s0 = ptr(a, (ic + i0) * lda + pc);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const src = s0 + (<usize>p << 2);
        transpose4(v128.load(src), v128.load(src + rowStep), v128.load(src + 2 * rowStep), v128.load(src + 3 * rowStep), panel + (<usize>p << 4), 16);
      }
      for (; p < kc; p++) {
        for (let i = 0; i < MR; i++) store<f32>(panel + (<usize>p << 4) + (<usize>i << 2), load<f32>(s0 + <usize>i * rowStep + (<usize>p << 2)));
      }
    } else {
      for (let i = 0; i < MR; i++) {
        const o = panel + (<usize>i << 2);
        if (i < mr) {
          const src = ptr(a, (ic + i0 + i) * lda + pc);
          for (let p = 0; p < kc; p++) store<f32>(o + (<usize>p << 4), load<f32>(src + (<usize>p << 2)));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(o + (<usize>p << 4), 0);
        }
      }
    }
  }
}

/**
 * The 4×8 register tile: 8 accumulators, two B vectors, one broadcast A
 * value. Epilogues: C = Σ, C = C + Σ (accumulate), then + bias[row] when bias
 * is not 0 (conv.ts: the reference's order, products first, bias last). With
 * offs not 0, B is not a packed panel: step p reads 8 floats at pb + 4·offs[p]
 * (conv.ts: unpacked columns of a padded image). The two k loops differ only
 * in how B is addressed; AssemblyScript cannot return the 8 accumulators from
 * a shared step function, so the body is written out twice.
 *
 * Why not a larger tile: V8 issues all of a k step's loads before its
 * multiply-adds, so the step's B vectors and A broadcasts are live beside the
 * accumulators (here 8 + 2 + 4 of x86-64's 15 allocatable vector registers).
 * A 6×8 tile spilled accumulators to the stack and ran 1.8× slower; 5×8 with
 * A's rows spread by shuffles fit but gained nothing measurable: this tile
 * already runs at about 90% of the 128-bit multiply-add peak.
 */
// @ts-ignore: decorator
@inline
export function tile4x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, accumulate: bool, bias: usize, offs: usize = 0): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (offs == 0) {
    for (let p = 0; p < kc; p++) {
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
      pa += 16;
      pb += 32;
    }
  } else {
    for (let p = 0; p < kc; p++) {
      const s = pb + (<usize>load<i32>(offs) << 2);
      const b0 = v128.load(s);
      const b1 = v128.load(s, 16);
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
      pa += 16;
      offs += 4;
    }
  }
  const row = <usize>ldc << 2;
  const r1 = c + row, r2 = r1 + row, r3 = r2 + row;
  if (accumulate) {
    c00 = f32x4.add(v128.load(c), c00); c01 = f32x4.add(v128.load(c, 16), c01);
    c10 = f32x4.add(v128.load(r1), c10); c11 = f32x4.add(v128.load(r1, 16), c11);
    c20 = f32x4.add(v128.load(r2), c20); c21 = f32x4.add(v128.load(r2, 16), c21);
    c30 = f32x4.add(v128.load(r3), c30); c31 = f32x4.add(v128.load(r3, 16), c31);
  }
  if (bias != 0) {
    let bv = v128.load32_splat(bias);
    c00 = f32x4.add(c00, bv); c01 = f32x4.add(c01, bv);
    bv = v128.load32_splat(bias, 4);
    c10 = f32x4.add(c10, bv); c11 = f32x4.add(c11, bv);
    bv = v128.load32_splat(bias, 8);
    c20 = f32x4.add(c20, bv); c21 = f32x4.add(c21, bv);
    bv = v128.load32_splat(bias, 12);
    c30 = f32x4.add(c30, bv); c31 = f32x4.add(c31, bv);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
}

/** One thread's GEMM over its whole block; scratch holds gemmScratchBytes(). */
export function gemmCore(
  transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  accumulate: bool, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(ptr(c, i * ldc), 0, <usize>n << 2);
    return;
  }
  const pA = scratch;
  const pB = ptr(scratch, MC * KC);
  const tile = ptr(pB, KC * NC);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const overwrite = !accumulate && pc == 0;
      packB(transB, b, ldb, pc, kc, jc, nc, pB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(transA, a, lda, ic, mc, pc, kc, pA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = ptr(pB, jr * kc);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const pa = ptr(pA, ir * kc);
            const cp = ptr(c, (ic + ir) * ldc + jc + jr);
            if (mr == MR && nr == NR) {
              tile4x8(kc, pa, pb, cp, ldc, !overwrite, 0);
            } else {
              tile4x8(kc, pa, pb, tile, NR, false, 0);
              for (let i = 0; i < mr; i++) {
                const dst = ptr(cp, i * ldc);
                const src = ptr(tile, i * NR);
                if (overwrite) for (let j = 0; j < nr; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
                else for (let j = 0; j < nr; j++) store<f32>(dst + (<usize>j << 2), load<f32>(dst + (<usize>j << 2)) + load<f32>(src + (<usize>j << 2)));
              }
            }
          }
        }
      }
    }
  }
}

/** Writes (or, accumulating, adds) the bias row into rows × cols of C, so the product can then accumulate onto it. */
function biasRows(c: usize, ldc: i32, rows: i32, cols: i32, bias: usize, accumulate: bool): void {
  for (let i = 0; i < rows; i++) {
    const row = ptr(c, i * ldc);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const bv = v128.load(ptr(bias, j));
      v128.store(ptr(row, j), accumulate ? f32x4.add(v128.load(ptr(row, j)), bv) : bv);
    }
    for (; j < cols; j++) store<f32>(ptr(row, j), (accumulate ? load<f32>(ptr(row, j)) : 0) + load<f32>(ptr(bias, j)));
  }
}

/**
 * Thread tid of nt: takes its share of the larger output dimension, aligned to
 * the tile; bias (or 0) is added to every row. Why one fixed share each, not
 * smaller pieces claimed from a counter: each piece packs its own copy of the
 * operand the threads share, and on a quiet machine two pieces per thread made
 * W3 ~1% slower (they helped only while other load kept a thread off its core).
 */
export function gemmPart(
  tid: i32, nt: i32, transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  accumulate: bool, scratch: usize, bias: usize = 0,
): void {
  if (n >= m) {
    const chunk = ((n + nt - 1) / nt + NR - 1) / NR * NR;
    const n0 = tid * chunk;
    const n1 = min(n, n0 + chunk);
    if (n0 >= n1) return;
    const bOff = transB ? n0 * ldb : n0;
    if (bias != 0) biasRows(ptr(c, n0), ldc, m, n1 - n0, ptr(bias, n0), accumulate);
    gemmCore(transA, transB, m, n1 - n0, k, a, lda, ptr(b, bOff), ldb, ptr(c, n0), ldc, accumulate || bias != 0, scratch);
  } else {
    const chunk = ((m + nt - 1) / nt + MR - 1) / MR * MR;
    const m0 = tid * chunk;
    const m1 = min(m, m0 + chunk);
    if (m0 >= m1) return;
    const aOff = transA ? m0 : m0 * lda;
    if (bias != 0) biasRows(ptr(c, m0 * ldc), ldc, m1 - m0, n, bias, accumulate);
    gemmCore(transA, transB, m1 - m0, n, k, ptr(a, aOff), lda, b, ldb, ptr(c, m0 * ldc), ldc, accumulate || bias != 0, scratch);
  }
}

/**
 * `batch` products; entry i sits at ⌊i / heads⌋·s + (i mod heads)·hs elements
 * (s, hs per operand: sa/hsa, sb/hsb, sc/hsc). With at least as many entries
 * as threads each thread takes whole entries (no sharing of C, no per-entry
 * wake-up); otherwise all threads split each entry.
 */
export function gemmBatchPart(
  tid: i32, nt: i32, transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  accumulate: bool, scratch: usize, batch: i32, sa: i32, sb: i32, sc: i32,
  heads: i32, hsa: i32, hsb: i32, hsc: i32,
): void {
  const h = max(heads, 1);
  if (batch >= nt) {
    const i0 = tid * batch / nt, i1 = (tid + 1) * batch / nt;
    for (let i = i0; i < i1; i++) {
      const o = i / h, e = i % h;
      gemmCore(transA, transB, m, n, k, ptr(a, o * sa + e * hsa), lda, ptr(b, o * sb + e * hsb), ldb, ptr(c, o * sc + e * hsc), ldc, accumulate, scratch);
    }
  } else {
    for (let i = 0; i < batch; i++) {
      const o = i / h, e = i % h;
      gemmPart(tid, nt, transA, transB, m, n, k, ptr(a, o * sa + e * hsa), lda, ptr(b, o * sb + e * hsb), ldb, ptr(c, o * sc + e * hsc), ldc, accumulate, scratch);
    }
  }
}
