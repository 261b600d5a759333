/**
 * Every sentence the engine's advisor writes has a template in i18n/model.ts: English comes back
 * word for word, Chinese is filled from the same values. The findings are the engine's own, so a
 * reworded engine sentence fails here instead of showing untranslated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { advise, type AdviceContext } from '../../engine/experiments/advisor.ts';
import type { LayerSpec, ModelSpec } from '../../engine/nn/spec.ts';
import { adviceText, matchAdvice, ruleTitle, type AdviceField } from '../../renderer/src/components/advice/advice-text.ts';
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

function texts(spec: ModelSpec, ctx?: AdviceContext): [string, AdviceField, string][] {
  return advise(spec, ctx).flatMap((f): [string, AdviceField, string][] => [
    [f.rule, 'msg', f.message], [f.rule, 'why', f.explanation], ...(f.fix ? [[f.rule, 'fix', f.fix.label] as [string, AdviceField, string]] : []),
  ]);
}

afterEach(() => i18n.set('en'));

describe('advice in the reader\'s language', () => {
  it.each(CASES)('%s: every sentence has a template; English round-trips, Chinese is filled', (_what, spec, ctx) => {
    const all = texts(spec, ctx);
    expect(all.length).toBeGreaterThan(0);
    for (const [rule, field, text] of all) {
      expect(matchAdvice(field, rule, text), `${rule} ${field}: ${text}`).not.toBeNull();
      i18n.set('en');
      expect(adviceText(field, rule, text)).toBe(text);
      expect(ruleTitle(rule)).not.toBe(rule);
      i18n.set('zh');
      const zh = adviceText(field, rule, text);
      expect(zh, text).toMatch(/[\u4e00-\u9fff]/);
      expect(zh).not.toMatch(/\{\w+\}/);
    }
  });

  it('keeps layer names and numbers, and says "layer N" in Chinese for an unnamed layer', () => {
    i18n.set('zh');
    const [rate] = advise(mlp({ kind: 'Dropout', p: 0.9 }));
    expect(adviceText('msg', rate.rule, rate.message)).toBe('Dropout 层 2 的 p = 0.9，高于常用的 0.1–0.5；大部分单元都被丢弃。');
    expect(adviceText('why', rate.rule, rate.explanation)).toContain('只有 10% 的单元');
    const [head] = advise(vec([fc(64, 128, 'fc1'), { kind: 'ReLU' }, fc(128, 2, 'out')], 64), overfitting);
    expect(adviceText('msg', head.rule, head.message)).toMatch(/^Linear 'fc1'（8,320 个参数）.*增大了 0\.300，达到 0\.350。$/);
  });

  it('shows a sentence it has no template for as the engine wrote it', () => {
    i18n.set('zh');
    expect(matchAdvice('msg', 'dropout-rate', 'Something new about p.')).toBeNull();
    expect(adviceText('msg', 'dropout-rate', 'Something new about p.')).toBe('Something new about p.');
    expect(adviceText('msg', 'a-rule-from-later', 'Dropout is fine.')).toBe('Dropout is fine.');
    expect(ruleTitle('a-rule-from-later')).toBe('a-rule-from-later');
  });

  it('tells the variants of one rule apart', () => {
    expect(matchAdvice('msg', 'dropout-rate', "Dropout 'd' has p = 0.6, above the usual 0.1–0.5.")?.key).toBe('model.advice.msg.dropout-rate.high');
    expect(matchAdvice('msg', 'dropout-rate', "Dropout 'd' has p = 0.9, above the usual 0.1–0.5; most units are dropped.")).toEqual({
      key: 'model.advice.msg.dropout-rate.extreme', vars: { kind: 'Dropout', name: "'d'", p: '0.9' },
    });
  });
});
