// Attention's per-head batched GEMMs (16 samples × 4 heads, L = S = 64, D = 32), two checkouts alternating, CPU time per call.
//   npx tsx bench/attention-gemm-micro.ts DIR_A DIR_B [THREADS] [ROUNDS]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
const [dirA, dirB, threadsArg = '2', runsArg = '41'] = process.argv.slice(2);
const N = 16, H = 4, L = 64, D = 32, E = H * D, W = 3 * E;
async function load(dir: string) {
  const at = (f: string) => pathToFileURL(resolve(dir, f)).href;
  const { kernels, useBackend } = await import(at('engine/index.ts'));
  const { setWasmThreads } = await import(at('engine/kernels/wasm/node/load.ts'));
  const { selectBackend } = await import(at('bench/backend.ts'));
  selectBackend('wasm', Number(threadsArg));
  const K = kernels();
  const arr = (len: number) => { const x = K.stepMemory!.alloc(len, true); for (let i = 0; i < len; i++) x[i] = Math.sin(i * 0.37); return x; };
  const qkv = arr(N * L * W), sq = arr(N * H * L * L), out = arr(N * L * E);
  const rows = (off: number) => ({ data: qkv, offset: off, ld: W, stride: L * W, head: D });
  const square = { data: sq, offset: 0, ld: L, stride: H * L * L, head: L * L };
  const side = { data: out, offset: 0, ld: E, stride: L * E, head: D };
  type Hd = typeof square;
  const product = (a: Hd, transA: boolean, b: Hd, transB: boolean, c: Hd, m: number, n: number, k: number) => () => K.gemmBatch({
    transA, transB, m, n, k, batch: N * H, heads: H, accumulate: false,
    a: a.data, aOffset: a.offset, lda: a.ld, strideA: a.stride, headStrideA: a.head,
    b: b.data, bOffset: b.offset, ldb: b.ld, strideB: b.stride, headStrideB: b.head,
    c: c.data, cOffset: c.offset, ldc: c.ld, strideC: c.stride, headStrideC: c.head,
  });
  const calls = {
    'q·kᵀ 64×64×32 A·Bᵀ': product(rows(0), false, rows(E), true, square, L, L, D),
    'P·v 64×32×64 A·B': product(square, false, rows(2 * E), false, side, L, D, L),
    'Pᵀ·dO 64×32×64 Aᵀ·B': product(square, true, side, false, rows(2 * E), L, D, L),
  };
  return (name: keyof typeof calls) => { useBackend('wasm'); setWasmThreads(Number(threadsArg)); calls[name](); };
}
const sides = [await load(dirA), await load(dirB)];
const names = ['q·kᵀ 64×64×32 A·Bᵀ', 'P·v 64×32×64 A·B', 'Pᵀ·dO 64×32×64 Aᵀ·B'] as const;
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
const s: number[][][] = names.map(() => [[], []]);
for (let r = -10; r < Number(runsArg); r++) {
  for (const [ni, nm] of names.entries()) {
    for (const side of r % 2 ? [1, 0] : [0, 1]) {
      const t0 = process.cpuUsage().user;
      for (let rep = 0; rep < 20; rep++) sides[side](nm);
      if (r >= 0) s[ni][side].push((process.cpuUsage().user - t0) / 20000);
    }
  }
}
for (const [ni, nm] of names.entries()) console.log(`${nm}: A ${med(s[ni][0]).toFixed(3)} ms  B ${med(s[ni][1]).toFixed(3)} ms  B/A ${(med(s[ni][1]) / med(s[ni][0])).toFixed(3)}`);
