/**
 * The advisor's findings are data; each language words them from its own templates (English in
 * engine/experiments/advice-text.ts, 简体中文 in i18n/advice.ts). The findings are the engine's own,
 * so a rule, variant or value the advisor adds without a template in both languages fails here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { advise, type AdviceContext } from '../../engine/experiments/advisor.ts';
import type { LayerSpec, ModelSpec } from '../../engine/nn/spec.ts';
import { ADVICE_EN, ADVICE_RULES, FIX_ACTIONS, placeholders, renderFinding, type AdviceTemplates } from '../../engine/experiments/advice-text.ts';
import { adviceText } from '../../renderer/src/components/advice/advice-text.ts';
import { ADVICE } from '../../renderer/src/i18n/advice.ts';
import { i18n } from '../../renderer/src/i18n/index.svelte.ts';

const fc = (i: number, o: number, name?: string): LayerSpec => ({ kind: 'Linear', ...(name ? { name } : {}), in_features: i, out_features: o });
const vec = (layers: LayerSpec[], n = 8): ModelSpec => ({ input_shape: [n], layers });
const mlp = (drop: LayerSpec): ModelSpec => vec([fc(8, 16), { kind: 'ReLU' }, drop, fc(16, 2)]);
const img: ModelSpec = { input_shape: [1, 8, 8], layers: [{ kind: 'Conv2d', name: 'conv', in_channels: 1, out_channels: 4, kernel_size: 3, padding: 1 }, { kind: 'ReLU' }, { kind: 'Dropout', name: 'd', p: 0.3 }, { kind: 'Flatten' }, fc(256, 2)] };
const seq = (layers: LayerSpec[]): ModelSpec => ({ input_shape: [6], layers: [{ kind: 'Embedding', name: 'embed', num_embeddings: 10, embedding_dim: 8 }, ...layers, { kind: 'SequenceMean' }, fc(8, 2)] });
const block = (o: Record<string, unknown> = {}): LayerSpec => ({ kind: 'TransformerEncoderBlock', name: 'block', d_model: 8, nhead: 2, dim_feedforward: 16, ...o });
const overfitting: AdviceContext = { history: [0.5, 0.4, 0.3, 0.25, 0.2].map((t, i) => ({ train_loss: t, val_loss: [0.5, 0.45, 0.45, 0.5, 0.55][i] })) };

// [what, spec, context]: one case per sentence shape the advisor has.
const CASES: [string, ModelSpec, AdviceContext?][] = [
  ['after BatchNorm, an activation follows (move)', vec([fc(8, 16), { kind: 'BatchNorm1d', num_features: 16 }, { kind: 'Dropout', name: 'd', p: 0.3 }, { kind: 'ReLU' }, fc(16, 2)])],
  ['after BatchNorm, nothing to swap with (lower p)', vec([fc(8, 16), { kind: 'BatchNorm1d', num_features: 16 }, { kind: 'Dropout', name: 'd', p: 0.3 }, fc(16, 2)])],
  ['on feature maps', img],
  ['last layer', vec([fc(8, 16), { kind: 'ReLU' }, fc(16, 2), { kind: 'Dropout', name: 'd', p: 0.3 }])],
  ['before Softmax', vec([fc(8, 16), { kind: 'ReLU' }, fc(16, 2), { kind: 'Dropout', name: 'd', p: 0.3 }, { kind: 'Softmax' }])],
  ['p = 0', mlp({ kind: 'Dropout', name: 'd', p: 0 })],
  ['p = 0.05', mlp({ kind: 'Dropout', name: 'd', p: 0.05 })],
  ['p = 0.6', mlp({ kind: 'Dropout', name: 'd', p: 0.6 })],
  ['p = 0.9, unnamed', mlp({ kind: 'Dropout', p: 0.9 })],
  ['AlphaDropout with ReLU', mlp({ kind: 'AlphaDropout', name: 'a', p: 0.1 })],
  ['large head, widening gap', vec([fc(64, 128, 'fc1'), { kind: 'ReLU' }, fc(128, 2, 'out')], 64), overfitting],
  ['large unnamed head, widening gap', vec([fc(64, 128), { kind: 'ReLU' }, fc(128, 2)], 64), overfitting],
  ['Transformer block without dropout', seq([{ kind: 'Dropout', p: 0.1 }, block({ dropout: 0 })])],
  ['embedding without dropout', seq([block()])],
  ['embedding + positions without dropout', seq([{ kind: 'LearnedPositionalEmbedding', name: 'pos', max_len: 6, embedding_dim: 8 }, block()])],
  ['evaluate in train mode', mlp({ kind: 'Dropout', p: 0.3 }), { mode: 'train', action: 'evaluate' }],
  ['export in train mode', mlp({ kind: 'Dropout', p: 0.3 }), { mode: 'train', action: 'export' }],
  ['predict in train mode', mlp({ kind: 'Dropout', p: 0.3 }), { mode: 'train', action: 'predict' }],
];

const findings = () => CASES.flatMap(([, spec, ctx]) => advise(spec, ctx));
const LANGUAGES = Object.entries(ADVICE) as [string, AdviceTemplates][];
const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

afterEach(() => i18n.set('en'));

describe('advice in the reader\'s language', () => {
  it.each(CASES)('%s: every sentence is filled in English and in Chinese', (_what, spec, ctx) => {
    const all = advise(spec, ctx);
    expect(all.length).toBeGreaterThan(0);
    for (const f of all) {
      const en = renderFinding(ADVICE_EN, f);
      const zh = renderFinding(ADVICE.zh, f);
      for (const text of [en.title, en.message, en.explanation, en.fix ?? '']) expect(text).not.toMatch(/[{}\u4e00-\u9fff]/);
      for (const text of [zh.title, zh.message, zh.explanation, ...(f.fix ? [zh.fix!] : [])]) {
        expect(text, `${f.id}: ${text}`).toMatch(/[\u4e00-\u9fff]/);
        expect(text).not.toMatch(/\{\w+\}/);
      }
    }
  });

  it('every rule, variant and fix has a template in both languages using exactly the values the advisor sends', () => {
    const all = findings();
    // The cases reach every rule and every fix action, so nothing below is checked vacuously.
    expect(sorted(all.map((f) => f.rule))).toEqual(sorted(ADVICE_RULES));
    expect(sorted(all.flatMap((f) => (f.fix ? [f.fix.action] : [])))).toEqual(sorted(FIX_ACTIONS));
    for (const [language, t] of LANGUAGES) {
      for (const f of all) {
        const key = f.variant === null ? f.rule : `${f.rule}.${f.variant}`;
        const where = `${language} ${key}`;
        expect(t.title[f.rule], where).toBeTruthy();
        expect(t.message[key], where).toBeTruthy();
        const why = t.explanation[key] ?? t.explanation[f.rule];
        expect(why, where).toBeTruthy();
        expect(sorted([...placeholders(t.message[key]), ...placeholders(why)]), where).toEqual(sorted(Object.keys(f.vars)));
        if (f.fix) expect(sorted(placeholders(t.fix[f.fix.action])), `${where} fix ${f.fix.action}`).toEqual(sorted(Object.keys(f.fix.vars)));
      }
      // No template the advisor never asks for.
      const keys = new Set(all.map((f) => (f.variant === null ? f.rule : `${f.rule}.${f.variant}`)));
      expect(Object.keys(t.message).filter((k) => !keys.has(k)), language).toEqual([]);
    }
    expect(Object.keys(ADVICE.zh.explanation).sort()).toEqual(Object.keys(ADVICE_EN.explanation).sort());
  });

  it('English reads as the advisor always wrote it', () => {
    const [rate] = advise(mlp({ kind: 'Dropout', p: 0.9 }));
    expect(renderFinding(ADVICE_EN, rate)).toEqual({
      title: 'Unusual dropout rate',
      message: 'Dropout layer 2 has p = 0.9, above the usual 0.1–0.5; most units are dropped.',
      explanation: 'With p = 0.9 only 10% of the units survive each step; the model usually underfits. 0.3–0.5 is the common range: raise p when the model overfits, lower it when it underfits, and let the validation set decide (a sweep does this).',
      fix: 'Set p to 0.5',
    });
    const [head] = advise(vec([fc(64, 128), { kind: 'ReLU' }, fc(128, 2)], 64), overfitting);
    const text = renderFinding(ADVICE_EN, head);
    expect(text.message).toBe('Linear layer 0 (8,320 parameters) has no dropout, and the last run overfits: the validation−training loss gap grew by 0.300 over the last 3 epochs to 0.350.');
    expect(text.explanation).toMatch(/"Widening" here: the gap grew by more than 0\.05 over 3 epochs and exceeds 0\.1\.$/);
    expect(text.fix).toBe('Add Dropout(p=0.5) after layer 0');
  });

  it('keeps layer names and numbers, and says "layer N" in Chinese for an unnamed layer', () => {
    i18n.set('zh');
    const [rate] = advise(mlp({ kind: 'Dropout', p: 0.9 }));
    expect(adviceText(rate).message).toBe('Dropout 层 2 的 p = 0.9，高于常用的 0.1–0.5；大部分单元都被丢弃。');
    expect(adviceText(rate).explanation).toContain('只有 10% 的单元');
    const [head] = advise(vec([fc(64, 128, 'fc1'), { kind: 'ReLU' }, fc(128, 2, 'out')], 64), overfitting);
    expect(adviceText(head).message).toMatch(/^Linear 'fc1'（8,320 个参数）.*增大了 0\.300，达到 0\.350。$/);
    i18n.set('en');
    expect(adviceText(head).fix).toBe('Add Dropout(p=0.5) after fc1');
  });

  it('a rule or fix from a later engine with no template shows its id, so the gap is visible', () => {
    const later = { rule: 'a-rule-from-later', variant: null, vars: { kind: 'Dropout' }, fix: { action: 'an-action-from-later', vars: {} } };
    expect(renderFinding(ADVICE.zh, later)).toEqual({ title: 'a-rule-from-later', message: 'a-rule-from-later', explanation: 'a-rule-from-later', fix: 'an-action-from-later' });
  });
});
