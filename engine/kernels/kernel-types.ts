/**
 * The named hot kernels every backend provides. Ops call these by name through
 * `kernels()`; a faster backend (e.g. WebAssembly) replaces entries without
 * touching the ops. All arrays are row-major float32.
 */

/** C[M,N] = op(A) · op(B) (+ C when accumulate); op(X) is X or Xᵀ; lda etc. are implied by the shapes. */
export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  aOffset: number;
  b: Float32Array;
  bOffset: number;
  c: Float32Array;
  cOffset: number;
  accumulate: boolean;
  /** Added to every row of the product (length n): nn.Linear's bias without a separate pass. */
  bias?: Float32Array | null;
  /** Row strides of A, B and C as stored, when they are not the shapes' own (a matrix inside a wider one, e.g. one head's columns). */
  lda?: number;
  ldb?: number;
  ldc?: number;
}

/**
 * `batch` independent products; entry i reads a at aOffset + i·strideA (etc.).
 * With `heads`, entries form [batch / heads, heads] and entry i reads a at
 * aOffset + ⌊i / heads⌋·strideA + (i mod heads)·headStrideA: attention heads
 * read in place from [N, L, H·D] rows. Outputs must not overlap.
 */
export interface GemmBatchArgs extends GemmArgs {
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
  heads?: number;
  headStrideA?: number;
  headStrideB?: number;
  headStrideC?: number;
}

export interface Conv2dGeometry {
  batch: number;
  inChannels: number;
  inH: number;
  inW: number;
  outChannels: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}

export interface Pool2dGeometry {
  batch: number;
  channels: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
}

/** A backend's scoped allocator for step memory (tensor/storage.ts): stack discipline, released by mark. */
export interface StepMemory {
  /** n float32s, zeroed when `zero`, else with whatever the last step left. */
  alloc(n: number, zero: boolean): Float32Array;
  mark(): number;
  release(mark: number): void;
  /** Whether the array lives in this memory. */
  owns(a: ArrayBufferView): boolean;
  /** A long-lived copy of data in this memory, outside any scope, until `unpin`. */
  pin(data: Float32Array): Float32Array;
  unpin(a: Float32Array): void;
}

/** One step of SGD with momentum: its hyperparameters; `first` makes the buffer the step's gradient (torch's first step). */
export interface SgdMomentumStep {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  first: boolean;
}

/** One Adam step's scalars: the hyperparameters, and the bias corrections of step t (stepSize = lr/(1 − β₁ᵗ), bc2Sqrt = √(1 − β₂ᵗ)). */
export interface AdamStep {
  lr: number;
  weightDecay: number;
  /** AdamW: w ← w·(1 − lr·weightDecay) instead of adding weightDecay·w to the gradient. */
  decoupled: boolean;
  b1: number;
  b2: number;
  eps: number;
  stepSize: number;
  bc2Sqrt: number;
}

export interface Kernels {
  readonly name: string;
  /** Memory of the backend's own that ops may put tensors in for one training step (see tensor/storage.ts). */
  readonly stepMemory?: StepMemory;
  gemm(args: GemmArgs): void;
  /** Many small products in one call (attention heads): one copy and one dispatch instead of one per entry. */
  gemmBatch(args: GemmBatchArgs): void;
  /** out[N,Cout,Ho,Wo] = conv(x, w) (+ bias per channel when given). */
  conv2dForward(g: Conv2dGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array): void;
  /** dx[N,Cin,H,W] from dy and w (overwrites dx). */
  conv2dBackwardInput(g: Conv2dGeometry, dy: Float32Array, w: Float32Array, dx: Float32Array): void;
  /** dw[Cout,Cin/groups,kH,kW] from dy and x (overwrites dw); also the bias gradient db[Cout] = Σ dy over samples and positions when db is given. */
  conv2dBackwardWeight(g: Conv2dGeometry, dy: Float32Array, x: Float32Array, dw: Float32Array, db: Float32Array | null): void;
  /**
   * Max pooling; argmax receives, per output, the flat index inside its input plane (-1 if the window is all padding).
   * With relu, max pooling of relu(x) in the same pass, and argmax -1 where that max is 0: the index of an input
   * ReLU would give no gradient, so the backward is unchanged.
   */
  maxPool2dForward(g: Pool2dGeometry, x: Float32Array, out: Float32Array, argmax: Int32Array, relu?: boolean): void;
  maxPool2dBackward(g: Pool2dGeometry, dy: Float32Array, argmax: Int32Array, dx: Float32Array): void;
  /** y = x where x > 0, else 0 (NaN gives 0). */
  reluForward(x: Float32Array, y: Float32Array): void;
  /** dx = dy where x > 0, else 0. */
  reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  /** Per row of `len` contiguous values: y = softmax(scale·x), shifted by the row's max; a NaN anywhere in a row gives a NaN row. */
  softmaxForward(x: Float32Array, len: number, scale: number, y: Float32Array): void;
  /** Its gradient per row: dx = scale·y ⊙ (g − Σⱼ gⱼyⱼ). */
  softmaxBackward(y: Float32Array, g: Float32Array, len: number, scale: number, dx: Float32Array): void;
  /** LayerNorm per row of `size`: x̂ = (x − μ)·rstd with rstd = 1/√(σ² + eps) (biased σ²), y = x̂·w + b. */
  layerNormForward(x: Float32Array, size: number, w: Float32Array, b: Float32Array, eps: number, y: Float32Array, xhat: Float32Array, rstd: Float64Array): void;
  /** Its gradients: dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))·rstd with ĝ = g·w; dw = Σ g·x̂ and db = Σ g over rows. Null outputs are skipped. */
  layerNormBackward(g: Float32Array, xhat: Float32Array, rstd: Float64Array, w: Float32Array, size: number, dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null): void;
  /**
   * out[b, j] = Σ over rows of x[b, row, j] for x stored [blocks, rows, cols] with blocks = out.length / cols, summed in
   * float64 in row order (one block: a bias gradient; a block per outer index: a sum over a middle axis).
   */
  columnSums(x: Float32Array, cols: number, out: Float32Array): void;
  /** Plain SGD in place: w ← w − lr·(g + weightDecay·w). */
  sgdUpdate(w: Float32Array, g: Float32Array, lr: number, weightDecay: number): void;
  /** SGD with momentum in place on w and its momentum buffer: torch.optim.SGD's update, in float64 between float32 values. */
  sgdMomentumUpdate(w: Float32Array, g: Float32Array, buf: Float32Array, s: SgdMomentumStep): void;
  /** One Adam (AdamW when decoupled) step in place on w, m, v and, for AMSGrad, vmax: torch.optim.Adam's update, in float64 between float32 values. */
  adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vmax: Float32Array | null, s: AdamStep): void;
  /** A Bernoulli(keepProb) keep-mask of 0/1 floats from the same words as randomBits: out[i] = 1 where (word i >>> 8)·2⁻²⁴ < keepProb. */
  randomMask(k0: number, k1: number, offset: number, keepProb: number, out: Float32Array): void;
  /** y = x·(mask·scale) element-wise (a dropout keep-mask and its 1/(1−p)); y may be x. */
  maskMultiply(x: Float32Array, mask: Float32Array, scale: number, y: Float32Array): void;
  /** y = a + b element-wise in float32; y may be a or b (in-place accumulation). */
  addArrays(a: Float32Array, b: Float32Array, y: Float32Array): void;
  /** Random words, bit-exact with tensor/threefry.ts: out[2i], out[2i + 1] = Threefry-2x32-20(k0, k1; counter offset + i). */
  randomBits(k0: number, k1: number, offset: number, out: Uint32Array): void;
}
