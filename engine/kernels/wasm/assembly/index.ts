/**
 * Entry point of the kernel module. Every thread runs `run(op, params, tid,
 * nthreads)` on the same shared memory and takes its own share of the work;
 * op numbers match OP in the host (../wasm-kernels.ts).
 */
import { gemmBatchPart, gemmPart, gemmScratchBytes } from './gemm';
import { columnSums, maskMultiply, reluBackward, reluForward, sgdUpdate } from './elementwise';
import { randomBits } from './random';
import { softmaxBackward, softmaxForward } from './softmax';
import { layerNormBackward, layerNormForward } from './layer-norm';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, maxPool2dBackward, maxPool2dForward, sumParts } from './conv';

export { gemmScratchBytes };

export function heapBase(): usize {
  return __heap_base;
}

/** Zeroes bytes at p (step-memory tensors): memory.fill at memset speed, where JavaScript's fill on shared memory is several times slower. */
export function zeroBytes(p: usize, bytes: usize): void {
  memory.fill(p, 0, bytes);
}

// @ts-ignore: decorator
@inline
function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/** GEMM block: 0 transA, 1 transB, 2 m, 3 n, 4 k, 5 a, 6 lda, 7 b, 8 ldb, 9 c, 10 ldc, 11 accumulate, 12 scratch base, 13 scratch bytes per thread, 14 bias row or 0. */
function gemm(p: usize, tid: i32, nt: i32): void {
  gemmPart(
    tid, nt, arg(p, 0) != 0, arg(p, 1) != 0, arg(p, 2), arg(p, 3), arg(p, 4),
    <usize>arg(p, 5), arg(p, 6), <usize>arg(p, 7), arg(p, 8), <usize>arg(p, 9), arg(p, 10),
    arg(p, 11) != 0, <usize>arg(p, 12) + <usize>tid * <usize>arg(p, 13), <usize>arg(p, 14),
  );
}

/** Batched GEMM block: the GEMM block, then 14 batch, 15 strideA, 16 strideB, 17 strideC, 18 heads, 19–21 head strides of A, B, C (elements). */
function gemmBatch(p: usize, tid: i32, nt: i32): void {
  gemmBatchPart(
    tid, nt, arg(p, 0) != 0, arg(p, 1) != 0, arg(p, 2), arg(p, 3), arg(p, 4),
    <usize>arg(p, 5), arg(p, 6), <usize>arg(p, 7), arg(p, 8), <usize>arg(p, 9), arg(p, 10),
    arg(p, 11) != 0, <usize>arg(p, 12) + <usize>tid * <usize>arg(p, 13), arg(p, 14), arg(p, 15), arg(p, 16), arg(p, 17),
    arg(p, 18), arg(p, 19), arg(p, 20), arg(p, 21),
  );
}

export function run(op: i32, p: usize, tid: i32, nt: i32): void {
  switch (op) {
    case 1: gemm(p, tid, nt); break;
    case 2: conv2dForward(p, tid, nt); break;
    case 3: conv2dBackwardInput(p, tid, nt); break;
    case 4: conv2dBackwardWeight(p, tid, nt); break;
    case 5: sumParts(p, tid, nt); break;
    case 6: maxPool2dForward(p, tid, nt); break;
    case 7: maxPool2dBackward(p, tid, nt); break;
    case 8: reluForward(p, tid, nt); break;
    case 9: reluBackward(p, tid, nt); break;
    case 10: randomBits(p, tid, nt); break;
    case 11: sgdUpdate(p, tid, nt); break;
    case 12: gemmBatch(p, tid, nt); break;
    case 13: softmaxForward(p, tid, nt); break;
    case 14: softmaxBackward(p, tid, nt); break;
    case 16: layerNormForward(p, tid, nt); break;
    case 17: layerNormBackward(p, tid, nt); break;
    case 18: columnSums(p, tid, nt); break;
    case 19: maskMultiply(p, tid, nt); break;
    default: unreachable();
  }
}
