/**
 * The one table both sides of a kernel call read: the op numbers of `run`
 * (index.ts) and, per op, the i32 slot of each argument in its parameter
 * block. The kernels read `arg(p, ReluArg.x)`; the host (../wasm-call.ts)
 * fills a block by argument name. Plain enums and no imports, so this file is
 * both AssemblyScript and TypeScript. Pointers are byte addresses; floats
 * travel as their bits (reinterpret<f32>).
 */

export enum Op {
  gemm = 1, gemmBatch, conv2dForward, conv2dBackwardInput, conv2dBackwardWeight, sumParts,
  maxPool2dForward, maxPool2dBackward, reluForward, reluBackward, randomBits, sgdUpdate,
  softmaxForward, softmaxBackward, layerNormForward, layerNormBackward, columnSums, maskMultiply,
  addArrays, adamUpdate, sgdMomentumUpdate,
}

/** C (+)= op(A)·op(B) (+ bias row); each thread packs in scratch + tid·scratchBytes. */
export enum GemmArg { transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, scratch, scratchBytes, bias }

/** GEMM over batch entries (strides in elements); heads > 1 splits each entry into [batch / heads, heads] with its own strides. */
export enum GemmBatchArg {
  transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, scratch, scratchBytes,
  batch, strideA, strideB, strideC, heads, headStrideA, headStrideB, headStrideC,
}

/**
 * Every conv pass: the geometry, then its operands (a pass leaves the others 0).
 * Forward x, w, bias (or 0) → out; input gradient dy, w → out; weight gradient
 * dy, x → each thread's partial at the start of its scratch, bias ≠ 0 asks for
 * the bias gradient's sums too. direct ≠ 0 keeps 3×3 stride-1 convolutions
 * off the Winograd path (the reference of the A/B bench).
 */
export enum ConvArg {
  batch, inChannels, inH, inW, outChannels, outH, outW, kH, kW,
  strideH, strideW, padH, padW, dilationH, dilationW, groups,
  x, w, dy, bias, out, scratch, scratchBytes, direct,
}

/** dst = the sum of `parts` arrays of `count` floats, `stride` bytes apart from `first`. */
export enum SumPartsArg { count, parts, first, stride, dst }

/** Max pooling: forward x → out, argmax (of relu(x) when relu ≠ 0); backward dy, argmax → out. */
export enum PoolArg {
  batch, channels, inH, inW, outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW,
  x, dy, argmax, out, relu,
}

export enum ReluForwardArg { n, x, y }
export enum ReluBackwardArg { n, x, dy, dx }
/** w -= lr·(g + weightDecay·w), in place. */
export enum SgdArg { n, w, g, lr, weightDecay }
/** One Adam step in place on w, m, v (and vmax unless 0, AMSGrad); consts: seven float64s (adam.ts). */
export enum AdamArg { n, w, g, m, v, vmax, decoupled, consts }
/** One step of SGD with momentum in place on w and buf; consts: four float64s (sgd-momentum.ts). */
export enum SgdMomentumArg { n, w, g, buf, first, nesterov, consts }
/** out[blocks, cols] = Σ over rows of x[blocks, rows, cols], in float64. */
export enum ColumnSumsArg { rows, cols, x, out, blocks }
export enum MaskMultiplyArg { n, x, mask, y, scale }

/** y = a + b element-wise (y may be a or b). */
export enum AddArraysArg { n, a, b, y }

/**
 * Threefry words from counter offsetHi·2³² + offsetLo; threshold > 0 turns
 * each word into a keep-mask float, −1 gives an all-zero mask (random.ts).
 */
export enum RandomArg { k0, k1, offsetLo, offsetHi, count, out, threshold }

export enum SoftmaxForwardArg { rows, len, scale, x, y }
export enum SoftmaxBackwardArg { rows, len, scale, y, g, dx }
/** rstd: rows float64s. */
export enum LayerNormForwardArg { rows, size, eps, x, w, b, y, xhat, rstd }
/** parts: each thread's float64 column sums, Σ g·x̂ then Σ g (2·size a thread). */
export enum LayerNormBackwardArg { rows, size, g, xhat, rstd, w, dx, parts }
