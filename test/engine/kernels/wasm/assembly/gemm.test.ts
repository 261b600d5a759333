/**
 * The wasm GEMM's summation order, bit for bit: every element of C is the
 * float32 sum over k in blocks of KC = 256 (gemm.ts), each block summed from
 * zero in order of k by multiply-adds, then added to C (or, for the first
 * block of a fresh product, stored). A bias row is written (or added) first.
 * Register tile, edge tiles and the thread split must not change that, so a
 * faster tile gives the same numbers (and step memory, sweeps and
 * pause/resume stay bit-identical). The sequential sum below is written
 * independently of the kernels; whether the relaxed build fuses the
 * multiply-add is the CPU's and V8's choice, so each product must match the
 * fused or the unfused sum exactly, all elements alike.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { GemmArgs } from '../../../../../engine/kernels/kernel-types.ts';
import { installWasmBackend, setWasmThreads } from '../../../../../engine/kernels/wasm/node/load.ts';

const wasm = installWasmBackend();
const KC = 256;

afterAll(() => setWasmThreads(1));

let seed = 7;
function rand(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    out[i] = seed / 2 ** 31 - 1;
  }
  return out;
}

/** a·b + c rounded once to float32: a·b is exact in float64, the sum's float64 rounding error comes from TwoSum and decides ties. */
function fusedF32(a: number, b: number, c: number): number {
  const p = a * b, s = p + c;
  const t = s - p, err = (p - (s - t)) + (c - t);
  const r = Math.fround(s);
  if (err === 0 || r === s) return r;
  const other = r + 2 * (s - r);
  if (other === r || Math.fround(other) !== other) return r;
  // s lies exactly halfway between the float32 values r and other: the error says which side the exact sum is on.
  return err > 0 ? Math.max(r, other) : Math.min(r, other);
}

function unfusedF32(a: number, b: number, c: number): number {
  return Math.fround(Math.fround(a * b) + c);
}

/** C as gemm.ts computes it, element by element, with the given multiply-add. */
function sequentialGemm(g: GemmArgs, madd: (a: number, b: number, c: number) => number): Float32Array {
  const { m, n, k, a, b, transA, transB } = g;
  const c = g.c.slice();
  const lda = g.lda ?? (transA ? m : k), ldb = g.ldb ?? (transB ? k : n), ldc = g.ldc ?? n;
  const at = (i: number, p: number) => a[g.aOffset + (transA ? p * lda + i : i * lda + p)];
  const bt = (p: number, j: number) => b[g.bOffset + (transB ? j * ldb + p : p * ldb + j)];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const o = g.cOffset + i * ldc + j;
      let fresh = !g.accumulate;
      if (g.bias) {
        c[o] = fresh ? g.bias[j] : Math.fround(c[o] + g.bias[j]);
        fresh = false;
      }
      for (let p0 = 0; p0 < k; p0 += KC) {
        let sum = 0;
        for (let p = p0; p < Math.min(k, p0 + KC); p++) sum = madd(at(i, p), bt(p, j), sum);
        c[o] = fresh ? sum : Math.fround(c[o] + sum);
        fresh = false;
      }
    }
  }
  return c;
}

function sameBits(x: Float32Array, y: Float32Array): boolean {
  return x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
}

describe('wasm gemm sums every element in the documented order, bit for bit', () => {
  // Odd shapes against 4-, 5- and 8-wide tiles; k past one and two KC blocks; one row, one column, k = 1.
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 37, 300], [29, 1, 513], [7, 9, 1], [64, 40, 784], [13, 31, 257], [130, 70, 260], [5, 8, 64], [4, 16, 3],
  ];
  for (const [m, n, k] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${m}×${n}×${k} ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}, 1 and 3 threads, fresh, accumulating, with a bias`, () => {
          for (const threads of [1, 3]) {
            setWasmThreads(threads);
            for (const accumulate of [false, true]) {
              for (const withBias of [false, true]) {
                const aOffset = 3, bOffset = 1, cOffset = 2;
                const args: GemmArgs = {
                  transA, transB, m, n, k, accumulate, aOffset, bOffset, cOffset,
                  a: rand(aOffset + m * k), b: rand(bOffset + k * n), c: rand(cOffset + m * n + 1), bias: withBias ? rand(n) : null,
                };
                const got = args.c.slice();
                wasm.gemm({ ...args, c: got });
                const fused = sameBits(got, sequentialGemm(args, fusedF32));
                const unfused = sameBits(got, sequentialGemm(args, unfusedF32));
                expect(fused || unfused, `threads ${threads}, accumulate ${accumulate}, bias ${withBias}`).toBe(true);
              }
            }
          }
        });
      }
    }
  }

  // Attention's per-head products (W3: 64×64×32 and 64×32×64) and odd shapes: gemmBatch's whole entries per thread, read in place from wider rows.
  const batchShapes: [number, number, number][] = [[64, 64, 32], [64, 32, 64], [1, 1, 1], [7, 9, 13], [3, 61, 17], [64, 64, 64], [5, 8, 63], [65, 9, 5]];
  for (const [m, n, k] of batchShapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`batched ${m}×${n}×${k} ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}: 2 samples × 3 heads side by side in wider rows, 1 and 3 threads, fresh and accumulating`, () => {
          const heads = 3, batch = 2 * heads;
          // Each operand as stored: rows × cols per entry, heads' columns side by side in rows of heads·cols + 1, samples a few floats apart.
          const layout = (rows: number, cols: number, offset: number) => {
            const ld = heads * cols + 1, stride = rows * ld + 5;
            return { ld, stride, head: cols, offset, size: offset + 2 * stride };
          };
          const la = layout(transA ? k : m, transA ? m : k, 3), lb = layout(transB ? n : k, transB ? k : n, 1), lc = layout(m, n, 2);
          for (const threads of [1, 3]) {
            setWasmThreads(threads);
            for (const accumulate of [false, true]) {
              const a = rand(la.size), b = rand(lb.size), c = rand(lc.size);
              const got = c.slice();
              wasm.gemmBatch({
                transA, transB, m, n, k, accumulate, a, aOffset: la.offset, b, bOffset: lb.offset, c: got, cOffset: lc.offset,
                lda: la.ld, ldb: lb.ld, ldc: lc.ld, batch, heads,
                strideA: la.stride, strideB: lb.stride, strideC: lc.stride, headStrideA: la.head, headStrideB: lb.head, headStrideC: lc.head,
              });
              const expected = (madd: (a: number, b: number, c: number) => number) => {
                let want = c;
                for (let i = 0; i < batch; i++) {
                  const at = (l: typeof la) => l.offset + Math.floor(i / heads) * l.stride + (i % heads) * l.head;
                  want = sequentialGemm({ transA, transB, m, n, k, accumulate, a, aOffset: at(la), b, bOffset: at(lb), c: want, cOffset: at(lc), lda: la.ld, ldb: lb.ld, ldc: lc.ld }, madd);
                }
                return want;
              };
              const fused = sameBits(got, expected(fusedF32));
              const unfused = sameBits(got, expected(unfusedF32));
              expect(fused || unfused, `threads ${threads}, accumulate ${accumulate}`).toBe(true);
            }
          }
        });
      }
    }
  }

  it('tells a fused multiply-add from an unfused one (the helper the check rests on)', () => {
    // (1 + 2⁻¹²)² = 1 + 2⁻¹¹ + 2⁻²⁴: a separate float32 product drops the 2⁻²⁴ that a fused one keeps.
    const x = 1 + 2 ** -12, c = -(1 + 2 ** -11);
    expect(fusedF32(x, x, c)).toBe(2 ** -24);
    expect(unfusedF32(x, x, c)).toBe(0);
    // Float32 operands whose float64 sum lands on a float32 tie the exact sum is just below:
    // 2⁻²⁴(1 − 2⁻⁴⁰) + (1 + 2⁻²³) stays 1 + 2⁻²³, where rounding the float64 sum would give 1 + 2⁻²².
    const up = 2 ** -12 * (1 + 2 ** -20), down = 2 ** -12 * (1 - 2 ** -20);
    expect(fusedF32(up, down, 1 + 2 ** -23)).toBe(1 + 2 ** -23);
    expect(Math.fround(up * down + (1 + 2 ** -23))).toBe(1 + 2 ** -22);
  });
});
