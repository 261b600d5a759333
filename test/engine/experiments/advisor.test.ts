/** Each advisor rule fires where the article says the placement is wrong, stays silent where it is right, and its fix validates. */
import { describe, expect, it } from 'vitest';
import { ADVICE_EN, renderFinding } from '../../../engine/experiments/advice-text.ts';
import { advise, ARTICLE, gapWidening, type AdviceContext } from '../../../engine/experiments/advisor.ts';
import { validateSpec, type LayerSpec, type ModelSpec } from '../../../engine/nn/spec.ts';
import { templateSpec } from '../../../engine/project/templates.ts';

const vec = (layers: LayerSpec[], n = 8): ModelSpec => ({ input_shape: [n], layers });
const fc = (i: number, o: number, name?: string): LayerSpec => ({ kind: 'Linear', ...(name ? { name } : {}), in_features: i, out_features: o });
const img = (layers: LayerSpec[]): ModelSpec => ({ input_shape: [1, 8, 8], layers: [{ kind: 'Conv2d', name: 'conv', in_channels: 1, out_channels: 4, kernel_size: 3, padding: 1 }, ...layers] });
const block = (o: Record<string, unknown> = {}): LayerSpec => ({ kind: 'TransformerEncoderBlock', name: 'block', d_model: 8, nhead: 2, dim_feedforward: 16, ...o });
const seq = (layers: LayerSpec[]): ModelSpec => ({ input_shape: [6], layers: [{ kind: 'Embedding', name: 'embed', num_embeddings: 10, embedding_dim: 8 }, ...layers, { kind: 'SequenceMean' }, fc(8, 2)] });
const overfitting: AdviceContext = { history: [0.5, 0.4, 0.3, 0.25, 0.2].map((t, i) => ({ train_loss: t, val_loss: [0.5, 0.45, 0.45, 0.5, 0.55][i] })) };
const steady: AdviceContext = { history: [0.5, 0.4, 0.3, 0.25, 0.2].map((t) => ({ train_loss: t, val_loss: t + 0.05 })) };
const wide = (layers: LayerSpec[]) => vec([fc(64, 128, 'fc1'), { kind: 'ReLU' }, ...layers, fc(128, 2, 'out')], 64);

const rules = (spec: ModelSpec, ctx?: AdviceContext) => advise(spec, ctx).map((f) => `${f.rule}@${f.layer ?? 'model'}:${f.severity}`);

// [what, spec, context, the findings expected (exactly)]
const CASES: [string, ModelSpec, AdviceContext | undefined, string[]][] = [
  ['the MLP template (the article\'s own)', templateSpec('mlp', { inputShape: [2], classes: 2 }), undefined, []],
  ['the CNN template', templateSpec('cnn', { inputShape: [1, 28, 28], classes: 10 }), undefined, []],
  ['the Transformer template', templateSpec('transformer', { inputShape: [16], classes: 2, vocab: 12 }), undefined, []],
  // BatchNorm
  ['Dropout right after BatchNorm', vec([fc(8, 16), { kind: 'BatchNorm1d', num_features: 16 }, { kind: 'Dropout', name: 'd', p: 0.3 }, { kind: 'ReLU' }, fc(16, 2)]), undefined, ['dropout-after-batchnorm@d:warning']],
  ['BatchNorm → ReLU → Dropout', vec([fc(8, 16), { kind: 'BatchNorm1d', num_features: 16 }, { kind: 'ReLU' }, { kind: 'Dropout', name: 'd', p: 0.3 }, fc(16, 2)]), undefined, []],
  // feature maps
  ['element-wise Dropout on conv feature maps', img([{ kind: 'ReLU' }, { kind: 'Dropout', name: 'd', p: 0.3 }, { kind: 'Flatten' }, fc(256, 2)]), undefined, ['elementwise-dropout-on-feature-maps@d:info']],
  ['Dropout2d on conv feature maps', img([{ kind: 'ReLU' }, { kind: 'Dropout2d', name: 'd', p: 0.3 }, { kind: 'Flatten' }, fc(256, 2)]), undefined, []],
  ['Dropout after Flatten', img([{ kind: 'ReLU' }, { kind: 'Flatten' }, { kind: 'Dropout', name: 'd', p: 0.3 }, fc(256, 2)]), undefined, []],
  // output
  ['Dropout as the last layer', vec([fc(8, 16), { kind: 'ReLU' }, fc(16, 2), { kind: 'Dropout', name: 'd', p: 0.3 }]), undefined, ['dropout-on-output@d:warning']],
  ['Dropout right before Softmax', vec([fc(8, 16), { kind: 'ReLU' }, fc(16, 2), { kind: 'Dropout', name: 'd', p: 0.3 }, { kind: 'Softmax' }]), undefined, ['dropout-on-output@d:warning']],
  ['Dropout before the output Linear (the article\'s place)', vec([fc(8, 16), { kind: 'ReLU' }, { kind: 'Dropout', name: 'd', p: 0.3 }, fc(16, 2)]), undefined, []],
  // rate
  ['p = 0.05', vec([fc(8, 16), { kind: 'ReLU' }, { kind: 'Dropout', name: 'd', p: 0.05 }, fc(16, 2)]), undefined, ['dropout-rate@d:info']],
  ['p = 0.6', vec([fc(8, 16), { kind: 'ReLU' }, { kind: 'Dropout', name: 'd', p: 0.6 }, fc(16, 2)]), undefined, ['dropout-rate@d:info']],
  ['p = 0.8', vec([fc(8, 16), { kind: 'ReLU' }, { kind: 'Dropout', name: 'd', p: 0.8 }, fc(16, 2)]), undefined, ['dropout-rate@d:warning']],
  ['p = 0.1 and p = 0.5 (the edges)', vec([fc(8, 16), { kind: 'ReLU' }, { kind: 'Dropout', name: 'a', p: 0.1 }, fc(16, 16), { kind: 'ReLU' }, { kind: 'Dropout', name: 'b', p: 0.5 }, fc(16, 2)]), undefined, []],
  // AlphaDropout
  ['AlphaDropout with ReLU', vec([fc(8, 16), { kind: 'ReLU' }, { kind: 'AlphaDropout', name: 'a', p: 0.1 }, fc(16, 2)]), undefined, ['alpha-dropout-without-selu@a:warning']],
  ['AlphaDropout with SELU', vec([fc(8, 16), { kind: 'SELU' }, { kind: 'AlphaDropout', name: 'a', p: 0.1 }, fc(16, 2)]), undefined, []],
  // a large head and a widening gap
  ['large head, no dropout, widening gap', wide([]), overfitting, ['fc-without-dropout@fc1:warning']],
  ['large head, no dropout, steady gap', wide([]), steady, []],
  ['large head with dropout, widening gap', wide([{ kind: 'Dropout', p: 0.3 }]), overfitting, []],
  ['small head, no dropout, widening gap', vec([fc(8, 16, 'fc1'), { kind: 'ReLU' }, fc(16, 2)]), overfitting, []],
  // Transformer
  ['block with dropout 0', seq([{ kind: 'Dropout', p: 0.1 }, block({ dropout: 0 })]), undefined, ['transformer-attention-dropout@block:info', 'transformer-ffn-dropout@block:info']],
  ['block with only the FFN output dropout off', seq([{ kind: 'Dropout', p: 0.1 }, block({ dropout2: 0 })]), undefined, ['transformer-ffn-dropout@block:info']],
  ['no dropout after embedding + positions', seq([{ kind: 'LearnedPositionalEmbedding', name: 'pos', max_len: 6, embedding_dim: 8 }, block()]), undefined, ['transformer-embedding-dropout@embed:info']],
  ['positional layer with its own dropout', seq([{ kind: 'LearnedPositionalEmbedding', name: 'pos', max_len: 6, embedding_dim: 8, dropout: 0.1 }, block()]), undefined, []],
];

describe('advise', () => {
  it.each(CASES)('%s', (_what, spec, ctx, expected) => {
    expect(validateSpec(spec).errors).toEqual([]);
    expect(rules(spec, ctx)).toEqual(expected);
  });

  it('every fix is a valid spec that silences its own finding', () => {
    for (const [what, spec, ctx] of CASES) {
      for (const f of advise(spec, ctx)) {
        if (!f.fix) continue;
        expect(validateSpec(f.fix.spec).errors, `${what}: ${f.fix.action}`).toEqual([]);
        expect(advise(f.fix.spec, ctx).map((g) => g.id), `${what}: ${f.fix.action}`).not.toContain(f.id);
      }
    }
  });

  it('findings carry the values their sentences quote, the fix as data and the article heading they come from', () => {
    const [f] = advise(CASES[3][1]);
    expect(f).toMatchObject({
      id: 'dropout-after-batchnorm:d', variant: null, vars: { kind: 'Dropout', name: "'d'", prev: 'BatchNorm1d' },
      article_section: '§2.3 BatchNorm 层与 Dropout 的关系', fix: { action: 'move-after', vars: { kind: 'Dropout', next: 'ReLU' } },
    });
    expect(renderFinding(ADVICE_EN, f)).toMatchObject({ message: "Dropout 'd' comes directly after BatchNorm1d.", fix: 'Move Dropout after ReLU' });
    expect(f.fix!.spec.layers.map((l) => l.kind)).toEqual(['Linear', 'BatchNorm1d', 'ReLU', 'Dropout', 'Linear']);
    expect(Object.values(ARTICLE).every((h) => /^§\d\.\d \S/.test(h))).toBe(true);
  });

  it('reads and lowers a layer\'s own rate argument (GaussianDropout\'s `rate`)', () => {
    const [f] = advise(vec([fc(8, 16), { kind: 'BatchNorm1d', num_features: 16 }, { kind: 'GaussianDropout', name: 'g', rate: 0.3 }, fc(16, 2)]));
    expect(f.fix).toMatchObject({ action: 'lower-p', vars: { p: 0.1 } });
    expect(f.fix!.spec.layers[2]).toEqual({ kind: 'GaussianDropout', name: 'g', rate: 0.1 });
    expect(validateSpec(f.fix!.spec).errors).toEqual([]);
    // At rate 0.1 there is nothing to lower (the old reading took an unset `p` as 0.5).
    expect(advise(vec([fc(8, 16), { kind: 'BatchNorm1d', num_features: 16 }, { kind: 'GaussianDropout', name: 'g', rate: 0.1 }, fc(16, 2)]))[0].fix).toBeNull();
  });

  it('the fixed spec of a new Dropout gets a fresh name and p = 0.5; the original spec is untouched', () => {
    const spec = wide([]);
    const [f] = advise(spec, overfitting);
    expect(f.fix!.spec.layers.map((l) => l.kind)).toEqual(['Linear', 'ReLU', 'Dropout', 'Linear']);
    expect(f.fix!.spec.layers[2]).toEqual({ kind: 'Dropout', name: 'dropout_fc1', p: 0.5 });
    expect(spec.layers).toHaveLength(3);
  });

  it.each([
    [{ mode: 'train', action: 'evaluate' }, ['train-mode-action@model:warning']],
    [{ mode: 'train', action: 'export' }, ['train-mode-action@model:warning']],
    [{ mode: 'eval', action: 'export' }, []],
    [{ mode: 'train' }, []],
  ] as [AdviceContext, string[]][])('mode %j', (ctx, expected) => {
    expect(rules(CASES[0][1], ctx)).toEqual(expected);
  });

  it('"widening" means: the loss gap grew by > 0.05 over the last 3 epochs and exceeds 0.1', () => {
    expect(gapWidening(overfitting.history)).toMatchObject({ widening: true });
    expect(gapWidening(overfitting.history!.slice(0, 3))).toMatchObject({ widening: false, gap: null }); // too short
    const g = (gaps: number[]) => gapWidening(gaps.map((x) => ({ train_loss: 0.2, val_loss: 0.2 + x }))).widening;
    expect(g([0.05, 0.08, 0.11, 0.12])).toBe(true);
    expect(g([0.05, 0.06, 0.07, 0.09])).toBe(false); // under 0.1
    expect(g([0.2, 0.21, 0.22, 0.23])).toBe(false); // large but not growing enough
  });
});
