/**
 * Convolution as im2col + GEMM, one (sample, group) unit at a time per
 * thread; the same algorithms as the TypeScript reference.
 * Geometry arrives as an i32 parameter block laid out by layout.ts.
 *
 * Stride-1 convolutions take packed paths instead: the weights are packed
 * into MR-row panels once per call (they are the same for every sample), and
 * the column matrix is never formed: each KC×NR panel the micro-kernel reads
 * is gathered straight from a zero-padded copy of the sample, so one pass
 * over the image replaces im2col + packB and no edge tests remain. The input
 * gradient is the forward convolution of dy with the flipped, transposed
 * weights (no col2im scatter); the weight gradient packs dy as A and the
 * image's columns as B panels, accumulating into the thread's partial (a
 * short K instead sums along pixels in vector lanes, unpacked).
 */
import { ConvArg, SumPartsArg } from './layout';
import { arg } from './param-block';
import { MR, NR, gemmCore, gemmScratchBytes, packA, tile4x8, transpose4 } from './gemm';
import { winogradConv, winogradWeight } from './winograd';
import { madd } from './simd';
import { align16, ptr } from './address';

function ceilDiv(a: i32, b: i32): i32 {
  return a >= 0 ? (a + b - 1) / b : -(-a / b);
}

function floorDiv(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// Geometry of the current call, in globals: each thread's instance has its own
// (module instances share memory, not globals).
let gBatch = 0, gInC = 0, gInH = 0, gInW = 0, gOutC = 0, gOutH = 0, gOutW = 0;
let gKH = 0, gKW = 0, gSH = 0, gSW = 0, gPH = 0, gPW = 0, gDH = 0, gDW = 0, gGroups = 0;
let gCg = 0, gOg = 0, gKk = 0, gPlane = 0;

function readGeometry(p: usize): void {
  gBatch = arg(p, ConvArg.batch); gInC = arg(p, ConvArg.inChannels); gInH = arg(p, ConvArg.inH); gInW = arg(p, ConvArg.inW);
  gOutC = arg(p, ConvArg.outChannels); gOutH = arg(p, ConvArg.outH); gOutW = arg(p, ConvArg.outW); gKH = arg(p, ConvArg.kH); gKW = arg(p, ConvArg.kW);
  gSH = arg(p, ConvArg.strideH); gSW = arg(p, ConvArg.strideW); gPH = arg(p, ConvArg.padH); gPW = arg(p, ConvArg.padW);
  gDH = arg(p, ConvArg.dilationH); gDW = arg(p, ConvArg.dilationW); gGroups = arg(p, ConvArg.groups);
  gCg = gInC / gGroups;
  gOg = gOutC / gGroups;
  gKk = gCg * gKH * gKW;
  gPlane = gOutH * gOutW;
}

/** Unfolds cg channels starting at x into col[kk, plane]; add = true runs the adjoint (col2im, adding into x). */
function im2col(x: usize, col: usize, add: bool): void {
  const inH = gInH, inW = gInW, outH = gOutH, outW = gOutW, plane = gPlane;
  let row = 0;
  for (let c = 0; c < gCg; c++) {
    const xc = ptr(x, c * inH * inW);
    for (let ki = 0; ki < gKH; ki++) {
      for (let kj = 0; kj < gKW; kj++, row++) {
        // Output columns whose input column lies inside the image.
        const shift = kj * gDW - gPW;
        const ox0 = max(0, ceilDiv(-shift, gSW));
        const ox1 = min(outW, max(ox0, floorDiv(inW - 1 - shift, gSW) + 1));
        for (let oy = 0; oy < outH; oy++) {
          const o = ptr(col, row * plane + oy * outW);
          const iy = oy * gSH - gPH + ki * gDH;
          if (iy < 0 || iy >= inH) {
            if (!add) zeroFloats(o, outW);
            continue;
          }
          const xr = ptr(xc, iy * inW + shift);
          if (add) {
            for (let ox = ox0; ox < ox1; ox++) {
              const d = xr + (<usize>(ox * gSW) << 2);
              store<f32>(d, load<f32>(d) + load<f32>(o + (<usize>ox << 2)));
            }
          } else {
            if (ox0 > 0) zeroFloats(o, ox0);
            if (gSW == 1) copyFloats(o + (<usize>ox0 << 2), xr + (<usize>ox0 << 2), ox1 - ox0);
            else for (let ox = ox0; ox < ox1; ox++) store<f32>(o + (<usize>ox << 2), load<f32>(xr + (<usize>(ox * gSW) << 2)));
            if (ox1 < outW) zeroFloats(o + (<usize>ox1 << 2), outW - ox1);
          }
        }
      }
    }
  }
}

/** Short copies and fills inline: memory.copy/fill call out of wasm, which dominates at a row of 16–32 floats. */
// @ts-ignore: decorator
@inline
function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

// @ts-ignore: decorator
@inline
function zeroFloats(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

// ---- Packed paths (stride 1) ----

/** Largest k-block: a KB×NR column panel (12 KB) stays in L1 beside the streamed weight panels; a longer K is split evenly (576 → 2×288, not 384 + 192). */
const KB: i32 = 384;
/** Pixels per block of the weight gradient: dy panels for 64 channels × 256 pixels (64 KB) stay in L2. */
const PB: i32 = 256;

// Packed-path scratch, one thread's: packed A, K row offsets (i32), the padded source image, one column panel, an MR×NR tile and NR lane offsets.
let sA: usize = 0, sOffs: usize = 0, sImg: usize = 0, sPanel: usize = 0, sTile: usize = 0, sLanes: usize = 0;

/** Lays the packed-path scratch out from base; false if it would pass limit (the host reserved less), and the caller takes the general path. */
function packedLayout(base: usize, limit: usize, aFloats: i32, k: i32, imgFloats: i32, panelFloats: i32): bool {
  sA = align16(base);
  sOffs = align16(ptr(sA, aFloats));
  sImg = align16(ptr(sOffs, k));
  sPanel = align16(ptr(sImg, imgFloats));
  sTile = align16(ptr(sPanel, panelFloats));
  sLanes = ptr(sTile, MR * NR);
  return ptr(sLanes, NR) <= limit;
}

function roundMR(n: i32): i32 {
  return (n + MR - 1) / MR * MR;
}

/** Offsets in the padded image (channels × hp × wp) of the k rows (channel, ki, kj) of the column matrix, for output pixel (0, 0). */
function rowOffsets(channels: i32, hp: i32, wp: i32): void {
  let k = 0;
  for (let c = 0; c < channels; c++) {
    for (let ki = 0; ki < gKH; ki++) {
      for (let kj = 0; kj < gKW; kj++, k++) store<i32>(ptr(sOffs, k), c * hp * wp + ki * gDH * wp + kj * gDW);
    }
  }
}

/** Copies channels planes of h × w at src into the interior of the padded image; the border was zeroed once and is never written. */
function padImage(src: usize, channels: i32, h: i32, w: i32, ph: i32, pw: i32): void {
  const hp = h + 2 * ph, wp = w + 2 * pw;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) copyFloats(ptr(sImg, (c * hp + y + ph) * wp + pw), ptr(src, (c * h + y) * w), w);
  }
}

/**
 * Packs the groups' weights as the A operand, MR-row panels over all K
 * (panel i at i·MR·K, rows past m zero). Forward: row o, column (c, ki, kj).
 * Transposed (input gradient): row c, column (o, ki, kj) from
 * w[o, c, kH-1-ki, kW-1-kj], the flipped kernel of the adjoint convolution.
 */
function packWeights(w: usize, transposed: bool): void {
  const kk2 = gKH * gKW;
  const m = transposed ? gCg : gOg, k = transposed ? gOg * kk2 : gKk, mp = roundMR(m);
  for (let gr = 0; gr < gGroups; gr++) {
    const wg = ptr(w, gr * gOg * gKk);
    const dst = ptr(sA, gr * mp * k);
    for (let i = 0; i < mp; i++) {
      const panel = ptr(dst, (i / MR) * MR * k + i % MR);
      if (i >= m) {
        for (let q = 0; q < k; q++) store<f32>(ptr(panel, q * MR), 0);
      } else if (!transposed) {
        const row = ptr(wg, i * gKk);
        for (let q = 0; q < k; q++) store<f32>(ptr(panel, q * MR), load<f32>(ptr(row, q)));
      } else {
        let q = 0;
        for (let o = 0; o < gOg; o++) {
          const src = ptr(wg, o * gKk + i * kk2 + kk2 - 1);
          for (let t = 0; t < kk2; t++, q++) store<f32>(ptr(panel, q * MR), load<f32>(src - (<usize>t << 2)));
        }
      }
    }
  }
}

/**
 * Packs rows k0..k0+kc of the implicit column matrix, output pixels
 * n0..n0+nr (nr ≤ NR, the rest zero), into the KC×NR panel. Eight pixels
 * in one output row are eight adjacent floats of every padded image row.
 */
function packColumns(k0: i32, kc: i32, n0: i32, nr: i32, outW: i32, wp: i32): void {
  const oy = n0 / outW, ox = n0 % outW;
  const offs = ptr(sOffs, k0);
  if (nr == NR && ox + NR <= outW) {
    const base = ptr(sImg, oy * wp + ox);
    for (let k = 0; k < kc; k++) {
      const s = base + (<usize>load<i32>(offs + (<usize>k << 2)) << 2);
      const o = sPanel + (<usize>k << 5);
      v128.store(o, v128.load(s));
      v128.store(o, v128.load(s, 16), 16);
    }
    return;
  }
  for (let j = 0; j < NR; j++) {
    const n = n0 + j;
    store<i32>(ptr(sLanes, j), j < nr ? (n / outW) * wp + n % outW : -1);
  }
  for (let k = 0; k < kc; k++) {
    const s = ptr(sImg, load<i32>(ptr(sOffs, k0 + k)));
    const o = sPanel + (<usize>k << 5);
    for (let j = 0; j < NR; j++) {
      const lane = load<i32>(ptr(sLanes, j));
      store<f32>(o + (<usize>j << 2), lane >= 0 ? load<f32>(ptr(s, lane)) : 0);
    }
  }
}

/** An edge tile (mr ≤ MR rows, nr ≤ NR columns): the product goes through sTile, then the same epilogue element by element. */
function edgeTile(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, mr: i32, nr: i32, accumulate: bool, bias: usize, offs: usize = 0): void {
  tile4x8(kc, pa, pb, sTile, NR, false, 0, offs);
  for (let i = 0; i < mr; i++) {
    const dst = ptr(c, i * ldc);
    const src = ptr(sTile, i * NR);
    for (let j = 0; j < nr; j++) {
      let v = load<f32>(ptr(src, j));
      if (accumulate) v = load<f32>(ptr(dst, j)) + v;
      if (bias != 0) v += load<f32>(ptr(bias, i));
      store<f32>(ptr(dst, j), v);
    }
  }
}

/** out[m, outH·outW] = A · columns(sImg) (+ bias[row]), A packed at pa over k; the padded image is wp wide. */
function packedProduct(pa: usize, m: i32, k: i32, outH: i32, outW: i32, wp: i32, out: usize, bias: usize): void {
  const plane = outH * outW;
  const blocks = (k + KB - 1) / KB;
  const kb = (k + blocks - 1) / blocks;
  for (let k0 = 0; k0 < k; k0 += kb) {
    const kc = min(kb, k - k0);
    const accumulate = k0 > 0;
    const last = k0 + kc >= k;
    for (let n0 = 0; n0 < plane; n0 += NR) {
      const nr = min(NR, plane - n0);
      const ox = n0 % outW;
      if (m <= 2 * MR && nr == NR && ox + NR <= outW) {
        // One or two tiles per panel: reading the image through the offsets costs less than packing it.
        const base = ptr(sImg, (n0 / outW) * wp + ox);
        for (let i0 = 0; i0 < m; i0 += MR) {
          const a = ptr(pa, i0 * k + k0 * MR);
          const c = ptr(out, i0 * plane + n0);
          const b = last && bias != 0 ? ptr(bias, i0) : 0;
          if (i0 + MR <= m) tile4x8(kc, a, base, c, plane, accumulate, b, ptr(sOffs, k0));
          else edgeTile(kc, a, base, c, plane, m - i0, nr, accumulate, b, ptr(sOffs, k0));
        }
        continue;
      }
      packColumns(k0, kc, n0, nr, outW, wp);
      for (let i0 = 0; i0 < m; i0 += MR) {
        const a = ptr(pa, i0 * k + k0 * MR);
        const c = ptr(out, i0 * plane + n0);
        const b = last && bias != 0 ? ptr(bias, i0) : 0;
        if (i0 + MR <= m && nr == NR) tile4x8(kc, a, sPanel, c, plane, accumulate, b);
        else edgeTile(kc, a, sPanel, c, plane, min(MR, m - i0), nr, accumulate, b);
      }
    }
  }
}

/**
 * A 3×3, stride-1, undilated, ungrouped convolution whose output is its
 * input padded by (ph, pw) less 2, writing m ≥ WINOGRAD_MIN_M planes from
 * k ≥ WINOGRAD_MIN_K channels: the Winograd path (winograd.ts). With fewer
 * the transforms cost more than the multiplies they save (measured at 32×32,
 * batch 64: m = 3 ran 1.6× slower; k = 3 and 4 1.4–2× slower forward and for
 * the weight gradient; k = 8 about even; k = 16 0.5–0.9×).
 */
const WINOGRAD_MIN_M: i32 = 16, WINOGRAD_MIN_K: i32 = 8;

function winogradFits(p: usize, m: i32, k: i32, inH: i32, inW: i32, outH: i32, outW: i32, ph: i32, pw: i32): bool {
  return arg(p, ConvArg.direct) == 0 && gKH == 3 && gKW == 3 && gSH == 1 && gSW == 1 && gDH == 1 && gDW == 1 && gGroups == 1
    && m >= WINOGRAD_MIN_M && k >= WINOGRAD_MIN_K && ph >= 0 && pw >= 0 && outH == inH + 2 * ph - 2 && outW == inW + 2 * pw - 2;
}

/** Thread's scratch: base and end, from the parameter block. */
// @ts-ignore: decorator
@inline
function threadScratch(p: usize, tid: i32): usize {
  return <usize>arg(p, ConvArg.scratch) + <usize>tid * <usize>arg(p, ConvArg.scratchBytes);
}

/** Parameter block: ConvArg. */
export function conv2dForward(p: usize, tid: i32, nt: i32): void {
  readGeometry(p);
  const x = <usize>arg(p, ConvArg.x), w = <usize>arg(p, ConvArg.w), bias = <usize>arg(p, ConvArg.bias), out = <usize>arg(p, ConvArg.out);
  const scratch = threadScratch(p, tid), limit = scratch + <usize>arg(p, ConvArg.scratchBytes);
  const units = gBatch * gGroups;
  const u0 = tid * units / nt, u1 = (tid + 1) * units / nt;
  if (winogradFits(p, gOutC, gInC, gInH, gInW, gOutH, gOutW, gPH, gPW)
    && winogradConv(w, false, gOutC, gInC, x, gInH, gInW, gPH, gPW, out, gOutH, gOutW, bias, u0, u1, scratch, limit)) return;
  const oneByOne = gKH == 1 && gKW == 1 && gSH == 1 && gSW == 1 && gPH == 0 && gPW == 0;
  const hp = gInH + 2 * gPH, wp = gInW + 2 * gPW;
  if (!oneByOne && gSH == 1 && gSW == 1 && gOutH == hp - gDH * (gKH - 1) && gOutW == wp - gDW * (gKW - 1)
    && packedLayout(scratch, limit, gGroups * roundMR(gOg) * gKk, gKk, gCg * hp * wp, min(gKk, KB) * NR)) {
    packWeights(w, false);
    rowOffsets(gCg, hp, wp);
    memory.fill(sImg, 0, <usize>(gCg * hp * wp) << 2);
    for (let u = u0; u < u1; u++) {
      const nb = u / gGroups, gr = u % gGroups;
      padImage(ptr(x, (nb * gInC + gr * gCg) * gInH * gInW), gCg, gInH, gInW, gPH, gPW);
      packedProduct(ptr(sA, gr * roundMR(gOg) * gKk), gOg, gKk, gOutH, gOutW, wp, ptr(out, (nb * gOutC + gr * gOg) * gPlane), bias != 0 ? ptr(bias, gr * gOg) : 0);
    }
    return;
  }
  const col = align16(scratch + gemmScratchBytes());
  for (let u = u0; u < u1; u++) {
    const nb = u / gGroups, gr = u % gGroups;
    const xg = ptr(x, (nb * gInC + gr * gCg) * gInH * gInW);
    let src = col;
    if (oneByOne) src = xg;
    else im2col(xg, col, false);
    const o = ptr(out, (nb * gOutC + gr * gOg) * gPlane);
    gemmCore(false, false, gOg, gPlane, gKk, ptr(w, gr * gOg * gKk), gKk, src, gPlane, o, gPlane, false, scratch);
    if (bias != 0) {
      for (let oc = 0; oc < gOg; oc++) {
        const bv = f32x4.splat(load<f32>(ptr(bias, gr * gOg + oc)));
        const row = ptr(o, oc * gPlane);
        let j = 0;
        for (; j + 4 <= gPlane; j += 4) v128.store(ptr(row, j), f32x4.add(v128.load(ptr(row, j)), bv));
        for (; j < gPlane; j++) store<f32>(ptr(row, j), load<f32>(ptr(row, j)) + f32x4.extract_lane(bv, 0));
      }
    }
  }
}

/** 16 dy, 17 weight, 19 dx (overwritten). */
export function conv2dBackwardInput(p: usize, tid: i32, nt: i32): void {
  readGeometry(p);
  const dy = <usize>arg(p, ConvArg.dy), w = <usize>arg(p, ConvArg.w), dx = <usize>arg(p, ConvArg.out);
  const scratch = threadScratch(p, tid), limit = scratch + <usize>arg(p, ConvArg.scratchBytes);
  const units = gBatch * gGroups;
  const u0 = tid * units / nt, u1 = (tid + 1) * units / nt;
  // Stride 1: dx is dy convolved with the flipped kernel, padded by (k-1)·d - p (which must not be negative).
  const ph = gDH * (gKH - 1) - gPH, pw = gDW * (gKW - 1) - gPW;
  if (winogradFits(p, gInC, gOutC, gOutH, gOutW, gInH, gInW, ph, pw)
    && winogradConv(w, true, gInC, gOutC, dy, gOutH, gOutW, ph, pw, dx, gInH, gInW, 0, u0, u1, scratch, limit)) return;
  const hp = gOutH + 2 * ph, wp = gOutW + 2 * pw;
  const kt = gOg * gKH * gKW;
  if (gSH == 1 && gSW == 1 && ph >= 0 && pw >= 0 && gInH == hp - gDH * (gKH - 1) && gInW == wp - gDW * (gKW - 1)
    && packedLayout(scratch, limit, gGroups * roundMR(gCg) * kt, kt, gOg * hp * wp, min(kt, KB) * NR)) {
    packWeights(w, true);
    rowOffsets(gOg, hp, wp);
    memory.fill(sImg, 0, <usize>(gOg * hp * wp) << 2);
    for (let u = u0; u < u1; u++) {
      const nb = u / gGroups, gr = u % gGroups;
      padImage(ptr(dy, (nb * gOutC + gr * gOg) * gPlane), gOg, gOutH, gOutW, ph, pw);
      packedProduct(ptr(sA, gr * roundMR(gCg) * kt), gCg, kt, gInH, gInW, wp, ptr(dx, (nb * gInC + gr * gCg) * gInH * gInW), 0);
    }
    return;
  }
  const col = align16(scratch + gemmScratchBytes());
  const imageBytes = <usize>(gCg * gInH * gInW) << 2;
  for (let u = u0; u < u1; u++) {
    const nb = u / gGroups, gr = u % gGroups;
    const dxg = ptr(dx, (nb * gInC + gr * gCg) * gInH * gInW);
    const dyg = ptr(dy, (nb * gOutC + gr * gOg) * gPlane);
    // dcol = W_gᵀ · dy_g, then scatter-add back into the image.
    gemmCore(true, false, gKk, gPlane, gOg, ptr(w, gr * gOg * gKk), gKk, dyg, gPlane, col, gPlane, false, scratch);
    memory.fill(dxg, 0, imageBytes);
    im2col(dxg, col, true);
  }
}

/**
 * Packs pixels p0..p0+pc of column-matrix rows k0..k0+nr (nr ≤ NR, the rest
 * zero) as a pc×NR B panel: the columns of colᵀ. Four pixels of one output
 * row are four adjacent floats of each row, so 4×4 blocks transpose in.
 */
function packRows(k0: i32, nr: i32, p0: i32, pc: i32, outW: i32, wp: i32): void {
  if (outW % 4 == 0 && p0 % 4 == 0 && pc % 4 == 0) {
    const z = f32x4.splat(0);
    for (let h = 0; h < NR; h += 4) {
      // Missing rows read as zero through a zero offset into a zero vector.
      const j0 = k0 + h;
      const o0 = j0 < k0 + nr ? ptr(sImg, load<i32>(ptr(sOffs, j0))) : 0;
      const o1 = j0 + 1 < k0 + nr ? ptr(sImg, load<i32>(ptr(sOffs, j0 + 1))) : 0;
      const o2 = j0 + 2 < k0 + nr ? ptr(sImg, load<i32>(ptr(sOffs, j0 + 2))) : 0;
      const o3 = j0 + 3 < k0 + nr ? ptr(sImg, load<i32>(ptr(sOffs, j0 + 3))) : 0;
      // Pixel (oy, ox) steps along without a division per quad.
      let oy = p0 / outW, ox = p0 % outW;
      for (let q = 0; q < pc; q += 4) {
        const at = <usize>(oy * wp + ox) << 2;
        ox += 4;
        if (ox == outW) { ox = 0; oy++; }
        transpose4(
          o0 != 0 ? v128.load(o0 + at) : z, o1 != 0 ? v128.load(o1 + at) : z,
          o2 != 0 ? v128.load(o2 + at) : z, o3 != 0 ? v128.load(o3 + at) : z,
          sPanel + (<usize>q << 5) + (<usize>h << 2), 32,
        );
      }
    }
    return;
  }
  for (let q = 0; q < pc; q++) {
    const n = p0 + q;
    const s = ptr(sImg, (n / outW) * wp + n % outW);
    const o = sPanel + (<usize>q << 5);
    for (let j = 0; j < NR; j++) store<f32>(o + (<usize>j << 2), j < nr ? load<f32>(ptr(s, load<i32>(ptr(sOffs, k0 + j)))) : 0);
  }
}

/**
 * Adds the float64 sums of dy's rows (channels c0..c0+rows) to the thread's
 * per-channel accumulators (48 bytes each: low and high lane pairs, scalar
 * tail); run while the sample's dy is in cache.
 */
function addChannelSums(dyg: usize, c0: i32, rows: i32, sums: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = ptr(dyg, r * gPlane);
    const slot = sums + <usize>(c0 + r) * 48;
    let lo = v128.load(slot), hi = v128.load(slot, 16);
    let s = load<f64>(slot, 32);
    let j = 0;
    for (; j + 4 <= gPlane; j += 4) {
      const v = v128.load(ptr(row, j));
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
    }
    for (; j < gPlane; j++) s += <f64>load<f32>(ptr(row, j));
    v128.store(slot, lo);
    v128.store(slot, hi, 16);
    store<f64>(slot, s, 32);
  }
}

/** Leaves each channel's total in the first 8 bytes of its slot, for the host to add over threads. */
function finishChannelSums(sums: usize): void {
  for (let c = 0; c < gOutC; c++) {
    const slot = sums + <usize>c * 48;
    const t = f64x2.add(v128.load(slot), v128.load(slot, 16));
    store<f64>(slot, load<f64>(slot, 32) + f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1));
  }
}

/**
 * The weight gradient of a short K (the first layer: 27 for 3 channels, 9 for
 * one) as a long product over pixels: vector lanes run along four adjacent
 * pixels, dy's rows and the padded image's rows are loaded as they lie (no
 * packing, no padding K to NR), and a 3×3 tile of (channel, k row)
 * accumulators stays in registers over the whole sample; each lane sums
 * every fourth pixel and the lanes are added at the end. The tile's third row
 * or column repeats a real one where Og or K is not a multiple of 3 (its sums
 * are dropped). Against the packed path (dy packed as A, colᵀ as B, K padded
 * to 32), batch 64, 1 thread: 3→32 at 32×32 5.2 → 3.6 ms, 1→32 at 28×28
 * 2.5 → 1.3 ms. Measured only on such short K: LANE_K_MAX bounds it there.
 * Relaxed build only: without a fused multiply-add the product needs a
 * register beside the tile's 15 and 3→32 ran 1.36× slower than packed.
 */
const LANE_K_MAX: i32 = 64;

function roundUp3(n: i32): i32 {
  return (n + 2) / 3 * 3;
}

/** Adds dy rows d0..d2 (each plane long) times image rows at x0..x2 (wp wide) into nine vector sums at acc (rows 3·kp vectors apart). */
function laneTile(d0: usize, d1: usize, d2: usize, x0: usize, x1: usize, x2: usize, wp: i32, acc: usize, kp: i32): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s22 = f32x4.splat(0);
  const rowBytes = <usize>gOutW << 2, wpBytes = <usize>wp << 2;
  for (let oy = 0; oy < gOutH; oy++) {
    for (let i: usize = 0; i < rowBytes; i += 16) {
      const u0 = v128.load(d0 + i), u1 = v128.load(d1 + i), u2 = v128.load(d2 + i);
      const v0 = v128.load(x0 + i), v1 = v128.load(x1 + i), v2 = v128.load(x2 + i);
      s00 = madd(u0, v0, s00); s01 = madd(u0, v1, s01); s02 = madd(u0, v2, s02);
      s10 = madd(u1, v0, s10); s11 = madd(u1, v1, s11); s12 = madd(u1, v2, s12);
      s20 = madd(u2, v0, s20); s21 = madd(u2, v1, s21); s22 = madd(u2, v2, s22);
    }
    d0 += rowBytes; d1 += rowBytes; d2 += rowBytes;
    x0 += wpBytes; x1 += wpBytes; x2 += wpBytes;
  }
  const r1 = acc + (<usize>kp << 4), r2 = r1 + (<usize>kp << 4);
  v128.store(acc, f32x4.add(v128.load(acc), s00)); v128.store(acc, f32x4.add(v128.load(acc, 16), s01), 16); v128.store(acc, f32x4.add(v128.load(acc, 32), s02), 32);
  v128.store(r1, f32x4.add(v128.load(r1), s10)); v128.store(r1, f32x4.add(v128.load(r1, 16), s11), 16); v128.store(r1, f32x4.add(v128.load(r1, 32), s12), 32);
  v128.store(r2, f32x4.add(v128.load(r2), s20)); v128.store(r2, f32x4.add(v128.load(r2, 16), s21), 16); v128.store(r2, f32x4.add(v128.load(r2, 32), s22), 32);
}

/** dW_g += dy_g · colᵀ for one unit through laneTile; acc holds the group's roundUp3(Og) × kp vector sums. */
function laneWeightUnit(dyg: usize, acc: usize, kp: i32, wp: i32): void {
  const plane = gPlane, last = gOg - 1, lastK = gKk - 1;
  for (let o0 = 0; o0 < gOg; o0 += 3) {
    const d0 = ptr(dyg, o0 * plane), d1 = ptr(dyg, min(o0 + 1, last) * plane), d2 = ptr(dyg, min(o0 + 2, last) * plane);
    for (let k0 = 0; k0 < gKk; k0 += 3) {
      const x0 = ptr(sImg, load<i32>(ptr(sOffs, k0)));
      const x1 = ptr(sImg, load<i32>(ptr(sOffs, min(k0 + 1, lastK))));
      const x2 = ptr(sImg, load<i32>(ptr(sOffs, min(k0 + 2, lastK))));
      laneTile(d0, d1, d2, x0, x1, x2, wp, acc + (<usize>(o0 * kp + k0) << 4), kp);
    }
  }
}

/** Weight gradient, unit u (a sample's group): pads its input into sImg, adds its dy's channel sums when wanted, and returns its dy. */
// @ts-ignore: decorator
@inline
function startWeightUnit(u: i32, dy: usize, x: usize, wantDb: bool, sums: usize): usize {
  const nb = u / gGroups, gr = u % gGroups;
  padImage(ptr(x, (nb * gInC + gr * gCg) * gInH * gInW), gCg, gInH, gInW, gPH, gPW);
  const dyg = ptr(dy, (nb * gOutC + gr * gOg) * gPlane);
  if (wantDb) addChannelSums(dyg, gr * gOg, gOg, sums);
  return dyg;
}

/** The lane path over units u0..u1 into partial; false if its scratch does not fit (the caller tries the packed path). */
function laneWeight(dy: usize, x: usize, u0: i32, u1: i32, partial: usize, sums: usize, wantDb: bool, scratch: usize, limit: usize): bool {
  const hp = gInH + 2 * gPH, wp = gInW + 2 * gPW;
  const mp = roundUp3(gOg), kp = roundUp3(gKk);
  const accFloats = gGroups * mp * kp * 4;
  if (!packedLayout(scratch, limit, accFloats, gKk, gCg * hp * wp, 0)) return false;
  memory.fill(sA, 0, <usize>accFloats << 2);
  rowOffsets(gCg, hp, wp);
  memory.fill(sImg, 0, <usize>(gCg * hp * wp) << 2);
  for (let u = u0; u < u1; u++) {
    const dyg = startWeightUnit(u, dy, x, wantDb, sums);
    laneWeightUnit(dyg, ptr(sA, (u % gGroups) * mp * kp * 4), kp, wp);
  }
  for (let r = 0; r < gOutC; r++) {
    const row = sA + (<usize>(((r / gOg) * mp + r % gOg) * kp) << 4);
    for (let k = 0; k < gKk; k++) {
      const v = v128.load(row + (<usize>k << 4));
      store<f32>(ptr(partial, r * gKk + k), (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)));
    }
  }
  if (wantDb) finishChannelSums(sums);
  return true;
}

/**
 * 16 dy, 17 x, 18 nonzero for the bias gradient, 19 unused. Each thread
 * accumulates dW over its units into its own partial (at the start of its
 * scratch), then, for the bias gradient, its float64 channel sums (48 bytes
 * a channel, after the partial, 16-aligned).
 */
export function conv2dBackwardWeight(p: usize, tid: i32, nt: i32): void {
  readGeometry(p);
  const dy = <usize>arg(p, ConvArg.dy), x = <usize>arg(p, ConvArg.x), wantDb = arg(p, ConvArg.bias) != 0;
  const partial = threadScratch(p, tid), limit = partial + <usize>arg(p, ConvArg.scratchBytes);
  const sums = align16(ptr(partial, gOutC * gKk));
  const scratch = align16(sums + (wantDb ? <usize>gOutC * 48 : 0));
  if (wantDb) memory.fill(sums, 0, <usize>gOutC * 48);
  const units = gBatch * gGroups;
  const u0 = tid * units / nt, u1 = (tid + 1) * units / nt;
  if (winogradFits(p, gOutC, gInC, gInH, gInW, gOutH, gOutW, gPH, gPW)
    && winogradWeight(dy, x, gOutC, gInC, gInH, gInW, gPH, gPW, gOutH, gOutW, u0, u1, partial, scratch, limit)) {
    if (wantDb) {
      for (let u = u0; u < u1; u++) addChannelSums(ptr(dy, u * gOutC * gPlane), 0, gOutC, sums);
      finishChannelSums(sums);
    }
    return;
  }
  const hp = gInH + 2 * gPH, wp = gInW + 2 * gPW;
  const stride1 = gSH == 1 && gSW == 1 && gOutH == hp - gDH * (gKH - 1) && gOutW == wp - gDW * (gKW - 1);
  if (ASC_FEATURE_RELAXED_SIMD && stride1 && gKk <= LANE_K_MAX && (gOutW & 3) == 0 && laneWeight(dy, x, u0, u1, partial, sums, wantDb, scratch, limit)) return;
  const pb = min(gPlane, PB);
  // The packed path sums into a dW padded to whole tiles (rows to MR per group, columns to NR): no edge tiles, e.g. for K = 27.
  const mp = roundMR(gOg), ld = (gKk + NR - 1) / NR * NR;
  const accFloats = gGroups * mp * ld;
  if (stride1 && packedLayout(scratch, limit, mp * pb + accFloats, gKk, gCg * hp * wp, pb * NR)) {
    const acc = ptr(sA, mp * pb);
    memory.fill(acc, 0, <usize>accFloats << 2);
    rowOffsets(gCg, hp, wp);
    memory.fill(sImg, 0, <usize>(gCg * hp * wp) << 2);
    for (let u = u0; u < u1; u++) {
      const dyg = startWeightUnit(u, dy, x, wantDb, sums);
      const dw = ptr(acc, (u % gGroups) * mp * ld);
      // dW_g += dy_g · colᵀ, a block of pixels at a time: dy's panels (A) in L2, one panel of colᵀ (B) in L1.
      for (let p0 = 0; p0 < gPlane; p0 += PB) {
        const pc = min(PB, gPlane - p0);
        packA(false, dyg, gPlane, 0, gOg, p0, pc, sA);
        for (let j0 = 0; j0 < gKk; j0 += NR) {
          packRows(j0, min(NR, gKk - j0), p0, pc, gOutW, wp);
          for (let i0 = 0; i0 < gOg; i0 += MR) tile4x8(pc, ptr(sA, i0 * pc), sPanel, ptr(dw, i0 * ld + j0), ld, true, 0);
        }
      }
    }
    for (let r = 0; r < gOutC; r++) copyFloats(ptr(partial, r * gKk), ptr(acc, ((r / gOg) * mp + r % gOg) * ld), gKk);
    if (wantDb) finishChannelSums(sums);
    return;
  }
  memory.fill(partial, 0, <usize>(gOutC * gKk) << 2);
  const col = align16(scratch + gemmScratchBytes());
  for (let u = u0; u < u1; u++) {
    const nb = u / gGroups, gr = u % gGroups;
    im2col(ptr(x, (nb * gInC + gr * gCg) * gInH * gInW), col, false);
    const dyg = ptr(dy, (nb * gOutC + gr * gOg) * gPlane);
    if (wantDb) addChannelSums(dyg, gr * gOg, gOg, sums);
    // dW_g += dy_g · colᵀ
    gemmCore(false, true, gOg, gKk, gPlane, dyg, gPlane, col, gPlane, ptr(partial, gr * gOg * gKk), gKk, true, scratch);
  }
  if (wantDb) finishChannelSums(sums);
}

/** Sums parts: SumPartsArg. */
export function sumParts(p: usize, tid: i32, nt: i32): void {
  const count = arg(p, SumPartsArg.count), parts = arg(p, SumPartsArg.parts);
  const first = <usize>arg(p, SumPartsArg.first), stride = <usize>arg(p, SumPartsArg.stride), dst = <usize>arg(p, SumPartsArg.dst);
  // Split on multiples of 4 so every thread but the last runs whole vectors.
  const quads = (count + 3) >> 2;
  const i0 = min(count, (tid * quads / nt) << 2), i1 = min(count, ((tid + 1) * quads / nt) << 2);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    let s = v128.load(ptr(first, i));
    for (let q = 1; q < parts; q++) s = f32x4.add(s, v128.load(ptr(first + <usize>q * stride, i)));
    v128.store(ptr(dst, i), s);
  }
  for (; i < i1; i++) {
    let s = load<f32>(ptr(first, i));
    for (let q = 1; q < parts; q++) s += load<f32>(ptr(first + <usize>q * stride, i));
    store<f32>(ptr(dst, i), s);
  }
}
