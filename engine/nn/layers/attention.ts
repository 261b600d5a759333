/**
 * nn.MultiheadAttention (torch 1.13's multi_head_attention_forward, kdim = vdim
 * = embed_dim, no bias_k/bias_v, no add_zero_attn):
 *   q, k, v = x_q·W_qᵀ + b_q, …  with [W_q; W_k; W_v] = in_proj_weight [3E, E]
 *   per head: A = softmax(q·kᵀ/√d + mask), d = E / num_heads
 *   A = dropout(A) (training only), out = concat_h(A·v)·out_projᵀ + out_proj.bias
 * Parameters and init as torch: in_proj_weight xavier_uniform_, in_proj_bias and
 * out_proj.bias zero, out_proj.weight as nn.Linear (U(±1/√E)).
 * `attend(q, k, v, options)` is torch's forward(query, key, value, …): it honours
 * batch_first (False: inputs (L, N, E)) and returns the output with the attention
 * weights averaged over heads (after dropout, as torch returns them). In a model
 * spec the layer is self-attention, forward(x) = attend(x, x, x), and the spec's
 * batch always comes first whatever batch_first says (batch_first only changes
 * attend's layout, and the exported module is always batch_first=True).
 * The attention-dropout mask of the last training forward is `lastNoise`
 * (shape [N, heads, L, S]); `forcedNoise` replays one (engine/nn/stochastic.ts).
 */
import { Tensor, zeros } from '../../tensor/tensor.ts';
import type { Generator } from '../../tensor/random.ts';
import { formatShape } from '../../tensor/shape.ts';
import { emptyData, keepData } from '../../tensor/storage.ts';
import { kernels } from '../../kernels/registry.ts';
import { linear } from '../../ops/matmul.ts';
import { permute, slice } from '../../ops/movement.ts';
import { Linear } from './linear.ts';
import { keepScale } from './dropout.ts';
import { checkProbability, scheduleArg, StochasticModule } from '../stochastic.ts';
import { defineLayer, LayerError } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';
import { divisor, lastDim } from '../layer-palette.ts';

export interface AttentionOptions {
  /** (N, S), torch's key_padding_mask: nonzero marks a key position to ignore (padding). */
  keyPaddingMask?: Tensor | null;
  /** (L, S) or (N·num_heads, L, S), torch's float attn_mask: added to the scores (−Infinity forbids). See `boolMask`. */
  attnMask?: Tensor | null;
  /** Forbid attending to later positions (a triu(…, 1) boolean attn_mask). */
  causal?: boolean;
  /** torch 2's name for `causal`. */
  isCausal?: boolean;
  /** Return the attention weights (torch's need_weights; default true). */
  needWeights?: boolean;
  /** Average the weights over heads (default true) or return them per head, (N, heads, L, S). */
  averageAttnWeights?: boolean;
}

export interface AttentionResult {
  output: Tensor;
  /** (N, L, S) averaged over heads, or (N, heads, L, S); null unless needWeights. */
  weights: Tensor | null;
}

/** torch's boolean attn_mask (true = may not attend) as the equivalent additive float mask. */
export function boolMask(t: Tensor): Tensor {
  return new Tensor(t.data.map((v) => (v !== 0 ? -Infinity : 0)), t.shape);
}

/**
 * softmax(scale·s + mask) over the last dimension of (N, H, L, S) scores, one
 * primitive instead of six composed ops (the attention hot spot); mask is
 * (N, 1 or H, L, S) and constant. A row masked everywhere gives NaN, as torch.
 * Backward: ds = scale · y ⊙ (g − Σⱼ gⱼyⱼ).
 */
export function attentionSoftmax(s: Tensor, scale: number, mask: Tensor | null): Tensor {
  const [N, H, L, S] = s.shape;
  const Hm = mask ? mask.shape[1] : 1;
  if (s.rank !== 4 || (mask && !(mask.rank === 4 && mask.shape[0] === N && (Hm === 1 || Hm === H) && mask.shape[2] === L && mask.shape[3] === S))) {
    throw new RangeError(`attentionSoftmax: scores ${formatShape(s.shape)} and mask ${mask ? formatShape(mask.shape) : 'none'} do not fit`);
  }
  const [x, k] = mask ? [maskedScores(s.data, N, H, L, S, scale, mask), 1] : [s.data, scale];
  const y = emptyData(s.size);
  kernels().softmaxForward(x, S, k, y);
  return Tensor.fromOp('attention_softmax', y, s.shape, [s], (g) => {
    const gs = emptyData(y.length);
    kernels().softmaxBackward(y, g, S, scale, gs);
    return [gs];
  });
}

/**
 * scale·s + mask over (N, H, L, S) scores, the mask (N, 1 or H, L, S) joining first so the kernel only normalises rows;
 * into x, which may be s.
 */
function maskedScores(s: Float32Array, N: number, H: number, L: number, S: number, scale: number, mask: Tensor, x = emptyData(s.length)): Float32Array {
  const Hm = mask.shape[1];
  const m = mask.data;
  for (let r = 0; r < N * H * L; r++) {
    const o = r * S;
    const mo = ((Math.floor(r / (H * L)) * Hm + (Hm === 1 ? 0 : Math.floor(r / L) % H)) * L + (r % L)) * S;
    for (let j = 0; j < S; j++) x[o + j] = scale * s[o + j] + m[mo + j];
  }
  return x;
}

/** One operand of attention read in place: t is [N, len, width] and head h is its columns col + h·D … col + h·D + D − 1. */
interface HeadSource {
  t: Tensor;
  col: number;
}

/**
 * Every head's softmax(q·kᵀ·scale + mask) ⊙ keep · v, reading the heads of q,
 * k and v where the projections left them ([N, len, ·] rows) and writing the
 * heads' outputs side by side into [N, L, H·D], so no head is permuted or
 * sliced out in either direction: batched GEMMs over (sample, head) with
 * leading dimensions. `keep` is the 0/1 dropout mask ([N, H, L, S]) and
 * `keepScale` its 1/(1 − p). Returns the output (on the graph) and the
 * attention weights after dropout (off it).
 * Backward: dA = dO·vᵀ, dv = Aᵀ·dO, dP = dA ⊙ keep·scale, dS = softmax's
 * backward of dP, dq = dS·k, dk = dSᵀ·q.
 */
function headAttention(q: HeadSource, k: HeadSource, v: HeadSource, H: number, D: number, scale: number, mask: Tensor | null, keep: Float32Array | null, keepScale: number): { output: Tensor; weights: Float32Array } {
  const [N, L] = q.t.shape;
  const S = k.t.shape[1];
  const E = H * D;
  const K = kernels();
  /** One matrix per (sample, head) of an array: entry (n, h) starts at offset + n·stride + h·head, rows ld apart. */
  type Heads = { data: Float32Array; offset: number; ld: number; stride: number; head: number };
  // An operand's D columns per head in its [N, len, width] rows; the [N, H, L, S] scores and weights; the [N, L, E] output.
  const rows = (r: HeadSource, data: Float32Array): Heads => ({ data, offset: r.col, ld: r.t.shape[2], stride: r.t.shape[1] * r.t.shape[2], head: D });
  const square = (data: Float32Array): Heads => ({ data, offset: 0, ld: S, stride: H * L * S, head: L * S });
  const side = (data: Float32Array): Heads => ({ data, offset: 0, ld: E, stride: L * E, head: D });
  /** c = op(a)·op(b) for every (sample, head): one batched GEMM. */
  const product = (a: Heads, transA: boolean, b: Heads, transB: boolean, c: Heads, m: number, n: number, kk: number) => K.gemmBatch({
    transA, transB, m, n, k: kk, batch: N * H, heads: H, accumulate: false,
    a: a.data, aOffset: a.offset, lda: a.ld, strideA: a.stride, headStrideA: a.head,
    b: b.data, bOffset: b.offset, ldb: b.ld, strideB: b.stride, headStrideB: b.head,
    c: c.data, cOffset: c.offset, ldc: c.ld, strideC: c.stride, headStrideC: c.head,
  });
  const scores = emptyData(N * H * L * S);
  product(rows(q, q.t.data), false, rows(k, k.t.data), true, square(scores), L, S, D);
  const y = emptyData(scores.length);
  if (mask) K.softmaxForward(maskedScores(scores, N, H, L, S, scale, mask, scores), S, 1, y);
  else K.softmaxForward(scores, S, scale, y);
  // Dropout on the weights, exactly Dropout's own mask multiply.
  let a = y;
  if (keep) {
    a = emptyData(y.length);
    K.maskMultiply(y, keep, keepScale, a);
  }
  const out = emptyData(N * L * E);
  product(square(a), false, rows(v, v.t.data), false, side(out), L, D, S);
  // One gradient array per distinct input tensor; q, k and v of a packed projection share one, each filling its own columns.
  const parents = [...new Set([q.t, k.t, v.t])];
  return {
    weights: a,
    output: Tensor.fromOp('head_attention', out, [N, L, E], parents, (g) => {
      const grads = parents.map((t) => {
        if (!t.requiresGrad) return null;
        const roles = [q, k, v].filter((r) => r.t === t).length;
        return t.shape[2] === roles * E ? emptyData(t.size) : new Float32Array(t.size);
      });
      const gradOf = (r: HeadSource) => grads[parents.indexOf(r.t)];
      const da = emptyData(a.length);
      product(side(g), false, rows(v, v.t.data), true, square(da), L, S, D);
      const gv = gradOf(v);
      if (gv) product(square(a), true, side(g), false, rows(v, gv), S, D, L);
      if (keep) K.maskMultiply(da, keep, keepScale, da);
      // The scores are dead once the forward's softmax has read them: their array takes the score gradient.
      const ds = scores;
      K.softmaxBackward(y, da, S, scale, ds);
      const gq = gradOf(q), gk = gradOf(k);
      if (gq) product(square(ds), false, rows(k, k.t.data), false, rows(q, gq), L, D, S);
      if (gk) product(square(ds), true, rows(q, q.t.data), false, rows(k, gk), S, D, L);
      return grads;
    }),
  };
}

/**
 * The mean over heads of [N, H, L·S] weights, in an ordinary array (it outlives
 * a training step): per sample, the column sums of its [H, L·S] block (float64
 * sums in head order, rounded: the same floats as mean(w, 1)) times 1/H, in a
 * kernel rather than a JavaScript pass over every weight.
 */
function headMean(w: Float32Array, N: number, H: number, LS: number): Float32Array {
  const out = new Float32Array(N * LS);
  kernels().columnSums(w, LS, out);
  for (let i = 0; i < out.length; i++) out[i] *= 1 / H;
  return out;
}

export class MultiheadAttention extends StochasticModule {
  override readonly rateName = 'dropout';
  readonly noiseKind = 'keep-mask';
  readonly noiseMeaning = 'One 0/1 value per attention weight [batch, head, query, key]: 1 kept (scaled by 1/(1−dropout)), 0 dropped.';
  readonly headDim: number;
  readonly inProjWeight: Tensor;
  readonly inProjBias: Tensor | null;
  readonly outProj: Linear;
  /**
   * Keep the head-averaged weights of every forward in `lastAttention`. Off by default: the head mean is a pass over
   * every weight that a training step would pay for nothing (need_weights callers get it from attend's result).
   */
  keepAttention = false;
  /** The head-averaged attention weights (after dropout) of the last forward that kept them, (N, L, S), for the inspector. */
  lastAttention: Tensor | null = null;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    dropout: number,
    bias: boolean,
    readonly batchFirst: boolean,
    gen: Generator,
    /** Spec forward(x) masks later positions (decoder-style self-attention). */
    public causal = false,
  ) {
    super(dropout);
    checkProbability(dropout);
    if (embedDim % numHeads !== 0) throw new RangeError(`embed_dim ${embedDim} must be divisible by num_heads ${numHeads}`);
    this.headDim = embedDim / numHeads;
    // xavier_uniform_: U(±√(6 / (fan_in + fan_out))) with fan_in = E, fan_out = 3E.
    const bound = Math.sqrt(6 / (embedDim + 3 * embedDim));
    this.inProjWeight = this.registerParameter('in_proj_weight', new Tensor(gen.uniform(3 * embedDim * embedDim, -bound, bound), [3 * embedDim, embedDim]));
    this.inProjBias = bias ? this.registerParameter('in_proj_bias', zeros([3 * embedDim])) : null;
    this.outProj = this.addModule('out_proj', new Linear(embedDim, embedDim, bias, gen)) as Linear;
    // out_proj.weight keeps nn.Linear's U(±1/√E); _reset_parameters zeroes its bias.
    if (this.outProj.bias) this.outProj.bias.data.fill(0);
  }

  forward(x: Tensor): Tensor {
    return this.attendBatchFirst(x, x, x, { causal: this.causal, needWeights: false }).output;
  }

  /** torch's forward(query, key, value, key_padding_mask, need_weights, attn_mask, average_attn_weights, is_causal). */
  attend(query: Tensor, key: Tensor, value: Tensor, options: AttentionOptions = {}): AttentionResult {
    if (this.batchFirst) return this.attendBatchFirst(query, key, value, options);
    const swap = (t: Tensor) => permute(t, [1, 0, 2]);
    const same = query === key && key === value;
    const q = swap(query);
    const r = this.attendBatchFirst(q, same ? q : swap(key), same ? q : swap(value), options);
    return { output: swap(r.output), weights: r.weights };
  }

  private attendBatchFirst(query: Tensor, key: Tensor, value: Tensor, options: AttentionOptions): AttentionResult {
    const E = this.embedDim, H = this.numHeads, D = this.headDim;
    for (const [what, t] of [['query', query], ['key', key], ['value', value]] as const) {
      if (t.rank !== 3 || t.shape[2] !== E) throw new RangeError(`MultiheadAttention(embed_dim=${E}) expects ${what} of shape (N, L, ${E}), got ${formatShape(t.shape)}`);
    }
    const [N, L] = query.shape;
    const S = key.shape[1];
    if (key.shape[0] !== N || value.shape[0] !== N || value.shape[1] !== S) throw new RangeError(`MultiheadAttention: key ${formatShape(key.shape)} and value ${formatShape(value.shape)} must share batch and length (query ${formatShape(query.shape)})`);

    let q: HeadSource, k: HeadSource, v: HeadSource;
    if (query === key && key === value) {
      // Self-attention: one packed projection, as torch's _in_projection_packed; the heads are read from it in place.
      const qkv = linear(query, this.inProjWeight, this.inProjBias);
      [q, k, v] = [0, 1, 2].map((i) => ({ t: qkv, col: i * E }));
    } else {
      const w = (i: number) => slice(this.inProjWeight, 0, i * E, (i + 1) * E);
      const b = (i: number) => (this.inProjBias ? slice(this.inProjBias, 0, i * E, (i + 1) * E) : null);
      q = { t: linear(query, w(0), b(0)), col: 0 };
      k = { t: linear(key, w(1), b(1)), col: 0 };
      v = { t: linear(value, w(2), b(2)), col: 0 };
    }
    const mask = this.additiveMask(N, L, S, options);
    let keep: Float32Array | null = null;
    if (this.training && this.p > 0) keep = this.takeKeepMask([N, H, L, S]);
    else this.noNoise();
    const attn = headAttention(q, k, v, H, D, 1 / Math.sqrt(D), mask, keep, keepScale(this.p));
    const output = this.outProj.forward(attn.output);

    // The head mean lives off the graph (and out of step memory), computed only when the caller or the inspector asks.
    const needWeights = options.needWeights ?? true;
    const perHead = options.averageAttnWeights === false;
    const mean = this.keepAttention || (needWeights && !perHead) ? new Tensor(headMean(attn.weights, N, H, L * S), [N, L, S]) : null;
    if (this.keepAttention) this.lastAttention = mean;
    let weights: Tensor | null = null;
    if (needWeights) weights = perHead ? new Tensor(keepData(attn.weights), [N, H, L, S]) : mean;
    return { output, weights };
  }

  /** Key padding, attn_mask and causal masks merged into one additive (N, 1 or H, L, S) tensor, as torch merges them. */
  private additiveMask(N: number, L: number, S: number, o: AttentionOptions): Tensor | null {
    const { keyPaddingMask: kpm, attnMask: am } = o;
    const causal = o.causal || o.isCausal;
    if (!kpm && !am && !causal) return null;
    const H = this.numHeads;
    const perHead = am != null && am.rank === 3;
    if (am != null && !((am.rank === 2 && am.shape[0] === L && am.shape[1] === S) || (am.rank === 3 && am.shape[0] === N * H && am.shape[1] === L && am.shape[2] === S))) {
      throw new RangeError(`attn_mask must be (${L}, ${S}) or (${N * H}, ${L}, ${S}), got ${formatShape(am.shape)}`);
    }
    if (kpm != null && !(kpm.rank === 2 && kpm.shape[0] === N && kpm.shape[1] === S)) throw new RangeError(`key_padding_mask must be (${N}, ${S}), got ${formatShape(kpm.shape)}`);
    const Hm = perHead ? H : 1;
    const out = new Float32Array(N * Hm * L * S);
    for (let n = 0; n < N; n++) {
      for (let h = 0; h < Hm; h++) {
        for (let i = 0; i < L; i++) {
          const row = ((n * Hm + h) * L + i) * S;
          for (let j = 0; j < S; j++) {
            let m = 0;
            if (am) m += am.data[perHead ? ((n * H + h) * L + i) * S + j : i * S + j];
            if (causal && j > i) m = -Infinity;
            if (kpm && kpm.data[n * S + j] !== 0) m = -Infinity;
            out[row + j] = m;
          }
        }
      }
    }
    return new Tensor(out, [N, Hm, L, S]);
  }

  override extraRepr(): string {
    return `embed_dim=${this.embedDim}, num_heads=${this.numHeads}, dropout=${this.p}, bias=${this.inProjBias !== null}${this.causal ? ', causal=True' : ''}`;
  }
}

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
}

/** Shared check for layers that attend over a (L, E) sequence. */
export function checkAttentionInput(input: { shape: number[] }, embedDim: number, numHeads: number, dimName: string, headsName: string): void {
  if (embedDim % numHeads !== 0) throw new LayerError(`has ${dimName} ${embedDim}, which is not divisible by ${headsName} ${numHeads}`, `choose ${headsName} among ${divisors(embedDim).join(', ')}`);
  if (input.shape.length !== 2) throw new LayerError(`expects a sequence input [length, ${dimName}] but receives ${formatShape(input.shape)}`, 'put it after an Embedding (and a positional layer)');
  if (input.shape[1] !== embedDim) throw new LayerError(`expects ${dimName} ${embedDim} but receives ${input.shape[1]} features per position`, `set ${dimName} to ${input.shape[1]}`);
}

/**
 * ONNX: self-attention over (N, L, E) as the engine's MultiheadAttention: one packed
 * projection, per head softmax(q/√d · kᵀ + causal mask) · v, then out_proj.
 */
export function selfAttentionOnnx(c: onnx.OnnxLayerContext, x: string, sub: string, E: number, H: number, causal: boolean): string {
  const g = c.g;
  const L = c.input.shape[0];
  const D = E / H;
  const at = `${c.name}${sub ? `.${sub.slice(0, -1)}` : ''}`;
  const w = onnx.init(c, `${sub}in_proj_weight`) as string;
  const b = onnx.init(c, `${sub}in_proj_bias`);
  let qkv = g.node('MatMul', [x, g.node('Transpose', [w], `${at}/in_proj/Transpose`, { perm: [1, 0] })], `${at}/in_proj/MatMul`);
  if (b) qkv = g.node('Add', [qkv, b], `${at}/in_proj/Add`);
  // (N, L, 3E) → (3, N, H, L, D)
  const split = g.node('Transpose', [onnx.reshapeTo(g, qkv, [L, 3, H, D], `${at}/heads`)], `${at}/heads/Transpose`, { perm: [2, 0, 3, 1, 4] });
  const part = (i: number, n: string) => g.node('Gather', [split, g.ints(`${at}/${n}_index`, [i])], `${at}/${n}`, { axis: 0 });
  const squeeze = (t: string, n: string) => g.node('Squeeze', [t, g.ints(`${at}/${n}_axes`, [0])], `${at}/${n}_squeeze`);
  const q = squeeze(part(0, 'q'), 'q');
  const k = squeeze(part(1, 'k'), 'k');
  const v = squeeze(part(2, 'v'), 'v');
  const qs = g.node('Mul', [q, g.floats(`${at}/scale`, [], [1 / Math.sqrt(D)])], `${at}/q_scaled`);
  let scores = g.node('MatMul', [qs, g.node('Transpose', [k], `${at}/k_t`, { perm: [0, 1, 3, 2] })], `${at}/scores`);
  if (causal) {
    const mask = new Float32Array(L * L);
    for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) mask[i * L + j] = -Infinity;
    scores = g.node('Add', [scores, g.floats(`${at}/causal_mask`, [L, L], mask)], `${at}/masked`);
  }
  const attn = g.node('Softmax', [scores], `${at}/Softmax`, { axis: -1 });
  const ctx = g.node('Transpose', [g.node('MatMul', [attn, v], `${at}/context`)], `${at}/context/Transpose`, { perm: [0, 2, 1, 3] });
  return onnx.linear(c, onnx.reshapeTo(g, ctx, [L, E], `${at}/merge`), `${sub}out_proj.`, 2);
}

export const MultiheadAttentionLayer = defineLayer({
  kind: 'MultiheadAttention',
  category: 'Attention & sequence',
  traits: { stochastic: { rate: 'dropout' } }, // attention-weight dropout; it lowers to its own ONNX graph
  description: 'Self-attention: every position mixes information from all positions, in several heads.',
  descriptionZh: '自注意力：每个位置融合来自所有位置的信息，分多个头进行。',
  args: [
    { name: 'embed_dim', type: 'int', min: 1, doc: 'Size of each position vector E.', docZh: '每个位置向量的维度 E。' },
    { name: 'num_heads', type: 'int', min: 1, doc: 'Number of heads (divides embed_dim).', docZh: '头数（须整除 embed_dim）。' },
    { name: 'dropout', type: 'float', default: 0, min: 0, max: 1, doc: 'Dropout on the attention weights while training.', docZh: '训练时对注意力权重施加的 Dropout。' },
    { name: 'bias', type: 'bool', default: true, doc: 'Learn biases in the input and output projections.', docZh: '在输入投影和输出投影中学习偏置。' },
    { name: 'batch_first', type: 'bool', default: true, doc: "Layout of attend()'s inputs; in a model the batch always comes first.", docZh: 'attend() 输入的布局；在模型中批次维度总是在最前面。' },
    { name: 'causal', type: 'bool', default: false, doc: 'Each position attends only to itself and earlier ones.', docZh: '每个位置只关注自身及之前的位置（因果掩码）。' },
    scheduleArg(),
  ],
  nameBase: 'attn',
  insertDefaults: (s) => ({ embed_dim: lastDim(s), num_heads: divisor(lastDim(s)) }),
  summary: (v) => `E = ${v.embed_dim}, h = ${v.num_heads}${v.causal ? ', causal' : ''}`,
  infer(a, input) {
    checkAttentionInput(input, a.int('embed_dim'), a.int('num_heads'), 'embed_dim', 'num_heads');
    return { shape: [...input.shape] };
  },
  paramShapes(a): Record<string, number[]> {
    const E = a.int('embed_dim');
    return a.bool('bias') ? { in_proj_weight: [3 * E, E], in_proj_bias: [3 * E], 'out_proj.weight': [E, E], 'out_proj.bias': [E] } : { in_proj_weight: [3 * E, E], 'out_proj.weight': [E, E] };
  },
  build: (a, _input, gen) =>
    Object.assign(new MultiheadAttention(a.int('embed_dim'), a.int('num_heads'), a.float('dropout'), a.bool('bias'), a.bool('batch_first'), gen, a.bool('causal')), { schedule: a.schedule('schedule') }),
  onnx: (c, x) => selfAttentionOnnx(c, x, '', c.args.int('embed_dim'), c.args.int('num_heads'), c.args.bool('causal')),
  torch: (a) =>
    `SelfAttention(${a.int('embed_dim')}, ${a.int('num_heads')}${a.float('dropout') ? `, dropout=${a.float('dropout')}` : ''}${a.bool('bias') ? '' : ', bias=False'}${a.bool('causal') ? ', causal=True' : ''})`,
  torchSource: `class SelfAttention(nn.MultiheadAttention):
    """nn.MultiheadAttention as a Sequential layer: forward(x) = attn(x, x, x)[0], batch first."""

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, causal=False):
        super().__init__(embed_dim, num_heads, dropout=dropout, bias=bias, batch_first=True)
        self.causal = causal

    def forward(self, x):
        mask = None
        if self.causal:
            L = x.shape[1]
            mask = torch.triu(torch.ones(L, L, dtype=torch.bool, device=x.device), 1)
        return super().forward(x, x, x, attn_mask=mask, need_weights=False)[0]
`,
});
