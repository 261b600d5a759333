/**
 * Winograd F(2×2, 3×3) for stride-1 3×3 convolutions (Lavin & Gray, 2015).
 * A 2×2 output tile is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A over its 4×4 input tile d:
 * 16 products per (tile, in-channel, out-channel) where direct convolution
 * does 36, 2.25× fewer multiplies. Summed over channels, the 16 element-wise
 * products are 16 GEMMs (transformed weights × transformed tiles) on the
 * packed GEMM's micro-kernel; the transforms are adds and halvings.
 *
 * Forward: weights w[o, c] as they are. Input gradient: the same convolution
 * of dy with the flipped, transposed kernel w[o, c, 2-i, 2-j] and padding 2 - p.
 * Weight gradient: dg = Gᵀ[Σ_tiles (A dY Aᵀ) ⊙ (Bᵀ d B)]G, 16 GEMMs summed
 * over tiles. The forward takes tiles four at a time (one per SIMD lane), a
 * row of tiles padded to a multiple of four; the weight gradient takes four
 * channels per vector (copies with channels interleaved) and packs tiles
 * densely. A sample's tiles run in chunks of about CHUNK so the transformed
 * tiles stay in L2.
 */
import { MR, NR, tile4x8, transpose4 } from './gemm';
import { align16, ptr } from './address';

const CHUNK: i32 = 64;
/**
 * Floats added to the distance between the 16 elements' matrices: at a power of two apart (8 or 16 KB for W2's
 * shapes) the transforms' 16 streams all fall in one L1 set, more than its ways; a cache line more spreads them.
 */
const SKEW: i32 = 16;

// This thread's plan and scratch (globals are per instance, so per thread).
let pM = 0, pMp = 0, pK = 0, pTilesH = 0, pTilesW = 0, pTw4 = 0, pRows = 0, pNc = 0, pHp = 0, pWp = 0;
let sV: usize = 0, sU: usize = 0, sM: usize = 0, sImg: usize = 0, sTmp: usize = 0;
// Floats from one element's matrix to the next: V (weights), U (tiles), M (products).
let eV = 0, eU = 0, eM = 0;

/** m output rows (channels the pass writes), k channels summed over, an outH × outW output. */
function plan(m: i32, k: i32, outH: i32, outW: i32): void {
  pM = m;
  pMp = (m + MR - 1) / MR * MR;
  pK = k;
  pTilesH = (outH + 1) >> 1;
  pTilesW = (outW + 1) >> 1;
  pTw4 = (pTilesW + 3) & ~3;
  pRows = min(pTilesH, max(1, CHUNK / pTw4));
  pNc = (pRows * pTw4 + NR - 1) / NR * NR;
  // A tile reads input rows 2ty..2ty+3; four tiles read columns up to 2·tx0 + 9.
  pHp = 2 * pTilesH + 2;
  pWp = 2 * pTw4 + 2;
  eV = pMp * k + SKEW;
  eU = k * pNc + SKEW;
  eM = pMp * pNc + SKEW;
}

function layout(base: usize, limit: usize): bool {
  sV = align16(base);
  sU = align16(ptr(sV, 16 * eV));
  sM = align16(ptr(sU, 16 * eU));
  sImg = align16(ptr(sM, 16 * eM));
  sTmp = align16(ptr(sImg, pK * pHp * pWp));
  return ptr(sTmp, 16) <= limit;
}

/** Bytes of one thread's scratch for a pass with m output rows, k summed channels and an outH × outW output. */
export function winogradScratchBytes(m: i32, k: i32, outH: i32, outW: i32): i32 {
  plan(m, k, outH, outW);
  return (16 * eV + 16 * eU + 16 * eM + pK * pHp * pWp + 16) * 4 + 5 * 16;
}

/**
 * V = G g Gᵀ for every (row i, channel q), packed as MR-row A panels per
 * element e (panel layout of gemm.ts, rows past m zero). g is w[i, q] or,
 * transposed, w[q, i] flipped; w is [rows of the forward, its channels, 3, 3].
 */
function transformWeights(w: usize, transposed: bool): void {
  const m = pM, k = pK, eStride = <usize>eV << 2;
  for (let i = 0; i < pMp; i++) {
    for (let q = 0; q < k; q++) {
      const dst = ptr(sV, (i / MR) * MR * k + q * MR + i % MR);
      if (i >= m) {
        for (let e = 0; e < 16; e++) store<f32>(dst + <usize>e * eStride, 0);
        continue;
      }
      const g = transposed ? ptr(w, (q * m + i) * 9) : ptr(w, (i * k + q) * 9);
      // t = G g (4×3), by columns.
      for (let c = 0; c < 3; c++) {
        const g0 = transposed ? load<f32>(ptr(g, 8 - c)) : load<f32>(ptr(g, c));
        const g1 = transposed ? load<f32>(ptr(g, 5 - c)) : load<f32>(ptr(g, 3 + c));
        const g2 = transposed ? load<f32>(ptr(g, 2 - c)) : load<f32>(ptr(g, 6 + c));
        store<f32>(ptr(sTmp, c), g0);
        store<f32>(ptr(sTmp, 3 + c), <f32>0.5 * (g0 + g1 + g2));
        store<f32>(ptr(sTmp, 6 + c), <f32>0.5 * (g0 - g1 + g2));
        store<f32>(ptr(sTmp, 9 + c), g2);
      }
      // V = t Gᵀ, by rows.
      for (let r = 0; r < 4; r++) {
        const t0 = load<f32>(ptr(sTmp, 3 * r)), t1 = load<f32>(ptr(sTmp, 3 * r + 1)), t2 = load<f32>(ptr(sTmp, 3 * r + 2));
        const d = dst + <usize>(4 * r) * eStride;
        store<f32>(d, t0);
        store<f32>(d + eStride, <f32>0.5 * (t0 + t1 + t2));
        store<f32>(d + 2 * eStride, <f32>0.5 * (t0 - t1 + t2));
        store<f32>(d + 3 * eStride, t2);
      }
    }
  }
}

/** Copies k planes of h × w into the padded image at (ph, pw); the border was zeroed once and is never written. */
function padImage(src: usize, h: i32, w: i32, ph: i32, pw: i32): void {
  for (let c = 0; c < pK; c++) {
    for (let y = 0; y < h; y++) {
      const s = ptr(src, (c * h + y) * w), d = ptr(sImg, (c * pHp + y + ph) * pWp + pw);
      let x = 0;
      for (; x + 4 <= w; x += 4) v128.store(ptr(d, x), v128.load(ptr(s, x)));
      for (; x < w; x++) store<f32>(ptr(d, x), load<f32>(ptr(s, x)));
    }
  }
}

/**
 * Row r of four adjacent tiles' 4×4 inputs, one vector per column: tile
 * tx0 + l reads columns 2(tx0 + l) .. 2(tx0 + l) + 3.
 */
// @ts-ignore: decorator
@inline
function even(a: v128, b: v128): v128 { return f32x4.shuffle(a, b, 0, 2, 4, 6); }
// @ts-ignore: decorator
@inline
function odd(a: v128, b: v128): v128 { return f32x4.shuffle(a, b, 1, 3, 5, 7); }

/**
 * Bᵀ d B for the chunk's tiles (tile rows ty0..ty0+rows), channel by
 * channel, into U as KC×NR B panels per element e: tile t, channel q at
 * (t / NR)·k·NR + q·NR + t % NR, elements k·nc apart.
 */
function transformInput(ty0: i32, rows: i32): void {
  const k = pK, eStride = <usize>eU << 2, rowBytes = <usize>pWp << 2;
  const tiles = rows * pTw4;
  for (let q = 0; q < k; q++) {
    for (let r = 0; r < rows; r++) {
      const rowBase = ptr(sImg, (q * pHp + 2 * (ty0 + r)) * pWp);
      for (let tx0 = 0; tx0 < pTw4; tx0 += 4) {
        const t = r * pTw4 + tx0;
        inputTiles(rowBase + (<usize>(2 * tx0) << 2), rowBytes, ptr(sU, (t / NR) * k * NR + q * NR + t % NR), eStride);
      }
    }
    // A half-filled last panel: its other four lanes are zero columns.
    if (tiles % NR != 0) {
      const dst = ptr(sU, (tiles / NR) * k * NR + q * NR + tiles % NR);
      for (let e = 0; e < 16; e++) v128.store(dst + <usize>e * eStride, f32x4.splat(0));
    }
  }
}

/** One row of t B (columns: t0 - t2, t1 + t2, t2 - t1, t1 - t3), four elements e apart by eStride. */
// @ts-ignore: decorator
@inline
function inputRow(t0: v128, t1: v128, t2: v128, t3: v128, dst: usize, eStride: usize): void {
  v128.store(dst, f32x4.sub(t0, t2));
  v128.store(dst + eStride, f32x4.add(t1, t2));
  v128.store(dst + 2 * eStride, f32x4.sub(t2, t1));
  v128.store(dst + 3 * eStride, f32x4.sub(t1, t3));
}

/**
 * Bᵀ d B of a 4×4 tile of vectors d[row][col]: t = Bᵀ d (rows d0 − d2, d1 + d2, d2 − d1, d1 − d3), each row
 * then through inputRow (· B), its 16 results stored `eStride` apart from `dst`.
 */
// @ts-ignore: decorator
@inline
function inputTransform(
  d00: v128, d01: v128, d02: v128, d03: v128, d10: v128, d11: v128, d12: v128, d13: v128,
  d20: v128, d21: v128, d22: v128, d23: v128, d30: v128, d31: v128, d32: v128, d33: v128, dst: usize, eStride: usize,
): void {
  inputRow(f32x4.sub(d00, d20), f32x4.sub(d01, d21), f32x4.sub(d02, d22), f32x4.sub(d03, d23), dst, eStride);
  inputRow(f32x4.add(d10, d20), f32x4.add(d11, d21), f32x4.add(d12, d22), f32x4.add(d13, d23), dst + 4 * eStride, eStride);
  inputRow(f32x4.sub(d20, d10), f32x4.sub(d21, d11), f32x4.sub(d22, d12), f32x4.sub(d23, d13), dst + 8 * eStride, eStride);
  inputRow(f32x4.sub(d10, d30), f32x4.sub(d11, d31), f32x4.sub(d12, d32), f32x4.sub(d13, d33), dst + 12 * eStride, eStride);
}

/**
 * Four adjacent 4×4 input tiles (one per SIMD lane, overlapping by two columns) from `s0`, rows `rowBytes`
 * apart: d[row][col] de-interleaved into lanes, then inputTransform.
 */
// @ts-ignore: decorator
@inline
function inputTiles(s0: usize, rowBytes: usize, dst: usize, eStride: usize): void {
  const s1 = s0 + rowBytes, s2 = s1 + rowBytes, s3 = s2 + rowBytes;
  let a = v128.load(s0), b = v128.load(s0, 16), c = v128.load(s0, 8), d = v128.load(s0, 24);
  const d00 = even(a, b), d01 = odd(a, b), d02 = even(c, d), d03 = odd(c, d);
  a = v128.load(s1); b = v128.load(s1, 16); c = v128.load(s1, 8); d = v128.load(s1, 24);
  const d10 = even(a, b), d11 = odd(a, b), d12 = even(c, d), d13 = odd(c, d);
  a = v128.load(s2); b = v128.load(s2, 16); c = v128.load(s2, 8); d = v128.load(s2, 24);
  const d20 = even(a, b), d21 = odd(a, b), d22 = even(c, d), d23 = odd(c, d);
  a = v128.load(s3); b = v128.load(s3, 16); c = v128.load(s3, 8); d = v128.load(s3, 24);
  const d30 = even(a, b), d31 = odd(a, b), d32 = even(c, d), d33 = odd(c, d);
  inputTransform(d00, d01, d02, d03, d10, d11, d12, d13, d20, d21, d22, d23, d30, d31, d32, d33, dst, eStride);
}

/** M_e = V_e · U_e for the 16 elements: mp × nc products over k, in MR×NR tiles. */
function products(nc: i32): void {
  const k = pK;
  for (let e = 0; e < 16; e++) {
    const a = ptr(sV, e * eV), b = ptr(sU, e * eU), c = ptr(sM, e * eM);
    for (let j0 = 0; j0 < nc; j0 += NR) {
      const pb = ptr(b, j0 * k);
      for (let i0 = 0; i0 < pMp; i0 += MR) tile4x8(k, ptr(a, i0 * k), pb, ptr(c, i0 * pNc + j0), pNc, false, 0);
    }
  }
}

/** Y = Aᵀ M A (+ bias) for the chunk's tiles, written to out (m planes of outH × outW); tiles past the edge write what fits. */
function transformOutput(out: usize, outH: i32, outW: i32, ty0: i32, rows: i32, bias: usize): void {
  const eStride = <usize>eM << 2, plane = outH * outW;
  for (let i = 0; i < pM; i++) {
    const bv = f32x4.splat(bias != 0 ? load<f32>(ptr(bias, i)) : 0);
    const o = ptr(out, i * plane);
    for (let r = 0; r < rows; r++) {
      const oy = 2 * (ty0 + r);
      for (let tx0 = 0; tx0 < pTilesW; tx0 += 4) {
        const s = ptr(sM, i * pNc + r * pTw4 + tx0);
        // s_r = rows of Aᵀ m: m0 + m1 + m2, m1 - m2 - m3 (per column).
        const m00 = v128.load(s), m01 = v128.load(s + eStride), m02 = v128.load(s + 2 * eStride), m03 = v128.load(s + 3 * eStride);
        const m10 = v128.load(s + 4 * eStride), m11 = v128.load(s + 5 * eStride), m12 = v128.load(s + 6 * eStride), m13 = v128.load(s + 7 * eStride);
        const m20 = v128.load(s + 8 * eStride), m21 = v128.load(s + 9 * eStride), m22 = v128.load(s + 10 * eStride), m23 = v128.load(s + 11 * eStride);
        const m30 = v128.load(s + 12 * eStride), m31 = v128.load(s + 13 * eStride), m32 = v128.load(s + 14 * eStride), m33 = v128.load(s + 15 * eStride);
        const a0 = f32x4.add(f32x4.add(m00, m10), m20), a1 = f32x4.add(f32x4.add(m01, m11), m21);
        const a2 = f32x4.add(f32x4.add(m02, m12), m22), a3 = f32x4.add(f32x4.add(m03, m13), m23);
        const b0 = f32x4.sub(f32x4.sub(m10, m20), m30), b1 = f32x4.sub(f32x4.sub(m11, m21), m31);
        const b2 = f32x4.sub(f32x4.sub(m12, m22), m32), b3 = f32x4.sub(f32x4.sub(m13, m23), m33);
        const y00 = f32x4.add(f32x4.add(f32x4.add(a0, a1), a2), bv), y01 = f32x4.add(f32x4.sub(f32x4.sub(a1, a2), a3), bv);
        const y10 = f32x4.add(f32x4.add(f32x4.add(b0, b1), b2), bv), y11 = f32x4.add(f32x4.sub(f32x4.sub(b1, b2), b3), bv);
        const ox = 2 * tx0;
        if (ox + 8 <= outW && oy + 2 <= outH) {
          const d0 = ptr(o, oy * outW + ox), d1 = ptr(d0, outW);
          v128.store(d0, f32x4.shuffle(y00, y01, 0, 4, 1, 5));
          v128.store(d0, f32x4.shuffle(y00, y01, 2, 6, 3, 7), 16);
          v128.store(d1, f32x4.shuffle(y10, y11, 0, 4, 1, 5));
          v128.store(d1, f32x4.shuffle(y10, y11, 2, 6, 3, 7), 16);
          continue;
        }
        v128.store(sTmp, f32x4.shuffle(y00, y01, 0, 4, 1, 5));
        v128.store(sTmp, f32x4.shuffle(y00, y01, 2, 6, 3, 7), 16);
        v128.store(sTmp, f32x4.shuffle(y10, y11, 0, 4, 1, 5), 32);
        v128.store(sTmp, f32x4.shuffle(y10, y11, 2, 6, 3, 7), 48);
        const n = min(8, outW - ox);
        for (let j = 0; j < n; j++) store<f32>(ptr(o, oy * outW + ox + j), load<f32>(ptr(sTmp, j)));
        if (oy + 1 < outH) for (let j = 0; j < n; j++) store<f32>(ptr(o, (oy + 1) * outW + ox + j), load<f32>(ptr(sTmp, 8 + j)));
      }
    }
  }
}

/**
 * out[n] = the 3×3 stride-1 convolution of src[n] (k planes of inH × inW,
 * padded by ph, pw) for samples n0..n1: m planes of outH × outW (+ bias).
 * False when the thread's scratch (scratch..limit) is too small; the caller
 * then takes the direct path.
 */
export function winogradConv(
  w: usize, transposed: bool, m: i32, k: i32, src: usize, inH: i32, inW: i32, ph: i32, pw: i32,
  out: usize, outH: i32, outW: i32, bias: usize, n0: i32, n1: i32, scratch: usize, limit: usize,
): bool {
  plan(m, k, outH, outW);
  if (!layout(scratch, limit)) return false;
  transformWeights(w, transposed);
  memory.fill(sImg, 0, <usize>(k * pHp * pWp) << 2);
  for (let n = n0; n < n1; n++) {
    padImage(ptr(src, n * k * inH * inW), inH, inW, ph, pw);
    const o = ptr(out, n * m * outH * outW);
    for (let ty0 = 0; ty0 < pTilesH; ty0 += pRows) {
      const rows = min(pRows, pTilesH - ty0);
      transformInput(ty0, rows);
      products((rows * pTw4 + NR - 1) / NR * NR);
      transformOutput(o, outH, outW, ty0, rows, bias);
    }
  }
  return true;
}

// ---- Weight gradient ----

let pKp = 0, pT = 0;
// Floats from one element's matrix to the next: the dV sums, A dY Aᵀ panels, Bᵀ d B panels.
let eAcc = 0, eDy = 0, eX = 0;
let sAcc: usize = 0, sDy: usize = 0, sX: usize = 0, sDyImg: usize = 0;

/** The forward's plan, plus channels padded to NR (B-panel columns) and tiles per chunk. */
function planWeight(m: i32, k: i32, outH: i32, outW: i32): void {
  plan(m, k, outH, outW);
  pKp = (k + NR - 1) / NR * NR;
  pT = pRows * pTw4;
  eAcc = pMp * pKp + SKEW;
  eDy = pMp * pT + SKEW;
  eX = pKp * pT + SKEW;
}

function layoutWeight(base: usize, limit: usize): bool {
  sAcc = align16(base);
  sDy = align16(ptr(sAcc, 16 * eAcc));
  sX = align16(ptr(sDy, 16 * eDy));
  sImg = align16(ptr(sX, 16 * eX));
  sDyImg = align16(ptr(sImg, pKp * pHp * pWp));
  sTmp = align16(ptr(sDyImg, pMp * 2 * pTilesH * 2 * pTw4));
  return ptr(sTmp, 16) <= limit;
}

/** Bytes of one thread's scratch for the weight gradient of an m-out, k-in convolution with an outH × outW output. */
export function winogradWeightScratchBytes(m: i32, k: i32, outH: i32, outW: i32): i32 {
  planWeight(m, k, outH, outW);
  return (16 * eAcc + 16 * eDy + 16 * eX + pKp * pHp * pWp + pMp * 4 * pTilesH * pTw4 + 16) * 4 + 7 * 16;
}

/**
 * Copies c planes of h × w from src into dst with four channels interleaved
 * (channel group g, row y, column x at ((g·rows + y + oy)·cols + x + ox)·4 + c % 4):
 * a vector then holds one position of four channels, the lanes of the panels
 * the transforms below write. Lanes past c and the border are never written
 * (zeroed once).
 */
function interleave4(src: usize, c: i32, h: i32, w: i32, dst: usize, rows: i32, cols: i32, oy: i32, ox: i32): void {
  const plane = h * w;
  for (let c0 = 0; c0 < c; c0 += 4) {
    const n = min(4, c - c0);
    for (let y = 0; y < h; y++) {
      const s = ptr(src, (c0 * h + y) * w);
      const d = dst + (<usize>(((c0 >> 2) * rows + y + oy) * cols + ox) << 4);
      let x = 0;
      if (n == 4) {
        for (; x + 4 <= w; x += 4) {
          transpose4(v128.load(ptr(s, x)), v128.load(ptr(s, plane + x)), v128.load(ptr(s, 2 * plane + x)), v128.load(ptr(s, 3 * plane + x)), d + (<usize>x << 4), 16);
        }
      }
      for (; x < w; x++) for (let j = 0; j < n; j++) store<f32>(d + (<usize>x << 4) + (<usize>j << 2), load<f32>(ptr(s, j * plane + x)));
    }
  }
}

/**
 * A dY Aᵀ for the chunk's tiles, four output channels per vector, into A
 * panels per element e: channel o, tile t at (o / MR)·MR·T + t·MR + o % MR.
 */
function transformGradOutput(ty0: i32, rows: i32): void {
  const eStride = <usize>eDy << 2, w2 = 2 * pTw4, h2 = 2 * pTilesH, rowBytes = <usize>w2 << 4;
  for (let o0 = 0; o0 < pMp; o0 += 4) {
    for (let r = 0; r < rows; r++) {
      const s = sDyImg + (<usize>(((o0 >> 2) * h2 + 2 * (ty0 + r)) * w2) << 4);
      for (let tx = 0; tx < pTilesW; tx++) {
        const s0 = s + (<usize>tx << 5), s1 = s0 + rowBytes;
        const y00 = v128.load(s0), y01 = v128.load(s0, 16), y10 = v128.load(s1), y11 = v128.load(s1, 16);
        const t = r * pTilesW + tx;
        const dst = ptr(sDy, (o0 / MR) * MR * pT + t * MR + o0 % MR);
        // Rows of A y: y0, y0 + y1, y0 - y1, -y1; then the same along columns.
        gradRow(y00, y01, dst, eStride);
        gradRow(f32x4.add(y00, y10), f32x4.add(y01, y11), dst + 4 * eStride, eStride);
        gradRow(f32x4.sub(y00, y10), f32x4.sub(y01, y11), dst + 8 * eStride, eStride);
        gradRow(f32x4.neg(y10), f32x4.neg(y11), dst + 12 * eStride, eStride);
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function gradRow(a: v128, b: v128, dst: usize, eStride: usize): void {
  v128.store(dst, a);
  v128.store(dst + eStride, f32x4.add(a, b));
  v128.store(dst + 2 * eStride, f32x4.sub(a, b));
  v128.store(dst + 3 * eStride, f32x4.neg(b));
}

/** Bᵀ d B for the chunk's tiles, four input channels per vector, into B panels per element e: channel c, tile t at (c / NR)·NR·T + t·NR + c % NR. */
function transformInputColumns(ty0: i32, rows: i32): void {
  const eStride = <usize>eX << 2, rowBytes = <usize>pWp << 4;
  for (let c0 = 0; c0 < pKp; c0 += 4) {
    for (let r = 0; r < rows; r++) {
      const s = sImg + (<usize>(((c0 >> 2) * pHp + 2 * (ty0 + r)) * pWp) << 4);
      for (let tx = 0; tx < pTilesW; tx++) {
        const s0 = s + (<usize>tx << 5), s1 = s0 + rowBytes, s2 = s1 + rowBytes, s3 = s2 + rowBytes;
        const t = r * pTilesW + tx;
        const dst = ptr(sX, (c0 / NR) * NR * pT + t * NR + c0 % NR);
        // A vector is one position of four channels: the tile's 16 vectors load as they lie.
        inputTransform(
          v128.load(s0), v128.load(s0, 16), v128.load(s0, 32), v128.load(s0, 48), v128.load(s1), v128.load(s1, 16), v128.load(s1, 32), v128.load(s1, 48),
          v128.load(s2), v128.load(s2, 16), v128.load(s2, 32), v128.load(s2, 48), v128.load(s3), v128.load(s3, 16), v128.load(s3, 32), v128.load(s3, 48),
          dst, eStride,
        );
      }
    }
  }
}

/** dW partial[o, c·9 + i·3 + j] = (Gᵀ dV G)[i, j] of the accumulated 4×4 dV per (o, c). */
function transformWeightGradient(partial: usize): void {
  const eStride = <usize>eAcc << 2;
  for (let o = 0; o < pM; o++) {
    for (let c = 0; c < pK; c++) {
      const s = ptr(sAcc, o * pKp + c), g = ptr(partial, (o * pK + c) * 9);
      // t = Gᵀ dV (3×4), by columns: v0 + ½(v1 + v2), ½(v1 - v2), ½(v1 + v2) + v3.
      for (let col = 0; col < 4; col++) {
        const v0 = load<f32>(s + <usize>col * eStride), v1 = load<f32>(s + <usize>(4 + col) * eStride);
        const v2 = load<f32>(s + <usize>(8 + col) * eStride), v3 = load<f32>(s + <usize>(12 + col) * eStride);
        const h = <f32>0.5 * (v1 + v2);
        store<f32>(ptr(sTmp, col), v0 + h);
        store<f32>(ptr(sTmp, 4 + col), <f32>0.5 * (v1 - v2));
        store<f32>(ptr(sTmp, 8 + col), h + v3);
      }
      // dg = t G, by rows.
      for (let r = 0; r < 3; r++) {
        const t0 = load<f32>(ptr(sTmp, 4 * r)), t1 = load<f32>(ptr(sTmp, 4 * r + 1)), t2 = load<f32>(ptr(sTmp, 4 * r + 2)), t3 = load<f32>(ptr(sTmp, 4 * r + 3));
        const h = <f32>0.5 * (t1 + t2);
        store<f32>(ptr(g, 3 * r), t0 + h);
        store<f32>(ptr(g, 3 * r + 1), <f32>0.5 * (t1 - t2));
        store<f32>(ptr(g, 3 * r + 2), h + t3);
      }
    }
  }
}

/**
 * partial (m × k·9, overwritten) = the weight gradient over samples n0..n1
 * of the 3×3 stride-1 convolution of x (k planes of inH × inW, padded by
 * ph, pw) whose output gradient is dy (m planes of outH × outW). False when
 * the thread's scratch is too small; the caller then takes the direct path.
 */
export function winogradWeight(
  dy: usize, x: usize, m: i32, k: i32, inH: i32, inW: i32, ph: i32, pw: i32, outH: i32, outW: i32,
  n0: i32, n1: i32, partial: usize, scratch: usize, limit: usize,
): bool {
  planWeight(m, k, outH, outW);
  if (!layoutWeight(scratch, limit)) return false;
  memory.fill(sAcc, 0, <usize>(16 * eAcc) << 2);
  memory.fill(sImg, 0, <usize>(pKp * pHp * pWp) << 2);
  const w2 = 2 * pTw4, h2 = 2 * pTilesH;
  // dy in a frame of whole tiles; the frame's edge past the output stays zero.
  memory.fill(sDyImg, 0, <usize>(pMp * h2 * w2) << 2);
  for (let n = n0; n < n1; n++) {
    interleave4(ptr(x, n * k * inH * inW), k, inH, inW, sImg, pHp, pWp, ph, pw);
    interleave4(ptr(dy, n * m * outH * outW), m, outH, outW, sDyImg, h2, w2, 0, 0);
    for (let ty0 = 0; ty0 < pTilesH; ty0 += pRows) {
      // Tiles packed densely: a row's tiles past the output (to a multiple of four) would add only zeros.
      const rows = min(pRows, pTilesH - ty0), tiles = rows * pTilesW;
      transformGradOutput(ty0, rows);
      transformInputColumns(ty0, rows);
      for (let e = 0; e < 16; e++) {
        const a = ptr(sDy, e * eDy), b = ptr(sX, e * eX), c = ptr(sAcc, e * eAcc);
        for (let j0 = 0; j0 < pKp; j0 += NR) {
          const pb = ptr(b, j0 * pT);
          for (let i0 = 0; i0 < pMp; i0 += MR) tile4x8(tiles, ptr(a, i0 * pT), pb, ptr(c, i0 * pKp + j0), pKp, true, 0);
        }
      }
    }
  }
  transformWeightGradient(partial);
  return true;
}
