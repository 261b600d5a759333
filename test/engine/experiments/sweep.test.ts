/** Sweep plans expand into the variants they promise; the runner trains, hands over, and cancels as it says. */
import { describe, expect, it } from 'vitest';
import { expandSweep, placeDropout, SweepRunner, type FinishedRun } from '../../../engine/experiments/sweep.ts';
import { defaultSettings } from '../../../engine/train/settings.ts';
import { validateSpec, type ModelSpec } from '../../../engine/nn/spec.ts';
import { makeTwoD } from '../../../engine/data/synthetic.ts';
import { newProject } from '../../../engine/project/project.ts';
import { recordRun } from '../../../engine/project/runs.ts';
import { templateSpec } from '../../../engine/project/templates.ts';

const mlp: ModelSpec = {
  input_shape: [2],
  layers: [
    { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 16 },
    { kind: 'ReLU', name: 'relu1' },
    { kind: 'Dropout', name: 'drop1', p: 0.5 },
    { kind: 'Linear', name: 'fc2', in_features: 16, out_features: 16 },
    { kind: 'ReLU', name: 'relu2' },
    { kind: 'Dropout', name: 'drop2', p: 0.5 },
    { kind: 'Linear', name: 'out', in_features: 16, out_features: 2 },
  ],
};
const settings = defaultSettings({ epochs: 2, batch_size: 32, optimizer: { type: 'adam', lr: 0.01 } });
const pOf = (s: ModelSpec, name: string) => s.layers.find((l) => l.name === name)?.p;
const kinds = (s: ModelSpec) => s.layers.map((l) => l.kind);

describe('expandSweep', () => {
  it('tied: every named layer gets each p, crossed with the seeds (settings outer, seeds inner)', () => {
    const v = expandSweep(mlp, settings, { layers: ['drop1', 'drop2'], p: [0.3, 0, 0.1], seeds: [4, 5] });
    expect(v.map((x) => x.label)).toEqual(['p=0 · seed 4', 'p=0 · seed 5', 'p=0.1 · seed 4', 'p=0.1 · seed 5', 'p=0.3 · seed 4', 'p=0.3 · seed 5']);
    expect(v.map((x) => [pOf(x.spec, 'drop1'), pOf(x.spec, 'drop2'), x.settings.seed])).toEqual([[0, 0, 4], [0, 0, 5], [0.1, 0.1, 4], [0.1, 0.1, 5], [0.3, 0.3, 4], [0.3, 0.3, 5]]);
    expect(v[2]).toMatchObject({ group: 'p=0.1', p: { drop1: 0.1, drop2: 0.1 }, placement: null });
    expect(pOf(mlp, 'drop1')).toBe(0.5); // the original is untouched
  });

  it('sets the argument that is the layer\'s rate: GaussianDropout\'s `rate`, not a `p` it does not take', () => {
    const gauss: ModelSpec = { ...mlp, layers: mlp.layers.map((l) => (l.name === 'drop1' ? { kind: 'GaussianDropout', name: 'drop1', rate: 0.5 } : l)) };
    const [v] = expandSweep(gauss, settings, { layers: ['drop1'], p: [0.2], seeds: [0] });
    expect(v.spec.layers[2]).toEqual({ kind: 'GaussianDropout', name: 'drop1', rate: 0.2 });
    expect(validateSpec(v.spec).ok).toBe(true);
  });

  it('independent: a grid over each layer', () => {
    const v = expandSweep(mlp, settings, { layers: ['drop1', 'drop2'], tie: 'independent', p: [0, 0.5], seeds: [0] });
    expect(v.map((x) => x.group)).toEqual(['drop1=0 drop2=0', 'drop1=0 drop2=0.5', 'drop1=0.5 drop2=0', 'drop1=0.5 drop2=0.5']);
  });

  it('defaults: p = 0, 0.1, …, 0.7 and seeds 0, 1, 2; --epochs overrides the project', () => {
    const v = expandSweep(mlp, settings, { layers: ['drop1'], epochs: 7 });
    expect([...new Set(v.map((x) => x.p.drop1))]).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(v).toHaveLength(24);
    expect(v.every((x) => x.settings.epochs === 7)).toBe(true);
  });

  it('finds a dropout inside a block by its name or dotted path', () => {
    const res: ModelSpec = { input_shape: [8], layers: [{ kind: 'Residual', name: 'res', layers: [{ kind: 'Linear', in_features: 8, out_features: 8 }, { kind: 'Dropout', name: 'inner', p: 0.2 }] }, { kind: 'Linear', in_features: 8, out_features: 2 }] };
    for (const ref of ['inner', 'res.inner']) {
      const [v] = expandSweep(res, settings, { layers: [ref], p: [0.4], seeds: [0] });
      expect(v.p).toEqual({ 'res.inner': 0.4 });
      expect(v.spec.layers[0].layers?.[1].p).toBe(0.4);
    }
  });

  it.each([
    [{ layers: ['dropp'] }, /no layer 'dropp'.*'drop1' \(Dropout\), 'drop2' \(Dropout\)/],
    [{ layers: ['fc1'] }, /'fc1' is a Linear, which has no dropout rate/],
    [{ layers: ['drop1'], placements: ['none'] }, /either named dropout layers .* or placements/],
    [{}, /name the dropout layers/],
    [{ layers: ['drop1'], p: [1] }, /plan is not valid: p\.0/],
  ])('refuses %j with a message that says what to do', (plan, msg) => {
    expect(() => expandSweep(mlp, settings, plan as never)).toThrow(msg);
  });
});

describe('placements', () => {
  it('after-linear: the model\'s own dropout goes, one Dropout follows each hidden Linear\'s activation, none after the output', () => {
    const { spec, layers } = placeDropout(mlp, 'after-linear', 0.3);
    expect(kinds(spec)).toEqual(['Linear', 'ReLU', 'Dropout', 'Linear', 'ReLU', 'Dropout', 'Linear']);
    expect(layers).toEqual(['sweep_drop_fc1', 'sweep_drop_fc2']);
    expect(spec.layers.filter((l) => l.kind === 'Dropout').map((l) => l.p)).toEqual([0.3, 0.3]);
    expect(kinds(placeDropout(mlp, 'none', 0.3).spec)).toEqual(['Linear', 'ReLU', 'Linear', 'ReLU', 'Linear']);
  });

  it('after conv: Dropout2d or DropBlock2d after each conv stage (activation and pooling), and the CNN still validates', () => {
    const cnn = templateSpec('cnn', { inputShape: [1, 28, 28], classes: 10 });
    const d2 = placeDropout(cnn, 'after-conv-dropout2d', 0.2).spec;
    expect(kinds(d2).slice(0, 8)).toEqual(['Conv2d', 'ReLU', 'MaxPool2d', 'Dropout2d', 'Conv2d', 'ReLU', 'MaxPool2d', 'Dropout2d']);
    expect(kinds(d2)).not.toContain('Dropout');
    expect(validateSpec(d2).ok).toBe(true);
    const db = placeDropout(cnn, 'after-conv-dropblock', 0.1).spec;
    expect(kinds(db).filter((k) => k === 'DropBlock2d')).toHaveLength(2);
    expect(validateSpec(db).ok).toBe(true);
  });

  it('a placement sweep crosses placements with p (none once) and seeds', () => {
    const v = expandSweep(mlp, settings, { placements: ['none', 'after-linear'], p: [0.2, 0.4], seeds: [0, 1] });
    expect([...new Set(v.map((x) => x.group))]).toEqual(['none', 'after-linear p=0.2', 'after-linear p=0.4']);
    expect(v).toHaveLength(6);
    expect(() => expandSweep(mlp, settings, { placements: ['after-conv-dropout2d'] })).toThrow(/finds no Conv2d/);
  });
});

describe('SweepRunner', () => {
  const data = { data: makeTwoD('moons', { samples: 120, seed: 1 }) };
  const dataset = { id: 'moons' as const, samples: 120, seed: 1 };
  const variants = expandSweep(mlp, settings, { layers: ['drop1'], p: [0, 0.5], seeds: [0] });

  it('trains each variant in turn and hands each over as it finishes, ready for recordRun', async () => {
    const bundle = newProject({ model: mlp, dataset });
    const got: FinishedRun[] = [];
    const fractions: number[] = [];
    const runner = new SweepRunner({
      variants, data, dataset,
      onProgress: (p) => fractions.push(p.fraction),
      onRun: (r) => {
        got.push(r);
        recordRun(bundle, { id: `sweep-${r.index}`, name: r.variant.label, created: new Date(0).toISOString(), status: r.status, spec: r.variant.spec, dataset, settings: r.variant.settings, history: r.history, test: r.test, normalizer: r.normalizer, checkpoint: r.checkpoint, model: r.model });
      },
    });
    expect(await runner.run()).toEqual({ status: 'done', finished: 2 });
    expect(got.map((r) => r.variant.label)).toEqual(['p=0 · seed 0', 'p=0.5 · seed 0']);
    expect(got.every((r) => r.history.epochs.length === 2 && r.train_eval.loss > 0)).toBe(true);
    expect(bundle.project.runs.map((r) => [r.name, pOf(r.spec, 'drop1'), r.weights !== null])).toEqual([['p=0 · seed 0', 0, true], ['p=0.5 · seed 0', 0.5, true]]);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
  });

  it('cancel within a run: that run is dropped and no other starts', async () => {
    let runs = 0;
    const runner: SweepRunner = new SweepRunner({ variants, data, dataset, onRun: () => void runs++, onProgress: () => runner.cancel() });
    expect(await runner.run()).toEqual({ status: 'cancelled', finished: 0 });
    expect(runs).toBe(0);
  });

  it('cancel between runs: finished runs are kept', async () => {
    const runner: SweepRunner = new SweepRunner({ variants, data, dataset, onRun: () => runner.cancel() });
    expect(await runner.run()).toEqual({ status: 'cancelled', finished: 1 });
  });
});
