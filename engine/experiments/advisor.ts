/**
 * The placement advisor: reads a model spec (and, when given, a run's history
 * and the mode the model is used in) and says where its dropout goes against
 * the article's advice, why, and — where a spec edit fixes it — the fixed spec.
 * Shapes come from validateSpec, so "feature map" means a per-sample [C, H, W]
 * activation, not a guess from layer names.
 */
import { validateSpec, type LayerReport, type LayerSpec, type ModelSpec } from '../nn/spec.ts';
import type { EpochMetrics } from '../train/trainer.ts';

/** The article's headings (seed/dropout-in-pytorch.zh.txt), quoted. */
export const ARTICLE = {
  fc: '§2.1 放在全连接层后',
  conv: '§2.2 卷积层后的使用考量',
  batchNorm: '§2.3 BatchNorm 层与 Dropout 的关系',
  transformer: '§2.4 Transformer 中的 Dropout 应用',
  position: '§3.1 位置选择策略',
  probability: '§3.2 Dropout 概率的调整',
  modes: '§4.1 训练与推理模式的切换',
  structured: '§4.3 高级应用技巧',
} as const;

export interface Finding {
  /** Rule and layer path, stable across calls: "dropout-after-batchnorm:drop1". */
  id: string;
  rule: string;
  severity: 'info' | 'warning';
  /** Dotted path of the layer concerned, or null for the whole model. */
  layer: string | null;
  message: string;
  explanation: string;
  /** The article section the advice comes from; null when it comes from elsewhere (named in the explanation). */
  article_section: string | null;
  fix: { label: string; spec: ModelSpec } | null;
}

export interface AdviceContext {
  /** A run's per-epoch metrics, oldest first (for the widening-gap rule). */
  history?: readonly Pick<EpochMetrics, 'train_loss' | 'val_loss'>[];
  mode?: 'train' | 'eval';
  action?: 'evaluate' | 'export' | 'predict';
}

/**
 * "Widening": validation loss minus training loss grew by more than `growth`
 * over the last `epochs` epochs and is now above `min_gap` nats.
 */
export const WIDENING = { epochs: 3, growth: 0.05, min_gap: 0.1 } as const;

/** A "large" fully-connected layer: this many outputs and parameters or more. */
export const LARGE_FC = { out_features: 64, params: 4096 } as const;

const DROPOUTS = new Set(['Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout', 'FeatureAlphaDropout', 'GaussianDropout', 'DropBlock2d']);
const RATE_CHECKED = new Set(['Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'DropBlock2d']);
const ACTIVATIONS = new Set(['ReLU', 'LeakyReLU', 'GELU', 'ELU', 'SELU', 'Tanh', 'Sigmoid']);
/** Layers that leave the output scores' meaning alone: anything else after a dropout means it is not on the output. */
const PASSIVE = new Set([...ACTIVATIONS, 'Softmax', 'LogSoftmax', 'Identity', 'Flatten']);

interface Site {
  spec: LayerSpec;
  report: LayerReport;
  /** The list it sits in and its index there. */
  list: LayerSpec[];
  index: number;
  reports: readonly LayerReport[];
}

function sites(layers: LayerSpec[], reports: readonly LayerReport[]): Site[] {
  return layers.flatMap((spec, index) => {
    const report = reports[index];
    if (!report) return [];
    const own: Site = { spec, report, list: layers, index, reports };
    return spec.layers && report.children ? [own, ...sites(spec.layers, report.children)] : [own];
  });
}

/** A deep copy of `spec` with the list that holds `site` replaced by `edit(list)`. */
function editList(spec: ModelSpec, site: Site, edit: (list: LayerSpec[]) => LayerSpec[]): ModelSpec {
  const walk = (layers: LayerSpec[]): LayerSpec[] => (layers === site.list ? edit([...layers]) : layers.map((l) => (l.layers ? { ...l, layers: walk(l.layers) } : l)));
  return { ...spec, layers: walk(spec.layers) };
}

const replaceAt = (site: Site, layer: LayerSpec) => (list: LayerSpec[]) => list.map((l, i) => (i === site.index ? layer : l));

const pOf = (l: LayerSpec): number => (typeof l.p === 'number' ? l.p : l.kind === 'DropBlock2d' ? 0.1 : 0.5);
const nameOf = (s: Site) => (s.spec.name ? `'${s.spec.name}'` : `layer ${s.report.path}`);

export function advise(spec: ModelSpec, context: AdviceContext = {}): Finding[] {
  const report = validateSpec(spec);
  const all = sites(spec.layers, report.layers);
  const findings: Finding[] = [];
  const add = (f: Omit<Finding, 'id'>) => findings.push({ id: `${f.rule}:${f.layer ?? 'model'}`, ...f });
  const hasSelu = all.some((s) => s.spec.kind === 'SELU');

  for (const s of all) {
    const kind = s.spec.kind;
    const prev = s.list[s.index - 1];
    const next = s.list[s.index + 1];
    if (!DROPOUTS.has(kind)) continue;
    const p = pOf(s.spec);

    // Dropout directly after BatchNorm.
    if (prev && /^BatchNorm/.test(prev.kind)) {
      const act = next && ACTIVATIONS.has(next.kind);
      add({
        rule: 'dropout-after-batchnorm', severity: 'warning', layer: s.report.path,
        message: `${kind} ${nameOf(s)} comes directly after ${prev.kind}.`,
        explanation: 'BatchNorm already regularises; dropout right behind it overlaps that effect and makes the statistics BatchNorm learned in training differ from what it sees in eval, which slows and destabilises training. Put the dropout elsewhere (after the activation that follows), or lower p.',
        article_section: ARTICLE.batchNorm,
        fix: act
          ? { label: `Move ${kind} after ${next.kind}`, spec: editList(spec, s, (l) => { [l[s.index], l[s.index + 1]] = [l[s.index + 1], l[s.index]]; return l; }) }
          : p > 0.1 ? { label: `Lower p to 0.1`, spec: editList(spec, s, replaceAt(s, { ...s.spec, p: 0.1 })) } : null,
      });
    }

    // Element-wise dropout on convolutional feature maps.
    if ((kind === 'Dropout' || kind === 'AlphaDropout' || kind === 'GaussianDropout') && s.report.inputShape?.length === 3) {
      const [c, h, w] = s.report.inputShape;
      add({
        rule: 'elementwise-dropout-on-feature-maps', severity: 'info', layer: s.report.path,
        message: `${kind} ${nameOf(s)} drops single pixels of ${c}×${h}×${w} feature maps.`,
        explanation: 'Neighbouring pixels of a feature map are strongly correlated, so a dropped pixel is easily filled in from its neighbours and element-wise dropout regularises little. Structured dropout drops whole feature maps (Dropout2d) or contiguous blocks (DropBlock2d) instead.',
        article_section: ARTICLE.structured,
        fix: { label: 'Use Dropout2d (drops whole feature maps)', spec: editList(spec, s, replaceAt(s, { kind: 'Dropout2d', ...(s.spec.name ? { name: s.spec.name } : {}), p })) },
      });
    }

    // Dropout on the model's output: nothing but activations/softmax after it at the top level, or right before a softmax.
    const top = s.list === spec.layers;
    const onOutput = top && s.list.slice(s.index + 1).every((l) => PASSIVE.has(l.kind)) && s.index > 0;
    const beforeSoftmax = next && (next.kind === 'Softmax' || next.kind === 'LogSoftmax');
    if (onOutput || beforeSoftmax) {
      add({
        rule: 'dropout-on-output', severity: 'warning', layer: s.report.path,
        message: `${kind} ${nameOf(s)} acts on the model's output scores${beforeSoftmax ? ` right before ${next.kind}` : ''}.`,
        explanation: 'Dropout belongs after hidden layers (the article puts it after fully-connected layers, before the output layer), not on the outputs themselves: zeroing output scores at random makes the loss see arbitrary class scores and teaches nothing about the features.',
        article_section: ARTICLE.fc,
        fix: { label: `Remove ${kind} ${nameOf(s)}`, spec: editList(spec, s, (l) => l.filter((_, i) => i !== s.index)) },
      });
    }

    // The rate.
    if (RATE_CHECKED.has(kind) && (p < 0.1 || p > 0.5)) {
      const high = p >= 0.8;
      add({
        rule: 'dropout-rate', severity: high ? 'warning' : 'info', layer: s.report.path,
        message: p === 0 ? `${kind} ${nameOf(s)} has p = 0 and does nothing.` : `${kind} ${nameOf(s)} has p = ${p}, ${p < 0.1 ? 'below' : 'above'} the usual 0.1–0.5${high ? '; most units are dropped' : ''}.`,
        explanation: high
          ? `With p = ${p} only ${Math.round((1 - p) * 100)}% of the units survive each step; the model usually underfits. 0.3–0.5 is the common range: raise p when the model overfits, lower it when it underfits, and let the validation set decide (a sweep does this).`
          : '0.3–0.5 is the common range; outside 0.1–0.5 is fine when the validation set says so. Raise p when the model overfits, lower it when it underfits.',
        article_section: ARTICLE.probability,
        fix: high ? { label: 'Set p to 0.5', spec: editList(spec, s, replaceAt(s, { ...s.spec, p: 0.5 })) } : null,
      });
    }

    // AlphaDropout without SELU.
    if ((kind === 'AlphaDropout' || kind === 'FeatureAlphaDropout') && !hasSelu) {
      add({
        rule: 'alpha-dropout-without-selu', severity: 'warning', layer: s.report.path,
        message: `${kind} ${nameOf(s)} is used in a model without SELU.`,
        explanation: "AlphaDropout sets dropped units to SELU's negative saturation and rescales so activations keep mean 0 and variance 1; that only holds for self-normalising SELU networks (PyTorch's nn.AlphaDropout documentation; not covered by the article). With other activations use plain Dropout.",
        article_section: null,
        fix: { label: `Use Dropout (p = ${p})`, spec: editList(spec, s, replaceAt(s, { kind: kind === 'AlphaDropout' ? 'Dropout' : 'Dropout2d', ...(s.spec.name ? { name: s.spec.name } : {}), p })) },
      });
    }
  }

  adviseHead(spec, all, context, add);
  adviseTransformer(spec, all, add);

  if (context.mode === 'train' && (context.action === 'evaluate' || context.action === 'export' || context.action === 'predict')) {
    add({
      rule: 'train-mode-action', severity: 'warning', layer: null,
      message: `The model is in train mode while you ${context.action} it.`,
      explanation: 'In train mode dropout keeps dropping units, so scores and predictions are noisy and too pessimistic, and an export would carry the wrong behaviour. Switch to eval (model.eval() in PyTorch) before evaluating, predicting or exporting; use train mode on purpose only for MC-dropout.',
      article_section: ARTICLE.modes,
      fix: null,
    });
  }
  return findings;
}

/** Whether the run's train−validation loss gap is widening, as WIDENING defines it. */
export function gapWidening(history: AdviceContext['history']): { widening: boolean; gap: number | null; growth: number | null } {
  const h = (history ?? []).filter((m) => m.val_loss !== null);
  if (h.length < WIDENING.epochs + 1) return { widening: false, gap: null, growth: null };
  const gap = (m: (typeof h)[number]) => m.val_loss! - m.train_loss;
  const last = gap(h[h.length - 1]);
  const growth = last - gap(h[h.length - 1 - WIDENING.epochs]);
  return { widening: growth > WIDENING.growth && last > WIDENING.min_gap, gap: last, growth };
}

/** A large hidden Linear with no dropout before the next Linear, once a run overfits. */
function adviseHead(spec: ModelSpec, all: Site[], context: AdviceContext, add: (f: Omit<Finding, 'id'>) => void): void {
  const w = gapWidening(context.history);
  if (!w.widening) return;
  const top = all.filter((s) => s.list === spec.layers);
  const lastLinear = top.map((s) => s.spec.kind).lastIndexOf('Linear');
  for (const s of top) {
    if (s.spec.kind !== 'Linear' || s.index === lastLinear) continue;
    const out = Number(s.spec.out_features);
    if (!(out >= LARGE_FC.out_features && s.report.paramCount >= LARGE_FC.params)) continue;
    let j = s.index + 1;
    while (j < spec.layers.length && ACTIVATIONS.has(spec.layers[j].kind)) j++;
    if (j < spec.layers.length && DROPOUTS.has(spec.layers[j].kind)) continue;
    const at = j; // insert after the activation(s)
    const name = uniqueName(`dropout_${s.spec.name ?? s.index}`, spec.layers);
    add({
      rule: 'fc-without-dropout', severity: 'warning', layer: s.report.path,
      message: `Linear ${nameOf(s)} (${s.report.paramCount.toLocaleString('en')} parameters) has no dropout, and the last run overfits: the validation−training loss gap grew by ${w.growth!.toFixed(3)} over the last ${WIDENING.epochs} epochs to ${w.gap!.toFixed(3)}.`,
      explanation: `Fully-connected layers hold most of the parameters and couple every unit to every other, which is where overfitting starts; dropout after them is the article's first choice. "Widening" here: the gap grew by more than ${WIDENING.growth} over ${WIDENING.epochs} epochs and exceeds ${WIDENING.min_gap}.`,
      article_section: ARTICLE.fc,
      fix: { label: `Add Dropout(p=0.5) after ${s.spec.name ?? `layer ${s.index}`}`, spec: { ...spec, layers: [...spec.layers.slice(0, at), { kind: 'Dropout', name, p: 0.5 }, ...spec.layers.slice(at)] } },
    });
  }
}

function uniqueName(want: string, layers: readonly LayerSpec[]): string {
  const taken = new Set(layers.map((l) => l.name));
  let n = want;
  for (let k = 2; taken.has(n); k++) n = `${want}_${k}`;
  return n;
}

/** Encoder blocks without attention-output or feed-forward dropout, and embeddings without dropout. */
function adviseTransformer(spec: ModelSpec, all: Site[], add: (f: Omit<Finding, 'id'>) => void): void {
  const blocks = all.filter((s) => s.spec.kind === 'TransformerEncoderBlock');
  const rate = (l: LayerSpec, arg: string) => (typeof l[arg] === 'number' ? (l[arg] as number) : typeof l.dropout === 'number' ? l.dropout : 0.1);
  for (const s of blocks) {
    for (const [arg, where] of [['dropout1', 'the attention output'], ['dropout2', 'the feed-forward output']] as const) {
      if (rate(s.spec, arg) > 0) continue;
      const part = arg === 'dropout1' ? 'attention' : 'feed-forward';
      add({
        rule: `transformer-${part === 'attention' ? 'attention' : 'ffn'}-dropout`, severity: 'info', layer: s.report.path,
        message: `Transformer block ${nameOf(s)} has no dropout on ${where}.`,
        explanation: `The article places dropout after multi-head attention's output and after the feed-forward network, before each residual add (x = LayerNorm(x + Dropout(sublayer(x)))); 0.1 is the usual rate.`,
        article_section: ARTICLE.transformer,
        fix: { label: `Set ${arg} to 0.1`, spec: editList(spec, s, replaceAt(s, { ...s.spec, [arg]: 0.1 })) },
      });
    }
  }
  const usesAttention = all.some((s) => s.spec.kind === 'TransformerEncoderBlock' || s.spec.kind === 'MultiheadAttention');
  if (!usesAttention) return;
  for (const s of all.filter((x) => x.spec.kind === 'Embedding')) {
    // The embedding stage: the Embedding and any positional layer right after it.
    let end = s.index;
    while (/Positional/.test(s.list[end + 1]?.kind ?? '')) end++;
    const positional = end > s.index ? s.list[end] : null;
    const hasDrop = (positional && typeof positional.dropout === 'number' && positional.dropout > 0) || DROPOUTS.has(s.list[end + 1]?.kind ?? '');
    if (hasDrop) continue;
    const fix = positional
      ? { label: `Set ${positional.name ?? positional.kind}'s dropout to 0.1`, spec: editList(spec, s, (l) => l.map((x, i) => (i === end ? { ...x, dropout: 0.1 } : x))) }
      : { label: 'Add Dropout(p=0.1) after the embedding', spec: editList(spec, s, (l) => [...l.slice(0, end + 1), { kind: 'Dropout', name: uniqueName('embed_dropout', l), p: 0.1 }, ...l.slice(end + 1)]) };
    add({
      rule: 'transformer-embedding-dropout', severity: 'info', layer: s.report.path,
      message: `No dropout after the token${positional ? ' + positional' : ''} embedding ${nameOf(s)}.`,
      explanation: 'The article also applies dropout to the sum of token and positional embeddings, so the first block cannot lean on any single embedding dimension.',
      article_section: ARTICLE.transformer,
      fix,
    });
  }
}
