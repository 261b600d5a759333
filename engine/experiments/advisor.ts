/**
 * The placement advisor: reads a model spec (and, when given, a run's history
 * and the mode the model is used in) and says where its dropout goes against
 * the article's advice, why, and — where a spec edit fixes it — the fixed spec.
 * A finding is data (rule, variant, values); each language words it from its
 * own templates (advice-text.ts for English). Shapes come from validateSpec,
 * so "feature map" means a per-sample [C, H, W] activation, not a guess from
 * layer names.
 */
import { validateSpec, type LayerReport, type LayerSpec, type ModelSpec } from '../nn/spec.ts';
import { layerDef, traitsOf } from '../nn/registry.ts';
import type { EpochMetrics } from '../train/trainer.ts';
import type { AdviceRule, AdviceValue, AdviceVars, FixAction } from './advice-text.ts';

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
  rule: AdviceRule;
  severity: 'info' | 'warning';
  /** Dotted path of the layer concerned, or null for the whole model. */
  layer: string | null;
  /** Which of the rule's sentences applies, when it has several (e.g. dropout-rate: zero, low, high, extreme). */
  variant: string | null;
  /** The values its sentences quote. */
  vars: AdviceVars;
  /** The article section the advice comes from; null when it comes from elsewhere (named in the explanation). */
  article_section: string | null;
  fix: { action: FixAction; vars: AdviceVars; spec: ModelSpec } | null;
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

/** A dropout the advisor judges: one on activations whose rate is a drop probability (its layer's `sweepable` trait). */
const dropoutOf = (kind: string) => (traitsOf(kind).stochastic?.sweepable ? traitsOf(kind).stochastic : undefined);
const isActivation = (kind: string) => !!traitsOf(kind).activation;
/** Layers that leave the output scores' meaning alone: anything else after a dropout means it is not on the output. */
const isPassive = (kind: string) => isActivation(kind) || !!traitsOf(kind).shapePassive;

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

/** The layer's rate as set, else its argument's default. */
function rateOf(l: LayerSpec, rate: string): number {
  const set = l[rate];
  const d = layerDef(l.kind)?.args.find((a) => a.name === rate)?.default;
  return typeof set === 'number' ? set : typeof d === 'number' ? d : 0.5;
}
const nameOf = (s: Site): AdviceValue => (s.spec.name ? `'${s.spec.name}'` : { layer: s.report.path });

type NewFinding = Omit<Finding, 'id' | 'variant'> & { variant?: string };

export function advise(spec: ModelSpec, context: AdviceContext = {}): Finding[] {
  const report = validateSpec(spec);
  const all = sites(spec.layers, report.layers);
  const findings: Finding[] = [];
  const add = (f: NewFinding) => findings.push({ id: `${f.rule}:${f.layer ?? 'model'}`, variant: null, ...f });
  const hasSelu = all.some((s) => s.spec.kind === 'SELU');

  for (const s of all) {
    const kind = s.spec.kind;
    const prev = s.list[s.index - 1];
    const next = s.list[s.index + 1];
    const trait = dropoutOf(kind);
    if (!trait) continue;
    const p = rateOf(s.spec, trait.rate);

    // Dropout directly after BatchNorm.
    if (prev && /^BatchNorm/.test(prev.kind)) {
      const act = next && isActivation(next.kind);
      add({
        rule: 'dropout-after-batchnorm', severity: 'warning', layer: s.report.path,
        vars: { kind, name: nameOf(s), prev: prev.kind },
        article_section: ARTICLE.batchNorm,
        fix: act
          ? { action: 'move-after', vars: { kind, next: next.kind }, spec: editList(spec, s, (l) => { [l[s.index], l[s.index + 1]] = [l[s.index + 1], l[s.index]]; return l; }) }
          : p > 0.1 ? { action: 'lower-p', vars: { p: 0.1 }, spec: editList(spec, s, replaceAt(s, { ...s.spec, [trait.rate]: 0.1 })) } : null,
      });
    }

    // Element-wise dropout on convolutional feature maps.
    if (trait.elementwise && s.report.inputShape?.length === 3) {
      const [c, h, w] = s.report.inputShape;
      add({
        rule: 'elementwise-dropout-on-feature-maps', severity: 'info', layer: s.report.path,
        vars: { kind, name: nameOf(s), shape: `${c}×${h}×${w}` },
        article_section: ARTICLE.structured,
        fix: { action: 'use-dropout2d', vars: {}, spec: editList(spec, s, replaceAt(s, { kind: 'Dropout2d', ...(s.spec.name ? { name: s.spec.name } : {}), p })) },
      });
    }

    // Dropout on the model's output: nothing but activations/softmax after it at the top level, or right before a softmax.
    const top = s.list === spec.layers;
    const onOutput = top && s.list.slice(s.index + 1).every((l) => isPassive(l.kind)) && s.index > 0;
    const beforeSoftmax = next && (next.kind === 'Softmax' || next.kind === 'LogSoftmax');
    if (onOutput || beforeSoftmax) {
      add({
        rule: 'dropout-on-output', severity: 'warning', layer: s.report.path,
        ...(beforeSoftmax ? { variant: 'softmax', vars: { kind, name: nameOf(s), next: next.kind } } : { vars: { kind, name: nameOf(s) } }),
        article_section: ARTICLE.fc,
        fix: { action: 'remove', vars: { kind, name: nameOf(s) }, spec: editList(spec, s, (l) => l.filter((_, i) => i !== s.index)) },
      });
    }

    // The rate.
    if (trait.conventionalRate && (p < 0.1 || p > 0.5)) {
      const high = p >= 0.8;
      add({
        rule: 'dropout-rate', severity: high ? 'warning' : 'info', layer: s.report.path,
        ...(p === 0 ? { variant: 'zero', vars: { kind, name: nameOf(s) } }
          : high ? { variant: 'extreme', vars: { kind, name: nameOf(s), p, keep: Math.round((1 - p) * 100) } }
          : { variant: p < 0.1 ? 'low' : 'high', vars: { kind, name: nameOf(s), p } }),
        article_section: ARTICLE.probability,
        fix: high ? { action: 'set-p', vars: { p: 0.5 }, spec: editList(spec, s, replaceAt(s, { ...s.spec, [trait.rate]: 0.5 })) } : null,
      });
    }

    // AlphaDropout without SELU.
    if (trait.seluOnly && !hasSelu) {
      add({
        rule: 'alpha-dropout-without-selu', severity: 'warning', layer: s.report.path,
        vars: { kind, name: nameOf(s) },
        article_section: null,
        fix: { action: 'use-dropout', vars: { p }, spec: editList(spec, s, replaceAt(s, { kind: trait.seluOnly.plain, ...(s.spec.name ? { name: s.spec.name } : {}), p })) },
      });
    }
  }

  adviseHead(spec, all, context, add);
  adviseTransformer(spec, all, add);

  if (context.mode === 'train' && (context.action === 'evaluate' || context.action === 'export' || context.action === 'predict')) {
    add({
      rule: 'train-mode-action', severity: 'warning', layer: null,
      variant: context.action, vars: {},
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
function adviseHead(spec: ModelSpec, all: Site[], context: AdviceContext, add: (f: NewFinding) => void): void {
  const w = gapWidening(context.history);
  if (!w.widening) return;
  const top = all.filter((s) => s.list === spec.layers);
  const lastLinear = top.map((s) => s.spec.kind).lastIndexOf('Linear');
  for (const s of top) {
    if (s.spec.kind !== 'Linear' || s.index === lastLinear) continue;
    const out = Number(s.spec.out_features);
    if (!(out >= LARGE_FC.out_features && s.report.paramCount >= LARGE_FC.params)) continue;
    let j = s.index + 1;
    while (j < spec.layers.length && isActivation(spec.layers[j].kind)) j++;
    if (j < spec.layers.length && dropoutOf(spec.layers[j].kind)) continue;
    const at = j; // insert after the activation(s)
    const name = uniqueName(`dropout_${s.spec.name ?? s.index}`, spec.layers);
    add({
      rule: 'fc-without-dropout', severity: 'warning', layer: s.report.path,
      vars: {
        name: nameOf(s), params: s.report.paramCount, growth: w.growth!.toFixed(3), gap: w.gap!.toFixed(3),
        epochs: WIDENING.epochs, threshold: WIDENING.growth, min: WIDENING.min_gap,
      },
      article_section: ARTICLE.fc,
      fix: { action: 'add-dropout-after', vars: { p: 0.5, name: s.spec.name ?? { layer: String(s.index) } }, spec: { ...spec, layers: [...spec.layers.slice(0, at), { kind: 'Dropout', name, p: 0.5 }, ...spec.layers.slice(at)] } },
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
function adviseTransformer(spec: ModelSpec, all: Site[], add: (f: NewFinding) => void): void {
  const blocks = all.filter((s) => s.spec.kind === 'TransformerEncoderBlock');
  const rate = (l: LayerSpec, arg: string) => (typeof l[arg] === 'number' ? (l[arg] as number) : typeof l.dropout === 'number' ? l.dropout : 0.1);
  for (const s of blocks) {
    for (const [arg, rule] of [['dropout1', 'transformer-attention-dropout'], ['dropout2', 'transformer-ffn-dropout']] as const) {
      if (rate(s.spec, arg) > 0) continue;
      add({
        rule, severity: 'info', layer: s.report.path,
        vars: { name: nameOf(s) },
        article_section: ARTICLE.transformer,
        fix: { action: 'set-arg', vars: { arg, value: 0.1 }, spec: editList(spec, s, replaceAt(s, { ...s.spec, [arg]: 0.1 })) },
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
    const hasDrop = (positional && typeof positional.dropout === 'number' && positional.dropout > 0) || !!dropoutOf(s.list[end + 1]?.kind ?? '');
    if (hasDrop) continue;
    const fix: Finding['fix'] = positional
      ? { action: 'set-layer-dropout', vars: { name: positional.name ?? positional.kind, value: 0.1 }, spec: editList(spec, s, (l) => l.map((x, i) => (i === end ? { ...x, dropout: 0.1 } : x))) }
      : { action: 'add-embedding-dropout', vars: { p: 0.1 }, spec: editList(spec, s, (l) => [...l.slice(0, end + 1), { kind: 'Dropout', name: uniqueName('embed_dropout', l), p: 0.1 }, ...l.slice(end + 1)]) };
    add({
      rule: 'transformer-embedding-dropout', severity: 'info', layer: s.report.path,
      ...(positional ? { variant: 'positional' } : {}), vars: { name: nameOf(s) },
      article_section: ARTICLE.transformer,
      fix,
    });
  }
}
