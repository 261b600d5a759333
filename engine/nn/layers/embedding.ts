/**
 * Token and position embeddings.
 * - Embedding(num_embeddings, embedding_dim, padding_idx) as nn.Embedding: the
 *   input holds integer token ids (stored as floats: every tensor here is
 *   float32); out = weight[ids]. Init N(0, 1); the padding_idx row starts at
 *   zero and never receives a gradient, as torch.
 * - LearnedPositionalEmbedding(max_len, embedding_dim): x[n, l] + weight[l] for
 *   the first L positions of an (N, L, E) input; weight is a learned
 *   [max_len, E] table initialised N(0, 1) like nn.Embedding (not in torch: its
 *   Python source is `torchSource`).
 * - SinusoidalPositionalEncoding(d_model, max_len): x + pe[:L] with the fixed
 *   table of "Attention Is All You Need" (the PyTorch tutorial's
 *   PositionalEncoding). pe is recomputed from the arguments, so it is not in
 *   the state_dict (torch: register_buffer(..., persistent=False)).
 * The positional layers take an optional `dropout` applied after the sum (the
 * article's dropout on token + positional embeddings); it is a child Dropout
 * named `dropout`, so its mask is inspectable like any other.
 */
import { Tensor } from '../../tensor/tensor.ts';
import type { Generator } from '../../tensor/random.ts';
import { formatShape } from '../../tensor/shape.ts';
import { add } from '../../ops/elementwise.ts';
import { slice } from '../../ops/movement.ts';
import { normalInit } from '../init.ts';
import { Module } from '../module.ts';
import { defineLayer, LayerError, type ArgSpec, type ShapeInfo } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';
import { firstDim, lastDim } from '../layer-palette.ts';
import { Dropout } from './dropout.ts';

/** Checks that every value is an integer id in [0, n) and returns them; the message says which one is wrong. */
export function tokenIds(x: Tensor, n: number, what = 'Embedding'): Int32Array {
  const ids = new Int32Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const v = x.data[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new RangeError(`${what} expects integer token ids in [0, ${n - 1}] but element ${i} of the input (shape ${formatShape(x.shape)}) is ${v}; feed token ids, or raise num_embeddings to cover them`);
    }
    ids[i] = v;
  }
  return ids;
}

export class Embedding extends Module {
  readonly weight: Tensor;
  /** torch's normalised padding index (a negative one counts from the end), or null. */
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, paddingIdx: number | null, gen: Generator) {
    super();
    if (paddingIdx !== null && (paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)) throw new RangeError('padding_idx must be within num_embeddings');
    this.paddingIdx = paddingIdx === null ? null : paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
    this.weight = this.registerParameter('weight', normalInit([numEmbeddings, embeddingDim], gen));
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
  }

  /** weight[ids] with shape [...x.shape, E]; the backward scatter-adds rows, skipping padding_idx (torch's embedding_backward). */
  forward(x: Tensor): Tensor {
    const E = this.embeddingDim;
    const ids = tokenIds(x, this.numEmbeddings);
    const w = this.weight;
    const out = new Float32Array(ids.length * E);
    for (let i = 0; i < ids.length; i++) out.set(w.data.subarray(ids[i] * E, (ids[i] + 1) * E), i * E);
    const pad = this.paddingIdx;
    return Tensor.fromOp('embedding', out, [...x.shape, E], [w], (g) => {
      const gw = new Float32Array(w.size);
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] === pad) continue;
        const dst = ids[i] * E;
        for (let j = 0; j < E; j++) gw[dst + j] += g[i * E + j];
      }
      return [gw];
    });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}

/** The positional layers' shared input check: (L, E) per sample with L ≤ max_len. */
function checkSequence(input: ShapeInfo, maxLen: number, dim: number, dimName: string): void {
  if (input.shape.length !== 2) throw new LayerError(`expects a sequence input [length, ${dimName}] but receives ${formatShape(input.shape)}`, 'put it after an Embedding');
  const [L, E] = input.shape;
  if (E !== dim) throw new LayerError(`expects ${dimName} ${dim} but receives ${E}`, `set ${dimName} to ${E}`);
  if (L > maxLen) throw new LayerError(`has max_len ${maxLen} but the sequence is ${L} long`, `set max_len to at least ${L}`);
}

abstract class PositionalBase extends Module {
  protected readonly drop: Dropout | null;

  constructor(readonly maxLen: number, readonly dim: number, dropout: number) {
    super();
    this.drop = dropout > 0 ? (this.addModule('dropout', new Dropout(dropout)) as Dropout) : null;
  }

  protected abstract table(L: number): Tensor;

  forward(x: Tensor): Tensor {
    const L = x.shape[x.rank - 2];
    if (x.rank < 2 || x.shape[x.rank - 1] !== this.dim || L > this.maxLen) {
      throw new RangeError(`${this.constructor.name}(max_len=${this.maxLen}, dim=${this.dim}) got input of shape ${formatShape(x.shape)}; expected (N, L ≤ ${this.maxLen}, ${this.dim})`);
    }
    const y = add(x, this.table(L));
    return this.drop ? this.drop.forward(y) : y;
  }
}

export class LearnedPositionalEmbedding extends PositionalBase {
  readonly weight: Tensor;

  constructor(maxLen: number, embeddingDim: number, dropout: number, gen: Generator) {
    super(maxLen, embeddingDim, dropout);
    this.weight = this.registerParameter('weight', normalInit([maxLen, embeddingDim], gen));
  }

  protected table(L: number): Tensor {
    return L === this.maxLen ? this.weight : slice(this.weight, 0, 0, L);
  }

  override extraRepr(): string {
    return `max_len=${this.maxLen}, embedding_dim=${this.dim}`;
  }
}

/**
 * pe[pos, 2i] = sin(pos·ω_i), pe[pos, 2i+1] = cos(pos·ω_i), ω_i = exp(2i·(−ln 10000 / d)),
 * rounded to float32 at each step as the PyTorch tutorial's float32 computation does.
 */
export function sinusoidalTable(maxLen: number, d: number): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(maxLen * d);
  const c = f(-Math.log(10000) / d);
  for (let i = 0; 2 * i < d; i++) {
    const w = f(Math.exp(f(2 * i * c)));
    for (let pos = 0; pos < maxLen; pos++) {
      const a = f(pos * w);
      out[pos * d + 2 * i] = Math.sin(a);
      if (2 * i + 1 < d) out[pos * d + 2 * i + 1] = Math.cos(a);
    }
  }
  return out;
}

export class SinusoidalPositionalEncoding extends PositionalBase {
  /** Not a registered buffer: it is a function of the arguments and stays out of the state_dict. */
  readonly pe: Tensor;

  constructor(dModel: number, maxLen: number, dropout: number) {
    super(maxLen, dModel, dropout);
    this.pe = new Tensor(sinusoidalTable(maxLen, dModel), [maxLen, dModel]);
  }

  protected table(L: number): Tensor {
    return L === this.maxLen ? this.pe : slice(this.pe, 0, 0, L);
  }

  override extraRepr(): string {
    return `d_model=${this.dim}, max_len=${this.maxLen}`;
  }
}

const dropoutArg: ArgSpec = { name: 'dropout', type: 'float', default: 0, min: 0, max: 1, doc: 'Dropout on the sum (token + position), applied while training; 0 for none.', docZh: '训练时对两者之和（词元 + 位置）施加的 Dropout；0 表示不使用。' };

export const EmbeddingLayer = defineLayer({
  kind: 'Embedding',
  category: 'Attention & sequence',
  description: 'Looks up a learned vector for each integer token id: [length] ids → [length, embedding_dim].',
  descriptionZh: '为每个整数词元 id 查出一个可学习的向量：[length] 个 id → [length, embedding_dim]。',
  args: [
    { name: 'num_embeddings', type: 'int', min: 1, doc: 'Vocabulary size: ids run from 0 to num_embeddings − 1.', docZh: '词表大小：id 的取值范围为 0 到 num_embeddings − 1。' },
    { name: 'embedding_dim', type: 'int', min: 1, doc: 'Size of each embedding vector.', docZh: '每个嵌入向量的维度。' },
    { name: 'padding_idx', type: 'int?', default: null, doc: 'A token id whose vector stays zero and gets no gradient (padding), or null.', docZh: '一个词元 id，其向量始终为零且不接收梯度（用于填充）；或 null。' },
  ],
  nameBase: 'embed',
  insertDefaults: () => ({ num_embeddings: 16, embedding_dim: 32 }),
  summary: (v) => `${v.num_embeddings} → ${v.embedding_dim}`,
  infer(a, input) {
    const n = a.int('num_embeddings');
    const p = a.optionalNum('padding_idx');
    if (p !== null && (p >= n || p < -n)) throw new LayerError(`has padding_idx ${p} outside the vocabulary of ${n} ids`, `use a padding_idx between 0 and ${n - 1}`);
    return { shape: [...input.shape, a.int('embedding_dim')] };
  },
  paramShapes: (a) => ({ weight: [a.int('num_embeddings'), a.int('embedding_dim')] }),
  build: (a, _input, gen) => new Embedding(a.int('num_embeddings'), a.int('embedding_dim'), a.optionalNum('padding_idx'), gen),
  onnx: (c, x) => c.g.node('Gather', [onnx.init(c, 'weight') as string, c.g.node('Cast', [x], `${c.name}/Cast`, { to: 7 })], `${c.name}/Gather`, { axis: 0 }),
  torch: (a) => `nn.Embedding(${a.int('num_embeddings')}, ${a.int('embedding_dim')}${a.optionalNum('padding_idx') !== null ? `, padding_idx=${a.optionalNum('padding_idx')}` : ''})`,
});

export const LearnedPositionalEmbeddingLayer = defineLayer({
  kind: 'LearnedPositionalEmbedding',
  category: 'Attention & sequence',
  description: 'Adds a learned vector per position (BERT/GPT style) to a [length, embedding_dim] sequence.',
  descriptionZh: '给 [length, embedding_dim] 序列的每个位置加上一个可学习的向量（BERT/GPT 风格）。',
  args: [
    { name: 'max_len', type: 'int', min: 1, doc: 'Longest sequence the table covers.', docZh: '位置表能覆盖的最大序列长度。' },
    { name: 'embedding_dim', type: 'int', min: 1, doc: 'Size of each position vector (the embedding size).', docZh: '每个位置向量的维度（即嵌入维度）。' },
    dropoutArg,
  ],
  nameBase: 'pos',
  insertDefaults: (s) => ({ max_len: firstDim(s, 512, 2), embedding_dim: lastDim(s) }),
  summary: (v) => `${v.max_len} × ${v.embedding_dim}`,
  infer(a, input) {
    checkSequence(input, a.int('max_len'), a.int('embedding_dim'), 'embedding_dim');
    return { shape: [...input.shape] };
  },
  paramShapes: (a) => ({ weight: [a.int('max_len'), a.int('embedding_dim')] }),
  build: (a, _input, gen) => new LearnedPositionalEmbedding(a.int('max_len'), a.int('embedding_dim'), a.float('dropout'), gen),
  // x + weight[:L]
  onnx: (c, x) => {
    const L = c.input.shape[0];
    const rows = c.g.node('Slice', [onnx.init(c, 'weight') as string, c.g.ints(`${c.name}/starts`, [0]), c.g.ints(`${c.name}/ends`, [L]), c.g.ints(`${c.name}/axes`, [0])], `${c.name}/Slice`);
    return c.g.node('Add', [x, rows], `${c.name}/Add`);
  },
  torch: (a) => `LearnedPositionalEmbedding(${a.int('max_len')}, ${a.int('embedding_dim')}${a.float('dropout') ? `, dropout=${a.float('dropout')}` : ''})`,
  torchSource: `class LearnedPositionalEmbedding(nn.Module):
    """x + weight[:L] over (N, L, E), then dropout; weight ~ N(0, 1) as nn.Embedding."""

    def __init__(self, max_len, embedding_dim, dropout=0.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(max_len, embedding_dim))
        if dropout > 0:
            self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = x + self.weight[: x.shape[1]]
        return self.dropout(x) if hasattr(self, "dropout") else x
`,
});

export const SinusoidalPositionalEncodingLayer = defineLayer({
  kind: 'SinusoidalPositionalEncoding',
  category: 'Attention & sequence',
  description: 'Adds the fixed sin/cos position signal of the original Transformer; nothing to learn.',
  descriptionZh: '加上原始 Transformer 中固定的 sin/cos 位置信号；没有可学习的参数。',
  args: [
    { name: 'd_model', type: 'int', min: 1, doc: 'The embedding size.', docZh: '嵌入维度。' },
    { name: 'max_len', type: 'int', default: 5000, min: 1, doc: 'Longest sequence the table covers.', docZh: '位置表能覆盖的最大序列长度。' },
    dropoutArg,
  ],
  nameBase: 'pos',
  insertDefaults: (s) => ({ d_model: lastDim(s) }),
  summary: (v) => `d = ${v.d_model}`,
  infer(a, input) {
    checkSequence(input, a.int('max_len'), a.int('d_model'), 'd_model');
    return { shape: [...input.shape] };
  },
  paramShapes: () => ({}),
  build: (a) => new SinusoidalPositionalEncoding(a.int('d_model'), a.int('max_len'), a.float('dropout')),
  onnx: (c, x) => {
    const d = c.args.int('d_model');
    const L = c.input.shape[0];
    return c.g.node('Add', [x, c.g.floats(`${c.name}.pe`, [L, d], sinusoidalTable(L, d))], `${c.name}/Add`);
  },
  torch: (a) => `SinusoidalPositionalEncoding(${a.int('d_model')}, max_len=${a.int('max_len')}${a.float('dropout') ? `, dropout=${a.float('dropout')}` : ''})`,
  torchSource: `class SinusoidalPositionalEncoding(nn.Module):
    """x + pe[:L] over (N, L, E) (the PyTorch tutorial's table), then dropout; pe is not saved."""

    def __init__(self, d_model, max_len=5000, dropout=0.0):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term[: d_model // 2])
        self.register_buffer("pe", pe, persistent=False)
        if dropout > 0:
            self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = x + self.pe[: x.shape[1]]
        return self.dropout(x) if hasattr(self, "dropout") else x
`,
});
