/** Running models: evaluate, results, predict (optionally MC-dropout) and inspect, on a trained run or a spec. */
import type { ParsedParamsOf, ResultOf, TensorData } from '../protocol.ts';
import { validateSpec, buildModel, type ModelSpec } from '../nn/spec.ts';
import type { Sequential } from '../nn/module.ts';
import { StochasticModule } from '../nn/stochastic.ts';
import { subset, type Dataset } from '../data/dataset.ts';
import { getBatch, normalize, type Normalizer } from '../data/pipeline.ts';
import { evaluate } from '../train/trainer.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { Generator } from '../tensor/random.ts';
import { noGrad } from '../tensor/grad-mode.ts';
import { argmaxLast } from '../ops/reduce.ts';
import { splitResults } from '../results/results.ts';
import type { McStats } from '../experiments/mc-dropout.ts';
import type { DatasetCache } from './dataset-cache.ts';
import type { ProjectSession } from './project-session.ts';
import { argmaxRow, type McJobs } from './mc-jobs.ts';
import { ReplyError } from './reply-error.ts';

type ModelSource = ParsedParamsOf<'predict'>['model'];

export class Inference {
  constructor(private readonly datasets: DatasetCache, private readonly project: ProjectSession, private readonly mc: McJobs) {}

  async evaluate(p: ParsedParamsOf<'evaluate'>): Promise<ResultOf<'evaluate'>> {
    const r = this.project.loadRun(p.run_id);
    const d = normalize((await this.datasets.runSplit(r, p.split)).split, r.normalizer);
    const m = evaluate(r.model, d, 256);
    return { run_id: r.runId, split: p.split, samples: d.size, loss: m.loss, accuracy: m.accuracy };
  }

  async results(p: ParsedParamsOf<'results'>): Promise<ResultOf<'results'>> {
    const r = this.project.loadRun(p.run_id);
    const { data, split: d } = await this.datasets.runSplit(r, p.split);
    const frame = data.test ? [data.data, data.test] : [data.data];
    const res = await splitResults(r.model, d, r.normalizer, { samples: p.samples, grid: p.grid, frame });
    return { run_id: r.runId, split: p.split, ...res };
  }

  async predict(p: ParsedParamsOf<'predict'>): Promise<ResultOf<'predict'>> {
    const m = this.model(p.model);
    const x = await this.input(p.input, m.spec, m.normalizer);
    if (p.mc) {
      const task = 'run_id' in p.model ? (await this.datasets.prepare(this.project.findRun(p.model.run_id).dataset)).data.task : 'classification';
      const s = await this.mc.run(m.model, x, { passes: p.mc.passes, seed: p.seed, task });
      const mean = { shape: [s.samples, s.width], data: s.mean };
      const predicted = task === 'classification' ? Array.from({ length: s.samples }, (_, i) => argmaxRow(s.mean, i, s.width)) : null;
      return { mode: 'train', output: mean, predicted, mc: mcWire(s, p.seed) };
    }
    setMode(m.model, p.mode, p.seed);
    const y = noGrad(() => m.model.forward(x));
    return { mode: p.mode, output: tensorData(y), predicted: y.shape.length === 2 ? Array.from(argmaxLast(y)) : null };
  }

  async inspect(p: ParsedParamsOf<'inspect'>): Promise<ResultOf<'inspect'>> {
    const m = this.model(p.model);
    const x = await this.input(p.input, m.spec, m.normalizer);
    if (x.shape[0] !== 1) throw new ReplyError('bad-params', `inspect takes one sample; got a batch of ${x.shape[0]}`);
    setMode(m.model, p.mode, p.seed);
    // The kind as the spec wrote it (a trace visits the top-level layers, named as the spec names them): MaxPool2d, not the PoolModule class behind it.
    const kinds = new Map(m.spec.layers.map((l, i) => [l.name ?? String(i), l.kind]));
    const layers: ResultOf<'inspect'>['layers'] = [];
    noGrad(() => m.model.forwardTrace(x, (name, module, out) => {
      let noise: ResultOf<'inspect'>['layers'][number]['noise'] = null;
      if (module instanceof StochasticModule && module.lastNoise && module.lastNoiseShape) {
        noise = { kind: module.noiseKind, meaning: module.noiseMeaning, p: module.p, rate_name: module.rateName, scale: module.keepScale(), mask: { shape: [...module.lastNoiseShape], data: module.lastNoise.slice() } };
      }
      layers.push({ name, kind: kinds.get(name) ?? module.constructor.name, stochastic: module instanceof StochasticModule, output: tensorData(out), noise });
    }));
    return { mode: p.mode, input: tensorData(x), layers };
  }

  private model(source: ModelSource): { model: Sequential; normalizer: Normalizer | null; spec: ModelSpec } {
    if ('run_id' in source) {
      const r = this.project.loadRun(source.run_id);
      return { model: r.model, normalizer: r.normalizer, spec: r.spec };
    }
    const report = validateSpec(source.spec);
    if (!report.ok) throw new ReplyError('bad-params', `the model has errors: ${report.errors.join(' ')}`);
    return { model: buildModel(source.spec as ModelSpec, { seed: source.seed }).model, normalizer: null, spec: source.spec as ModelSpec };
  }

  /**
   * The model's input: the tensor given, or one sample of a dataset. That dataset is prepared first, so one the
   * engine does not hold (evicted from its cache, or after a restart) imports with progress and can be cancelled.
   */
  private async input(input: ParsedParamsOf<'predict'>['input'], spec: ModelSpec, normalizer: Normalizer | null): Promise<Tensor> {
    const D = spec.input_shape.reduce((a, b) => a * b, 1);
    if ('tensor' in input) {
      const { shape, data } = input.tensor;
      const n = data.length / D;
      if (data.length === 0 || !Number.isInteger(n) || shape.reduce((a, b) => a * b, 1) !== data.length) throw new ReplyError('bad-params', `input of shape ${shape.join('×')} (${data.length} values) does not hold whole samples of ${spec.input_shape.join('×')}`);
      const d: Dataset = { name: 'input', task: 'classification', inputShape: spec.input_shape, size: n, features: data, featureScale: 1, labels: new Int32Array(n), classNames: [], targetDim: 1 };
      return getBatch(normalize(d, normalizer), n, 0).x;
    }
    const d = (await this.datasets.prepare(input.dataset)).data;
    if (input.index >= d.size) throw new ReplyError('bad-params', `sample ${input.index} is out of range; ${d.name} has ${d.size} samples`);
    if (d.inputShape.join('×') !== spec.input_shape.join('×')) throw new ReplyError('bad-params', `${d.name} gives inputs of shape ${d.inputShape.join('×')} but the model expects ${spec.input_shape.join('×')}`);
    return getBatch(normalize(subset(d, [input.index]), normalizer), 1, 0).x;
  }
}

function setMode(model: Sequential, mode: 'train' | 'eval', seed: number): void {
  if (mode === 'train') {
    model.train();
    model.setGenerator(new Generator(seed));
  } else model.eval();
}

function mcWire(s: McStats, seed: number): NonNullable<ResultOf<'predict'>['mc']> {
  const perSample = (v: Float32Array<ArrayBuffer> | null) => v && { shape: [s.samples], data: v };
  return {
    passes: s.passes, seed, task: s.task,
    mean: { shape: [s.samples, s.width], data: s.mean }, std: { shape: [s.samples, s.width], data: s.std },
    entropy: perSample(s.entropy), expected_entropy: perSample(s.expected_entropy), mutual_information: perSample(s.mutual_information),
  };
}

function tensorData(t: Tensor): TensorData {
  return { shape: [...t.shape], data: t.data.slice() };
}
