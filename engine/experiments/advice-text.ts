/**
 * How an advisor finding (advisor.ts: data, no prose) reads in a language.
 * Each language is one `AdviceTemplates` table; this file holds the English
 * one, which the CLI prints and the renderer's English locale uses as is
 * (renderer/src/i18n/advice.ts adds 简体中文). A sentence is looked up by rule
 * and variant and its `{name}` placeholders are filled from the finding's vars.
 */

export const ADVICE_RULES = [
  'dropout-after-batchnorm', 'elementwise-dropout-on-feature-maps', 'dropout-on-output', 'dropout-rate',
  'alpha-dropout-without-selu', 'fc-without-dropout', 'transformer-attention-dropout', 'transformer-ffn-dropout',
  'transformer-embedding-dropout', 'train-mode-action',
] as const;
export type AdviceRule = (typeof ADVICE_RULES)[number];

export const FIX_ACTIONS = [
  'move-after', 'lower-p', 'set-p', 'use-dropout2d', 'use-dropout', 'remove', 'add-dropout-after', 'set-arg',
  'add-embedding-dropout', 'set-layer-dropout',
] as const;
export type FixAction = (typeof FIX_ACTIONS)[number];

/** A value a sentence quotes: shown as it is (integers with thousands separators), or an unnamed layer by its path. */
export type AdviceValue = string | number | { layer: string };
export type AdviceVars = Record<string, AdviceValue>;

/** What a template needs of a finding (the wire form of advisor.ts's Finding qualifies). */
export interface FindingText {
  rule: string;
  /** Which of the rule's sentences, when it has several. */
  variant: string | null;
  vars: AdviceVars;
  fix: { action: string; vars: AdviceVars } | null;
}

export interface AdviceTemplates {
  /** An unnamed layer: `{path}`. */
  layer: string;
  title: Record<AdviceRule, string>;
  /** What is wrong, by `rule` or `rule.variant`. */
  message: Record<string, string>;
  /** Why, by `rule.variant` or else `rule`. */
  explanation: Record<string, string>;
  fix: Record<FixAction, string>;
}

const WHY_TRANSFORMER = "The article places dropout after multi-head attention's output and after the feed-forward network, before each residual add (x = LayerNorm(x + Dropout(sublayer(x)))); 0.1 is the usual rate.";

export const ADVICE_EN: AdviceTemplates = {
  layer: 'layer {path}',
  title: {
    'dropout-after-batchnorm': 'Dropout directly after BatchNorm',
    'elementwise-dropout-on-feature-maps': 'Element-wise dropout on feature maps',
    'dropout-on-output': 'Dropout on the output',
    'dropout-rate': 'Unusual dropout rate',
    'alpha-dropout-without-selu': 'AlphaDropout without SELU',
    'fc-without-dropout': 'Large fully-connected layer without dropout',
    'transformer-attention-dropout': 'No attention dropout',
    'transformer-ffn-dropout': 'No feed-forward dropout',
    'transformer-embedding-dropout': 'No embedding dropout',
    'train-mode-action': 'Model in train mode',
  },
  message: {
    'dropout-after-batchnorm': '{kind} {name} comes directly after {prev}.',
    'elementwise-dropout-on-feature-maps': '{kind} {name} drops single pixels of {shape} feature maps.',
    'dropout-on-output': "{kind} {name} acts on the model's output scores.",
    'dropout-on-output.softmax': "{kind} {name} acts on the model's output scores right before {next}.",
    'dropout-rate.zero': '{kind} {name} has p = 0 and does nothing.',
    'dropout-rate.low': '{kind} {name} has p = {p}, below the usual 0.1–0.5.',
    'dropout-rate.high': '{kind} {name} has p = {p}, above the usual 0.1–0.5.',
    'dropout-rate.extreme': '{kind} {name} has p = {p}, above the usual 0.1–0.5; most units are dropped.',
    'alpha-dropout-without-selu': '{kind} {name} is used in a model without SELU.',
    'fc-without-dropout': 'Linear {name} ({params} parameters) has no dropout, and the last run overfits: the validation−training loss gap grew by {growth} over the last {epochs} epochs to {gap}.',
    'transformer-attention-dropout': 'Transformer block {name} has no dropout on the attention output.',
    'transformer-ffn-dropout': 'Transformer block {name} has no dropout on the feed-forward output.',
    'transformer-embedding-dropout': 'No dropout after the token embedding {name}.',
    'transformer-embedding-dropout.positional': 'No dropout after the token + positional embedding {name}.',
    'train-mode-action.evaluate': 'The model is in train mode while you evaluate it.',
    'train-mode-action.export': 'The model is in train mode while you export it.',
    'train-mode-action.predict': 'The model is in train mode while you predict it.',
  },
  explanation: {
    'dropout-after-batchnorm': 'BatchNorm already regularises; dropout right behind it overlaps that effect and makes the statistics BatchNorm learned in training differ from what it sees in eval, which slows and destabilises training. Put the dropout elsewhere (after the activation that follows), or lower p.',
    'elementwise-dropout-on-feature-maps': 'Neighbouring pixels of a feature map are strongly correlated, so a dropped pixel is easily filled in from its neighbours and element-wise dropout regularises little. Structured dropout drops whole feature maps (Dropout2d) or contiguous blocks (DropBlock2d) instead.',
    'dropout-on-output': 'Dropout belongs after hidden layers (the article puts it after fully-connected layers, before the output layer), not on the outputs themselves: zeroing output scores at random makes the loss see arbitrary class scores and teaches nothing about the features.',
    'dropout-rate': '0.3–0.5 is the common range; outside 0.1–0.5 is fine when the validation set says so. Raise p when the model overfits, lower it when it underfits.',
    'dropout-rate.extreme': 'With p = {p} only {keep}% of the units survive each step; the model usually underfits. 0.3–0.5 is the common range: raise p when the model overfits, lower it when it underfits, and let the validation set decide (a sweep does this).',
    'alpha-dropout-without-selu': "AlphaDropout sets dropped units to SELU's negative saturation and rescales so activations keep mean 0 and variance 1; that only holds for self-normalising SELU networks (PyTorch's nn.AlphaDropout documentation; not covered by the article). With other activations use plain Dropout.",
    'fc-without-dropout': 'Fully-connected layers hold most of the parameters and couple every unit to every other, which is where overfitting starts; dropout after them is the article\'s first choice. "Widening" here: the gap grew by more than {threshold} over {epochs} epochs and exceeds {min}.',
    'transformer-attention-dropout': WHY_TRANSFORMER,
    'transformer-ffn-dropout': WHY_TRANSFORMER,
    'transformer-embedding-dropout': 'The article also applies dropout to the sum of token and positional embeddings, so the first block cannot lean on any single embedding dimension.',
    'train-mode-action': 'In train mode dropout keeps dropping units, so scores and predictions are noisy and too pessimistic, and an export would carry the wrong behaviour. Switch to eval (model.eval() in PyTorch) before evaluating, predicting or exporting; use train mode on purpose only for MC-dropout.',
  },
  fix: {
    'move-after': 'Move {kind} after {next}',
    'lower-p': 'Lower p to {p}',
    'set-p': 'Set p to {p}',
    'use-dropout2d': 'Use Dropout2d (drops whole feature maps)',
    'use-dropout': 'Use Dropout (p = {p})',
    remove: 'Remove {kind} {name}',
    'add-dropout-after': 'Add Dropout(p={p}) after {name}',
    'set-arg': 'Set {arg} to {value}',
    'add-embedding-dropout': 'Add Dropout(p={p}) after the embedding',
    'set-layer-dropout': "Set {name}'s dropout to {value}",
  },
};

/** A finding's sentences in the language of `t`; a rule or action the table lacks shows its key, so the gap is visible. */
export function renderFinding(t: AdviceTemplates, f: FindingText): { title: string; message: string; explanation: string; fix: string | null } {
  const key = f.variant === null ? f.rule : `${f.rule}.${f.variant}`;
  return {
    title: (t.title as Record<string, string>)[f.rule] ?? f.rule,
    message: fill(t, t.message[key] ?? key, f.vars),
    explanation: fill(t, t.explanation[key] ?? t.explanation[f.rule] ?? key, f.vars),
    fix: f.fix && fill(t, (t.fix as Record<string, string>)[f.fix.action] ?? f.fix.action, f.fix.vars),
  };
}

/** The `{name}` placeholders of a template. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
}

function fill(t: AdviceTemplates, template: string, vars: AdviceVars): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? show(t, vars[name]) : m));
}

function show(t: AdviceTemplates, v: AdviceValue): string {
  if (typeof v === 'object') return t.layer.replace('{path}', v.layer);
  return typeof v === 'number' && Number.isInteger(v) ? v.toLocaleString('en') : String(v);
}
