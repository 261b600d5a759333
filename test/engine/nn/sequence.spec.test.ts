/**
 * Blocks and sequence layers in specs: nested state_dict names, shapes, counts
 * and error paths; the closed forms and conventions torch fixtures cannot show
 * (init, the sinusoidal table, mask semantics, dropout bookkeeping).
 */
import { describe, expect, it } from 'vitest';
import { blockDefs, buildModel, Generator, layerDef, layerDefs, noGrad, resolveArgs, stochasticModules, sum, Tensor, validateSpec, type LayerReport, type Module } from '../../../engine/index.ts';
import { attentionSoftmax, MultiheadAttention } from '../../../engine/nn/layers/attention.ts';
import { Embedding, SinusoidalPositionalEncoding } from '../../../engine/nn/layers/embedding.ts';
import { TransformerEncoderBlock } from '../../../engine/nn/layers/transformer.ts';
import { gradcheck } from '../../helpers/gradcheck.ts';

const linear = (name: string | undefined, i: number, o: number) => ({ kind: 'Linear', ...(name ? { name } : {}), in_features: i, out_features: o });

const nested = {
  input_shape: [6],
  layers: [
    linear('fc', 6, 8),
    { kind: 'Residual', name: 'res1', layers: [linear(undefined, 8, 4), { kind: 'ReLU' }, linear('up', 4, 8)] },
    { kind: 'Sequential', name: 'block', layers: [{ kind: 'ReLU', name: 'act' }, linear('fc', 8, 3), { kind: 'Residual', layers: [linear('fc', 3, 3)] }] },
  ],
};

describe('blocks: Residual and Sequential nest like torch modules', () => {
  it("state_dict names: the block's name, then the inner name or index (nn.Sequential's scheme)", () => {
    const { model } = buildModel(nested);
    expect([...model.stateDict().keys()]).toEqual([
      'fc.weight', 'fc.bias',
      'res1.0.weight', 'res1.0.bias', 'res1.up.weight', 'res1.up.bias',
      'block.fc.weight', 'block.fc.bias', 'block.2.fc.weight', 'block.2.fc.bias',
    ]);
  });

  it('reports shapes, paths and parameter counts per block, with children', () => {
    const r = validateSpec(nested);
    expect(r.errors).toEqual([]);
    const flat = (ls: LayerReport[]): [string, string, number[] | null, number][] => ls.flatMap((l) => [[l.path, l.kind, l.outputShape, l.paramCount] as [string, string, number[] | null, number], ...flat(l.children ?? [])]);
    expect(flat(r.layers)).toEqual([
      ['fc', 'Linear', [8], 56],
      ['res1', 'Residual', [8], 36 + 40],
      ['res1.0', 'Linear', [4], 36],
      ['res1.1', 'ReLU', [4], 0],
      ['res1.up', 'Linear', [8], 40],
      ['block', 'Sequential', [3], 27 + 12],
      ['block.act', 'ReLU', [8], 0],
      ['block.fc', 'Linear', [3], 27],
      ['block.2', 'Residual', [3], 12],
      ['block.2.fc', 'Linear', [3], 12],
    ]);
    expect(r.totalParams).toBe(56 + 76 + 39);
    expect(r.totalParams).toBe(buildModel(nested).model.parameterCount());
    expect(r.outputShape).toEqual([3]);
  });

  it('Residual computes x + f(x): identity weights and ReLU give x + relu(x)', () => {
    const { model } = buildModel({ input_shape: [3], layers: [{ kind: 'Residual', layers: [linear('fc', 3, 3), { kind: 'ReLU' }] }] });
    const [w, b] = model.parameters();
    w.data.set([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    b.data.fill(0);
    const x = new Tensor(Float32Array.from([-2, 0.5, 3, 1, -1, 0]), [2, 3], true);
    const y = model.forward(x);
    expect([...y.data]).toEqual([-2, 1, 6, 2, -1, 0]);
    sum(y).backward();
    expect([...x.grad!.data]).toEqual([1, 2, 2, 2, 1, 1]); // 1 + relu'(x)
  });

  it('inner layer names are scoped to their block, as torch module names', () => {
    const spec = { input_shape: [4], layers: [{ kind: 'Sequential', name: 'a', layers: [linear('fc', 4, 4)] }, { kind: 'Sequential', name: 'b', layers: [linear('fc', 4, 4)] }] };
    expect(validateSpec(spec).errors).toEqual([]);
  });

  it('the registry lists the block kinds for the palette', () => {
    expect(blockDefs().map((b) => [b.kind, b.category])).toEqual([['Sequential', 'Blocks'], ['Residual', 'Blocks']]);
    expect(blockDefs()[1].torch([['0', 'nn.Linear(8, 8)'], ['1', 'nn.ReLU()']])).toBe('Residual(nn.Linear(8, 8), nn.ReLU())');
    expect(blockDefs()[0].torch([['fc', 'nn.Linear(8, 8)']])).toBe('nn.Sequential(OrderedDict([("fc", nn.Linear(8, 8))]))');
  });
});

describe('errors inside blocks carry the path to the layer', () => {
  const cases: [string, Record<string, unknown>[], string][] = [
    ['a Linear two blocks deep',
      [{ kind: 'ReLU' }, { kind: 'Residual', name: 'res1', layers: [linear(undefined, 4, 4), { kind: 'Sequential', name: 'blk', layers: [linear(undefined, 5, 4)] }] }],
      "layer 1 'res1' › layer 1 'blk' › layer 0 (Linear) expects 5 input features but receives 4; set in_features to 4"],
    ['an unnamed block',
      [{ kind: 'Sequential', layers: [{ kind: 'ReLU' }, { kind: 'Linaer' }] }],
      "layer 0 (Sequential) › layer 1 (Linaer) has unknown kind 'Linaer'; did you mean 'Linear'?"],
    ['a Residual whose layers change the shape names the layer that does',
      [{ kind: 'Residual', name: 'res1', layers: [linear('down', 4, 2), { kind: 'ReLU' }] }],
      "layer 0 'res1' (Residual) adds its input [4] to its layers' output [2], but layer 0 'down' (Linear) changes the shape to [2]; the layers of a Residual block must keep the shape [4]"],
    ['a shape that leaves and comes back is fine, the last change is blamed',
      [{ kind: 'Residual', name: 'r', layers: [linear('a', 4, 2), linear('b', 2, 4), linear('c', 4, 3)] }],
      "layer 0 'r' (Residual) adds its input [4] to its layers' output [3], but layer 2 'c' (Linear) changes the shape to [3]"],
    ['a block without layers', [{ kind: 'Residual', name: 'r' }], `layer 0 'r' (Residual) needs "layers": a non-empty list of the layers inside the block`],
    ['a block with arguments', [{ kind: 'Sequential', name: 's', p: 0.5, layers: [{ kind: 'ReLU' }] }], "layer 0 's' (Sequential) has unknown argument 'p'; a Sequential block takes only name and layers"],
    ['a duplicate name inside a block', [{ kind: 'Sequential', name: 's', layers: [{ kind: 'ReLU', name: 'a' }, { kind: 'ReLU', name: 'a' }] }], "layer 0 's' › layer 1 'a' (ReLU) reuses the name 'a'"],
  ];
  it.each(cases)('%s', (_n, layers, message) => {
    const r = validateSpec({ input_shape: [4], layers });
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toContain(message);
  });

  it('an error inside a block leaves the layers after it without shapes, but counts their parameters', () => {
    const r = validateSpec({ input_shape: [4], layers: [{ kind: 'Sequential', name: 's', layers: [linear('a', 5, 4)] }, linear('b', 4, 2)] });
    expect(r.errors).toHaveLength(1);
    expect(r.layers[0].children?.[0].error).toMatch(/set in_features to 4/);
    expect(r.layers[1].inputShape).toBeNull();
    expect(r.totalParams).toBe(24 + 10);
  });
});

const one = (input_shape: number[], layer: Record<string, unknown>) => validateSpec({ input_shape, layers: [{ name: 'x', ...layer }] });

describe('sequence layers: shapes, counts and errors', () => {
  it('a Transformer classifier spec infers every shape', () => {
    const r = validateSpec({
      input_shape: [12],
      layers: [
        { kind: 'Embedding', name: 'tok', num_embeddings: 100, embedding_dim: 16, padding_idx: 0 },
        { kind: 'SinusoidalPositionalEncoding', name: 'pos', d_model: 16, max_len: 64, dropout: 0.1 },
        { kind: 'TransformerEncoderBlock', name: 'enc', d_model: 16, nhead: 4, dim_feedforward: 64 },
        { kind: 'MultiheadAttention', name: 'attn', embed_dim: 16, num_heads: 2, causal: true },
        { kind: 'SequenceMean', name: 'pool' },
        linear('head', 16, 5),
      ],
    });
    expect(r.errors).toEqual([]);
    expect(r.layers.map((l) => l.outputShape)).toEqual([[12, 16], [12, 16], [12, 16], [12, 16], [16], [5]]);
    const E = 16, F = 64;
    expect(r.layers.map((l) => l.paramCount)).toEqual([1600, 0, 3 * E * E + 3 * E + E * E + E + F * E + F + E * F + E + 4 * E, 4 * E * E + 4 * E, 0, 85]);
  });

  const errors: [string, number[], Record<string, unknown>, RegExp][] = [
    ['heads must divide the width', [5, 10], { kind: 'MultiheadAttention', embed_dim: 10, num_heads: 3 }, /embed_dim 10, which is not divisible by num_heads 3; choose num_heads among 1, 2, 5, 10/],
    ['attention needs a sequence', [16], { kind: 'MultiheadAttention', embed_dim: 16, num_heads: 2 }, /expects a sequence input \[length, embed_dim\] but receives \[16\]; put it after an Embedding/],
    ['encoder width', [5, 12], { kind: 'TransformerEncoderBlock', d_model: 16, nhead: 2 }, /expects d_model 16 but receives 12 features per position; set d_model to 12/],
    ['positions too short', [20, 8], { kind: 'LearnedPositionalEmbedding', max_len: 16, embedding_dim: 8 }, /has max_len 16 but the sequence is 20 long; set max_len to at least 20/],
    ['positional width', [20, 8], { kind: 'SinusoidalPositionalEncoding', d_model: 6 }, /expects d_model 6 but receives 8; set d_model to 8/],
    ['padding outside the vocabulary', [5], { kind: 'Embedding', num_embeddings: 10, embedding_dim: 4, padding_idx: 10 }, /padding_idx 10 outside the vocabulary of 10 ids/],
    ['mean over the batch', [5, 8], { kind: 'SequenceMean', dim: 0 }, /dim=0 would average across the batch/],
    ['encoder activation', [5, 8], { kind: 'TransformerEncoderBlock', d_model: 8, nhead: 2, activation: 'tanh' }, /activation must be one of 'relu', 'gelu'/],
  ];
  it.each(errors)('%s', (_n, shape, layer, message) => {
    const r = one(shape, layer);
    expect(r.ok).toBe(false);
    expect(r.errors.join('\n')).toMatch(message);
  });

  it("sits in the palette's 'Attention & sequence' family with PyTorch expressions", () => {
    const kinds = layerDefs().filter((d) => d.category === 'Attention & sequence').map((d) => d.kind);
    expect(kinds).toEqual(['Embedding', 'LearnedPositionalEmbedding', 'SinusoidalPositionalEncoding', 'MultiheadAttention', 'TransformerEncoderBlock', 'SequenceMean']);
    const expr = (kind: string, args: Record<string, unknown>) => {
      const def = layerDef(kind)!;
      return def.torch(resolveArgs(def, args).args!, { shape: [5, 8] });
    };
    expect(expr('Embedding', { num_embeddings: 10, embedding_dim: 8, padding_idx: 0 })).toBe('nn.Embedding(10, 8, padding_idx=0)');
    expect(expr('TransformerEncoderBlock', { d_model: 8, nhead: 2, dim_feedforward: 32 })).toBe(
      'nn.TransformerEncoderLayer(8, 2, dim_feedforward=32, dropout=0.1, activation="relu", layer_norm_eps=0.00001, batch_first=True, norm_first=False)',
    );
    expect(expr('TransformerEncoderBlock', { d_model: 8, nhead: 2, attn_dropout: 0.2 })).toMatch(/^TransformerEncoderBlock\(8, 2, .*norm_first=False, attn_dropout=0.2\)$/);
    expect(expr('MultiheadAttention', { embed_dim: 8, num_heads: 2, causal: true })).toBe('SelfAttention(8, 2, causal=True)');
  });
});

describe('Embedding', () => {
  it('initialises N(0, 1) with the padding row at zero', () => {
    const e = new Embedding(200, 50, 3, new Generator(1));
    const w = e.weight.data;
    expect([...w.subarray(150, 200)].every((v) => v === 0)).toBe(true);
    const n = w.length - 50;
    const mean = w.reduce((a, b) => a + b, 0) / n;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    expect(new Embedding(5, 2, -1, new Generator(1)).paddingIdx).toBe(4);
  });

  it("the lookup's backward (a primitive) matches finite differences; repeated ids accumulate", () => {
    const e = new Embedding(5, 3, null, new Generator(0));
    const ids = new Tensor(Float32Array.from([1, 3, 1, 4, 0, 1]), [2, 3]);
    gradcheck(() => e.forward(ids), [e.weight]);
  });

  it.each([
    [[0, 2.5], /element 1 of the input \(shape \[1, 2\]\) is 2.5/],
    [[0, 10], /integer token ids in \[0, 9\] but element 1 .* is 10; feed token ids, or raise num_embeddings/],
    [[-1, 0], /element 0 .* is -1/],
  ] as [number[], RegExp][])('rejects %j with a message saying which id is wrong', (ids, message) => {
    const e = new Embedding(10, 4, null, new Generator(0));
    expect(() => e.forward(new Tensor(Float32Array.from(ids), [1, ids.length]))).toThrow(message);
  });
});

describe("dropout on token + positional embeddings (the article's third Transformer placement)", () => {
  it.each(['LearnedPositionalEmbedding', 'SinusoidalPositionalEncoding'])('%s: a dropout child masks the sum in training, identity in eval', (kind) => {
    const args = kind === 'LearnedPositionalEmbedding' ? { max_len: 6, embedding_dim: 4 } : { d_model: 4, max_len: 6 };
    const { model } = buildModel({ input_shape: [6, 4], layers: [{ kind, name: 'pos', ...args, dropout: 0.5 }] });
    expect(stochasticModules(model).map(([n, m]) => [n, m.p])).toEqual([['pos.dropout', 0.5]]);
    expect([...model.stateDict().keys()]).toEqual(kind === 'LearnedPositionalEmbedding' ? ['pos.weight'] : []);
    const x = new Tensor(new Float32Array(2 * 6 * 4), [2, 6, 4]);
    const evalOut = [...noGrad(() => model.eval().forward(x)).data];
    const drop = stochasticModules(model)[0][1];
    drop.forcedNoise = Float32Array.from({ length: 48 }, (_, i) => i % 2);
    const y = noGrad(() => model.train().forward(x));
    y.data.forEach((v, i) => expect(v).toBeCloseTo(i % 2 ? 2 * evalOut[i] : 0, 6));
  });
});

describe('SinusoidalPositionalEncoding', () => {
  it('adds sin(pos/10000^(2i/d)) and cos(pos/10000^(2i/d)), and saves nothing', () => {
    const d = 6, L = 4;
    const pe = new SinusoidalPositionalEncoding(d, 10, 0);
    expect([...pe.stateDict().keys()]).toEqual([]);
    expect(pe.parameterCount()).toBe(0);
    const y = pe.forward(new Tensor(new Float32Array(L * d), [1, L, d]));
    for (let pos = 0; pos < L; pos++) {
      for (let i = 0; 2 * i < d; i++) {
        const a = pos / 10000 ** ((2 * i) / d);
        expect(y.data[pos * d + 2 * i]).toBeCloseTo(Math.sin(a), 6);
        expect(y.data[pos * d + 2 * i + 1]).toBeCloseTo(Math.cos(a), 6);
      }
    }
  });
});

describe('MultiheadAttention', () => {
  const E = 32;
  it("initialises as torch: xavier_uniform_ in_proj_weight, nn.Linear's out_proj.weight, zero biases", () => {
    const m = new MultiheadAttention(E, 4, 0, true, true, new Generator(2));
    const w = m.inProjWeight.data;
    const bound = Math.sqrt(6 / (E + 3 * E));
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    const std = Math.sqrt(w.reduce((a, b) => a + b * b, 0) / w.length);
    expect(std).toBeCloseTo(bound / Math.sqrt(3), 2);
    expect(Math.max(...m.outProj.weight.data.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(E));
    expect(Math.max(...m.outProj.weight.data.map(Math.abs))).toBeGreaterThan(0.95 / Math.sqrt(E)); // U(±1/√E) reaches near its bound
    expect([...m.inProjBias!.data, ...m.outProj.bias!.data].every((v) => v === 0)).toBe(true);
  });

  it.each([
    ['no mask', null],
    ['a mask shared by the heads', [2, 1, 3, 4]],
    ['a mask per head', [2, 3, 3, 4]],
  ] as [string, number[] | null][])("its fused softmax(scale·s + mask) primitive matches finite differences: %s", (_n, maskShape) => {
    const g = new Generator(8);
    const mask = maskShape && new Tensor(g.normal(maskShape.reduce((a, b) => a * b, 1)).map((v) => (v > 1.2 ? -Infinity : v)), maskShape);
    if (mask) for (let r = 0; r < mask.size; r += 4) mask.data[r] = 0; // no row masked everywhere
    gradcheck((s) => attentionSoftmax(s, 0.7, mask), [new Tensor(g.normal(2 * 3 * 3 * 4), [2, 3, 3, 4])]);
  });

  it('masks: causal weights vanish above the diagonal, padded keys get none, rows sum to 1', () => {
    const m = new MultiheadAttention(8, 2, 0, true, true, new Generator(3));
    const g = new Generator(4);
    const x = new Tensor(g.normal(2 * 5 * 8), [2, 5, 8]);
    const kpm = new Tensor(Float32Array.from([0, 0, 0, 0, 1, 0, 0, 0, 1, 1]), [2, 5]);
    const { weights } = noGrad(() => m.attend(x, x, x, { causal: true, keyPaddingMask: kpm }));
    const w = weights!.data;
    for (let n = 0; n < 2; n++) {
      for (let i = 0; i < 5; i++) {
        let rowSum = 0;
        for (let j = 0; j < 5; j++) {
          const v = w[(n * 5 + i) * 5 + j];
          rowSum += v;
          if (j > i || kpm.data[n * 5 + j] === 1) expect(v).toBe(0);
        }
        expect(rowSum).toBeCloseTo(1, 6);
      }
    }
  });

  it('keeps the head-averaged weights of a forward only when asked, and computes the same either way', () => {
    const x = new Tensor(new Generator(6).normal(3 * 7 * 8), [3, 7, 8]);
    const run = (keep: boolean) => {
      const m = new MultiheadAttention(8, 2, 0.3, true, true, new Generator(5));
      m.keepAttention = keep;
      m.setGenerator(new Generator(9));
      const y = m.forward(x);
      sum(y).backward();
      return { m, y: [...y.data], grad: [...m.inProjWeight.grad!.data] };
    };
    const plain = run(false), kept = run(true);
    expect(plain.m.lastAttention).toBeNull();
    expect(kept.y).toEqual(plain.y);
    expect(kept.grad).toEqual(plain.grad);
    // Weights after dropout (kept ones scaled by 1/0.7), averaged over the 2 heads: (3, 7, 7), every row sums to about 1.
    const w = kept.m.lastAttention!;
    expect(w.shape).toEqual([3, 7, 7]);
    for (let r = 0; r < 3 * 7; r++) {
      const row = w.data.subarray(r * 7, r * 7 + 7);
      expect(row.every((v) => v >= 0)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.3);
      expect(row.reduce((a, b) => a + b, 0)).toBeLessThan(2);
    }
    // In eval, without dropout, they are the weights attend returns for need_weights: rows of probabilities.
    kept.m.eval().forward(x);
    const { weights } = noGrad(() => kept.m.attend(x, x, x));
    expect([...kept.m.lastAttention!.data]).toEqual([...weights!.data]);
    for (let r = 0; r < 3 * 7; r++) expect(weights!.data.subarray(r * 7, r * 7 + 7).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('records the attention-dropout mask in training (rate ≈ p) and none in eval', () => {
    const m = new MultiheadAttention(8, 2, 0.3, true, true, new Generator(5));
    const x = new Tensor(new Generator(6).normal(4 * 16 * 8), [4, 16, 8]);
    m.forward(x);
    expect(m.lastNoiseShape).toEqual([4, 2, 16, 16]);
    const kept = m.lastNoise!.reduce((a, b) => a + b, 0) / m.lastNoise!.length;
    expect(Math.abs(kept - 0.7)).toBeLessThan(0.05);
    m.eval().forward(x);
    expect(m.lastNoise).toBeNull();
  });
});

describe('TransformerEncoderBlock', () => {
  it('has torch\'s submodules, and separate dropouts default to dropout', () => {
    const { model } = buildModel({ input_shape: [5, 8], layers: [{ kind: 'TransformerEncoderBlock', name: 'enc', d_model: 8, nhead: 2, dim_feedforward: 16, dropout: 0.2, attn_dropout: 0.05, dropout2: 0 }] });
    const block = model.namedChildren()[0][1] as TransformerEncoderBlock;
    expect(block.namedChildren().map(([n]) => n)).toEqual(['self_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'dropout1', 'dropout2']);
    expect(stochasticModules(model).map(([n, m]) => [n, m.p])).toEqual([
      ['enc.self_attn', 0.05], ['enc.dropout', 0.2], ['enc.dropout1', 0.2], ['enc.dropout2', 0],
    ]);
  });

  it('eval mode is deterministic whatever the dropouts', () => {
    const { model } = buildModel({ input_shape: [5, 8], layers: [{ kind: 'TransformerEncoderBlock', d_model: 8, nhead: 2, dim_feedforward: 16, dropout: 0.5 }] });
    const x = new Tensor(new Generator(7).normal(2 * 5 * 8), [2, 5, 8]);
    model.eval();
    const run = (m: Module) => [...noGrad(() => m.forward(x)).data];
    expect(run(model)).toEqual(run(model));
    model.train();
    expect(run(model)).not.toEqual(run(model));
  });
});
