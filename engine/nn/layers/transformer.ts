/**
 * TransformerEncoderBlock = torch.nn.TransformerEncoderLayer(d_model, nhead,
 * dim_feedforward, dropout, activation, layer_norm_eps, batch_first=True,
 * norm_first), with torch's submodules and state_dict names:
 *   self_attn (MultiheadAttention), linear1, dropout, linear2, norm1, norm2,
 *   dropout1, dropout2.
 *   post-norm (norm_first false, the article's block):
 *     x = norm1(x + dropout1(self_attn(x, x, x)))
 *     x = norm2(x + dropout2(linear2(dropout(activation(linear1(x))))))
 *   pre-norm (norm_first true):
 *     x = x + dropout1(self_attn(norm1(x)));  x = x + dropout2(FFN(norm2(x)))
 * torch has one `dropout` for all four places; the lab sets them apart, as the
 * article lists them, each defaulting to `dropout`: attn_dropout (attention
 * weights, self_attn's dropout), dropout1 (attention output), ffn_dropout (the
 * FFN's inner activation, torch's `dropout` module), dropout2 (FFN output).
 * With all four unset the export is plain nn.TransformerEncoderLayer.
 */
import type { Tensor } from '../../tensor/tensor.ts';
import type { Generator } from '../../tensor/random.ts';
import { add, relu } from '../../ops/elementwise.ts';
import { gelu } from '../../ops/activations.ts';
import { Module } from '../module.ts';
import { defineLayer, type Args } from '../layer-def.ts';
import * as onnx from '../../export/onnx/layers.ts';
import { divisor, lastDim } from '../layer-palette.ts';
import { Linear } from './linear.ts';
import { Dropout } from './dropout.ts';
import { LayerNorm } from './layer-norm.ts';
import { checkAttentionInput, MultiheadAttention, selfAttentionOnnx, type AttentionOptions } from './attention.ts';

export interface EncoderDropouts {
  attn: number;
  attnOutput: number;
  ffn: number;
  ffnOutput: number;
}

export interface EncoderOptions {
  dModel: number;
  nhead: number;
  dimFeedforward: number;
  dropouts: EncoderDropouts;
  activation: 'relu' | 'gelu';
  layerNormEps: number;
  normFirst: boolean;
  causal?: boolean;
}

export class TransformerEncoderBlock extends Module {
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;

  constructor(readonly o: EncoderOptions, gen: Generator) {
    super();
    const E = o.dModel;
    // Registration order is torch's, so state_dict order matches too.
    this.selfAttn = this.addModule('self_attn', new MultiheadAttention(E, o.nhead, o.dropouts.attn, true, true, gen)) as MultiheadAttention;
    this.linear1 = this.addModule('linear1', new Linear(E, o.dimFeedforward, true, gen)) as Linear;
    this.dropout = this.addModule('dropout', new Dropout(o.dropouts.ffn)) as Dropout;
    this.linear2 = this.addModule('linear2', new Linear(o.dimFeedforward, E, true, gen)) as Linear;
    this.norm1 = this.addModule('norm1', new LayerNorm([E], o.layerNormEps)) as LayerNorm;
    this.norm2 = this.addModule('norm2', new LayerNorm([E], o.layerNormEps)) as LayerNorm;
    this.dropout1 = this.addModule('dropout1', new Dropout(o.dropouts.attnOutput)) as Dropout;
    this.dropout2 = this.addModule('dropout2', new Dropout(o.dropouts.ffnOutput)) as Dropout;
  }

  forward(x: Tensor): Tensor {
    return this.encode(x, { causal: this.o.causal });
  }

  /** torch's forward(src, src_mask, src_key_padding_mask, is_causal), batch first. */
  encode(x: Tensor, masks: Pick<AttentionOptions, 'attnMask' | 'keyPaddingMask' | 'causal'> = {}): Tensor {
    const sa = (h: Tensor) => this.dropout1.forward(this.selfAttn.attend(h, h, h, { ...masks, needWeights: false }).output);
    const act = this.o.activation === 'gelu' ? gelu : relu;
    const ff = (h: Tensor) => this.dropout2.forward(this.linear2.forward(this.dropout.forward(act(this.linear1.forward(h)))));
    if (this.o.normFirst) {
      const h = add(x, sa(this.norm1.forward(x)));
      return add(h, ff(this.norm2.forward(h)));
    }
    const h = this.norm1.forward(add(x, sa(x)));
    return this.norm2.forward(add(h, ff(h)));
  }

  override extraRepr(): string {
    const o = this.o;
    return `d_model=${o.dModel}, nhead=${o.nhead}, dim_feedforward=${o.dimFeedforward}, activation=${o.activation}, norm_first=${o.normFirst}`;
  }
}

function dropoutsOf(a: Args): EncoderDropouts {
  const base = a.float('dropout');
  const pick = (name: string) => a.optionalNum(name) ?? base;
  return { attn: pick('attn_dropout'), attnOutput: pick('dropout1'), ffn: pick('ffn_dropout'), ffnOutput: pick('dropout2') };
}

const separate = (name: string, where: string, whereZh: string) => ({
  name, type: 'float?' as const, default: null, min: 0, max: 1,
  doc: `Dropout on ${where}; null means the same as dropout.`,
  docZh: `${whereZh}施加的 Dropout；null 表示与 dropout 相同。`,
});

/** ONNX: the block's sublayers from the shared pieces, post-norm or pre-norm as norm_first says. */
function encoderBlockOnnx(c: onnx.OnnxLayerContext, x: string): string {
  const a = c.args;
  const E = a.int('d_model');
  const eps = a.float('layer_norm_eps');
  const sa = (h: string) => selfAttentionOnnx(c, h, 'self_attn.', E, a.int('nhead'), a.bool('causal'));
  const ff = (h: string) => {
    const inner = onnx.linear(c, h, 'linear1.', 2);
    const act = a.str('activation') === 'gelu' ? onnx.gelu({ ...c, name: `${c.name}.activation` }, inner, false) : c.g.node('Relu', [inner], `${c.name}.activation/Relu`);
    return onnx.linear(c, act, 'linear2.', 2);
  };
  const norm = (h: string, n: 1 | 2) => onnx.layerNormOver(c, h, [E], eps, `norm${n}.`);
  const add = (p: string, q: string, n: string) => c.g.node('Add', [p, q], `${c.name}/${n}`);
  if (a.bool('norm_first')) {
    const h = add(x, sa(norm(x, 1)), 'residual1');
    return add(h, ff(norm(h, 2)), 'residual2');
  }
  const h = norm(add(x, sa(x), 'residual1'), 1);
  return norm(add(h, ff(h), 'residual2'), 2);
}

export const TransformerEncoderBlockLayer = defineLayer({
  kind: 'TransformerEncoderBlock',
  category: 'Attention & sequence',
  description: 'A Transformer encoder layer: self-attention and a feed-forward network, each with a residual connection and LayerNorm.',
  descriptionZh: 'Transformer 编码器层：自注意力和前馈网络，各自带有残差连接和 LayerNorm。',
  args: [
    { name: 'd_model', type: 'int', min: 1, doc: 'Size of each position vector E.', docZh: '每个位置向量的维度 E。' },
    { name: 'nhead', type: 'int', min: 1, doc: 'Number of attention heads (divides d_model).', docZh: '注意力头数（须整除 d_model）。' },
    { name: 'dim_feedforward', type: 'int', default: 2048, min: 1, doc: 'Hidden size of the feed-forward network (often 4·d_model).', docZh: '前馈网络的隐藏层维度（通常为 4·d_model）。' },
    { name: 'dropout', type: 'float', default: 0.1, min: 0, max: 1, doc: 'Dropout everywhere in the block unless set separately below.', docZh: '块内各处使用的 Dropout 比率，除非在下面单独设置。' },
    { name: 'activation', type: 'enum', default: 'relu', options: ['relu', 'gelu'], doc: 'Activation inside the feed-forward network.', docZh: '前馈网络中的激活函数。' },
    { name: 'layer_norm_eps', type: 'float', default: 1e-5, min: 0, doc: 'eps of both LayerNorms.', docZh: '两个 LayerNorm 的 eps。' },
    { name: 'norm_first', type: 'bool', default: false, doc: 'Pre-norm (LayerNorm before each sublayer) instead of the original post-norm.', docZh: '使用 Pre-Norm（在每个子层之前做 LayerNorm），而不是原始的 Post-Norm。' },
    separate('attn_dropout', 'the attention weights', '对注意力权重'),
    separate('dropout1', 'the attention output, before the residual add', '在残差相加之前对注意力输出'),
    separate('ffn_dropout', 'the feed-forward hidden activation', '对前馈网络隐藏层激活'),
    separate('dropout2', 'the feed-forward output, before the residual add', '在残差相加之前对前馈网络输出'),
    { name: 'causal', type: 'bool', default: false, doc: 'Each position attends only to itself and earlier ones.', docZh: '每个位置只关注自身及之前的位置（因果掩码）。' },
  ],
  nameBase: 'block',
  insertDefaults: (s) => ({ d_model: lastDim(s), nhead: divisor(lastDim(s)), dim_feedforward: 4 * lastDim(s) }),
  summary: (v) => `E = ${v.d_model}, h = ${v.nhead}, ff = ${v.dim_feedforward}${v.norm_first ? ', pre-norm' : ''}`,
  infer(a, input) {
    checkAttentionInput(input, a.int('d_model'), a.int('nhead'), 'd_model', 'nhead');
    return { shape: [...input.shape] };
  },
  paramShapes(a) {
    const E = a.int('d_model');
    const F = a.int('dim_feedforward');
    return {
      'self_attn.in_proj_weight': [3 * E, E], 'self_attn.in_proj_bias': [3 * E], 'self_attn.out_proj.weight': [E, E], 'self_attn.out_proj.bias': [E],
      'linear1.weight': [F, E], 'linear1.bias': [F], 'linear2.weight': [E, F], 'linear2.bias': [E],
      'norm1.weight': [E], 'norm1.bias': [E], 'norm2.weight': [E], 'norm2.bias': [E],
    };
  },
  build: (a, _input, gen) =>
    new TransformerEncoderBlock(
      {
        dModel: a.int('d_model'), nhead: a.int('nhead'), dimFeedforward: a.int('dim_feedforward'), dropouts: dropoutsOf(a),
        activation: a.str('activation') as 'relu' | 'gelu', layerNormEps: a.float('layer_norm_eps'), normFirst: a.bool('norm_first'), causal: a.bool('causal'),
      },
      gen,
    ),
  onnx: encoderBlockOnnx,
  torch(a) {
    const common = `${a.int('d_model')}, ${a.int('nhead')}, dim_feedforward=${a.int('dim_feedforward')}, dropout=${a.float('dropout')}, activation=${JSON.stringify(a.str('activation'))}, layer_norm_eps=${a.float('layer_norm_eps')}`;
    const extras = ['attn_dropout', 'dropout1', 'ffn_dropout', 'dropout2'].filter((n) => a.optionalNum(n) !== null).map((n) => `${n}=${a.optionalNum(n)}`);
    if (extras.length === 0 && !a.bool('causal')) return `nn.TransformerEncoderLayer(${common}, batch_first=True, norm_first=${a.bool('norm_first') ? 'True' : 'False'})`;
    return `TransformerEncoderBlock(${[common, `norm_first=${a.bool('norm_first') ? 'True' : 'False'}`, ...extras, ...(a.bool('causal') ? ['causal=True'] : [])].join(', ')})`;
  },
  torchSource: `class TransformerEncoderBlock(nn.TransformerEncoderLayer):
    """nn.TransformerEncoderLayer (batch first) with its four dropouts set apart; None means dropout."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 norm_first=False, attn_dropout=None, dropout1=None, ffn_dropout=None, dropout2=None, causal=False):
        super().__init__(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first=True, norm_first=norm_first)
        pick = lambda v: dropout if v is None else v
        self.self_attn.dropout = pick(attn_dropout)
        self.dropout1.p, self.dropout.p, self.dropout2.p = pick(dropout1), pick(ffn_dropout), pick(dropout2)
        self.causal = causal

    def forward(self, src):
        mask = None
        if self.causal:
            L = src.shape[1]
            mask = torch.triu(torch.full((L, L), float("-inf"), device=src.device), 1)
        return super().forward(src, src_mask=mask)
`,
});
