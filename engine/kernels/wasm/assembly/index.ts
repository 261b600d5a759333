/**
 * Entry point of the kernel module. Every thread runs `run(op, params, tid,
 * nthreads)` on the same shared memory and takes its own share of the work;
 * op numbers and parameter blocks are the table in layout.ts, which the host
 * (../wasm-kernels.ts) reads too.
 */
import { gemmBatchPart, gemmPart, gemmScratchBytes } from './gemm';
import { GemmArg, GemmBatchArg, Op } from './layout';
import { arg } from './param-block';
import { addArrays, columnSums, maskMultiply, reluBackward, reluForward, sgdUpdate } from './elementwise';
import { randomBits } from './random';
import { adamUpdate } from './adam';
import { sgdMomentumUpdate } from './sgd-momentum';
import { winogradScratchBytes, winogradWeightScratchBytes } from './winograd';
import { softmaxBackward, softmaxForward } from './softmax';
import { layerNormBackward, layerNormForward } from './layer-norm';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, sumParts } from './conv';
import { maxPool2dBackward, maxPool2dForward } from './pool';

export { gemmScratchBytes, winogradScratchBytes, winogradWeightScratchBytes };

export function heapBase(): usize {
  return __heap_base;
}

/** Zeroes bytes at p (step-memory tensors): memory.fill at memset speed, where JavaScript's fill on shared memory is several times slower. */
export function zeroBytes(p: usize, bytes: usize): void {
  memory.fill(p, 0, bytes);
}

function gemm(p: usize, tid: i32, nt: i32): void {
  gemmPart(
    tid, nt, arg(p, GemmArg.transA) != 0, arg(p, GemmArg.transB) != 0, arg(p, GemmArg.m), arg(p, GemmArg.n), arg(p, GemmArg.k),
    <usize>arg(p, GemmArg.a), arg(p, GemmArg.lda), <usize>arg(p, GemmArg.b), arg(p, GemmArg.ldb), <usize>arg(p, GemmArg.c), arg(p, GemmArg.ldc),
    arg(p, GemmArg.accumulate) != 0, <usize>arg(p, GemmArg.scratch) + <usize>tid * <usize>arg(p, GemmArg.scratchBytes), <usize>arg(p, GemmArg.bias),
  );
}

function gemmBatch(p: usize, tid: i32, nt: i32): void {
  gemmBatchPart(
    tid, nt, arg(p, GemmBatchArg.transA) != 0, arg(p, GemmBatchArg.transB) != 0, arg(p, GemmBatchArg.m), arg(p, GemmBatchArg.n), arg(p, GemmBatchArg.k),
    <usize>arg(p, GemmBatchArg.a), arg(p, GemmBatchArg.lda), <usize>arg(p, GemmBatchArg.b), arg(p, GemmBatchArg.ldb), <usize>arg(p, GemmBatchArg.c), arg(p, GemmBatchArg.ldc),
    arg(p, GemmBatchArg.accumulate) != 0, <usize>arg(p, GemmBatchArg.scratch) + <usize>tid * <usize>arg(p, GemmBatchArg.scratchBytes),
    arg(p, GemmBatchArg.batch), arg(p, GemmBatchArg.strideA), arg(p, GemmBatchArg.strideB), arg(p, GemmBatchArg.strideC),
    arg(p, GemmBatchArg.heads), arg(p, GemmBatchArg.headStrideA), arg(p, GemmBatchArg.headStrideB), arg(p, GemmBatchArg.headStrideC),
  );
}

export function run(op: i32, p: usize, tid: i32, nt: i32): void {
  switch (op) {
    case Op.gemm: gemm(p, tid, nt); break;
    case Op.gemmBatch: gemmBatch(p, tid, nt); break;
    case Op.conv2dForward: conv2dForward(p, tid, nt); break;
    case Op.conv2dBackwardInput: conv2dBackwardInput(p, tid, nt); break;
    case Op.conv2dBackwardWeight: conv2dBackwardWeight(p, tid, nt); break;
    case Op.sumParts: sumParts(p, tid, nt); break;
    case Op.maxPool2dForward: maxPool2dForward(p, tid, nt); break;
    case Op.maxPool2dBackward: maxPool2dBackward(p, tid, nt); break;
    case Op.reluForward: reluForward(p, tid, nt); break;
    case Op.reluBackward: reluBackward(p, tid, nt); break;
    case Op.randomBits: randomBits(p, tid, nt); break;
    case Op.sgdUpdate: sgdUpdate(p, tid, nt); break;
    case Op.softmaxForward: softmaxForward(p, tid, nt); break;
    case Op.softmaxBackward: softmaxBackward(p, tid, nt); break;
    case Op.layerNormForward: layerNormForward(p, tid, nt); break;
    case Op.layerNormBackward: layerNormBackward(p, tid, nt); break;
    case Op.columnSums: columnSums(p, tid, nt); break;
    case Op.maskMultiply: maskMultiply(p, tid, nt); break;
    case Op.addArrays: addArrays(p, tid, nt); break;
    case Op.adamUpdate: adamUpdate(p, tid, nt); break;
    case Op.sgdMomentumUpdate: sgdMomentumUpdate(p, tid, nt); break;
    default: unreachable();
  }
}
