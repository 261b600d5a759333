/**
 * The training loop: seeded batches, optimizer and LR schedule, weight decay,
 * gradient clipping, dropout schedules, validation in eval mode after every
 * epoch (then back to train mode — the article's warning made automatic),
 * early stopping, a checkpoint per epoch, pause/resume/cancel at step
 * boundaries and progress with an ETA. Same inputs and seed → same numbers.
 */
import type { Tensor } from '../tensor/tensor.ts';
import { Generator } from '../tensor/random.ts';
import { noGrad } from '../tensor/grad-mode.ts';
import { pinData, withStepMemory } from '../tensor/storage.ts';
import { argmaxLast } from '../ops/reduce.ts';
import { crossEntropy, mseLoss } from '../losses/losses.ts';
import { buildModel, type ModelSpec } from '../nn/spec.ts';
import type { Sequential } from '../nn/module.ts';
import { applyDropoutSchedules } from '../nn/stochastic.ts';
import { Optimizer } from '../optim/optimizer.ts';
import { SGD } from '../optim/sgd.ts';
import { Adam, AdamW } from '../optim/adam.ts';
import { CosineAnnealingLR, StepLR, type LRScheduler } from '../optim/scheduler.ts';
import { DataError, type Dataset } from '../data/dataset.ts';
import type { LoadedData } from '../data/catalog.ts';
import { batchCount, fitNormalizer, getBatch, normalize, type Normalizer } from '../data/pipeline.ts';
import type { TrainingSettings } from './settings.ts';
import { trainEvalSample } from './train-eval.ts';
import type { EpochMetrics } from './epoch-metrics.ts';
import { splitsOf } from './run-splits.ts';

export type { EpochMetrics };

export interface RunHistory {
  epochs: EpochMetrics[];
  /** Training loss of every optimizer step. */
  step_losses: number[];
  best_epoch: number | null;
  stopped_early: boolean;
}

export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  step: number;
  weights: Map<string, Float32Array>;
  optimizer: { step: number; lr: number; buffers: Map<string, Float32Array> };
  dropoutRng: { k0: number; k1: number; offset: number };
  early: { best: number | null; bestEpoch: number | null; bad: number; bestWeights: Map<string, Float32Array> | null };
  history: RunHistory;
}

export type TrainEvent =
  | { type: 'step'; epoch: number; step: number; loss: number }
  | { type: 'progress'; epoch: number; step: number; stepsTotal: number; fraction: number; elapsed_s: number; eta_s: number | null }
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'checkpoint'; checkpoint: Checkpoint }
  | { type: 'state'; state: TrainerState };

export type TrainerState = 'idle' | 'running' | 'paused' | 'cancelled' | 'done' | 'failed';

export interface TrainResult {
  status: 'done' | 'cancelled';
  history: RunHistory;
  test: { loss: number; accuracy: number | null } | null;
  model: Sequential;
  normalizer: Normalizer | null;
}

export interface TrainerOptions {
  spec: ModelSpec;
  data: LoadedData;
  settings: TrainingSettings;
  onEvent?: (e: TrainEvent) => void;
  resumeFrom?: Checkpoint | null;
  /** Milliseconds of work between yields to the host event loop (so pause/cancel messages arrive). */
  yieldEveryMs?: number;
}

const DROPOUT_STREAM = 7;

export function snapshotWeights(model: Sequential): Map<string, Float32Array> {
  return new Map([...model.stateDict()].map(([k, t]) => [k, t.data.slice()]));
}

function restoreWeights(model: Sequential, w: ReadonlyMap<string, Float32Array>): void {
  const sd = model.stateDict();
  model.loadStateDict(new Map([...w].map(([k, d]) => [k, { shape: sd.get(k)?.shape ?? [d.length], data: d }])));
}

export function makeOptimizer(params: Tensor[], s: TrainingSettings): Optimizer {
  const o = s.optimizer;
  switch (o.type) {
    case 'sgd':
      return new SGD(params, { lr: o.lr, momentum: o.momentum, nesterov: o.nesterov && o.momentum > 0, weight_decay: s.weight_decay });
    case 'adam':
      return new Adam(params, { lr: o.lr, betas: o.betas, eps: o.eps, weight_decay: s.weight_decay });
    case 'adamw':
      return new AdamW(params, { lr: o.lr, betas: o.betas, eps: o.eps, weight_decay: s.weight_decay });
  }
}

function makeScheduler(opt: Optimizer, s: TrainingSettings): LRScheduler | null {
  const l = s.lr_schedule;
  if (l.type === 'step') return new StepLR(opt, l.step_size, l.gamma);
  if (l.type === 'cosine') return new CosineAnnealingLR(opt, l.t_max ?? s.epochs, l.eta_min);
  return null;
}

/** Checks that data and model fit each other, with a message that says what to change. */
export function checkCompatible(spec: ModelSpec, outputShape: number[] | null, d: Dataset): void {
  const want = spec.input_shape.join('×');
  const have = d.inputShape.join('×');
  if (want !== have) throw new DataError(`the model expects inputs of shape ${want} but ${d.name} gives ${have}; set the model's input_shape to [${d.inputShape.join(', ')}]${d.inputShape.length > 1 && spec.input_shape.length === 1 ? ' and start with Flatten' : ''}`);
  const outSize = outputShape?.reduce((a, b) => a * b, 1) ?? 0;
  if (d.task === 'classification' && (outputShape?.length !== 1 || outSize !== d.classNames.length)) {
    throw new DataError(`the model outputs ${outputShape ? outputShape.join('×') : 'nothing'} values per sample but ${d.name} has ${d.classNames.length} classes; make the last layer produce ${d.classNames.length} outputs`);
  }
  if (d.task === 'regression' && outSize !== d.targetDim) {
    throw new DataError(`the model outputs ${outSize} values per sample but ${d.name} has ${d.targetDim} regression target(s); make the last layer produce ${d.targetDim}`);
  }
}

function lossOf(out: Tensor, b: ReturnType<typeof getBatch>, labelSmoothing: number): Tensor {
  return b.classes ? crossEntropy(out, b.classes, { labelSmoothing }) : mseLoss(out, b.targets as Tensor);
}

/** Mean loss and accuracy over a dataset, in eval mode and without a graph; restores the previous mode. */
export function evaluate(model: Sequential, d: Dataset, batchSize: number): { loss: number; accuracy: number | null } {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let lossSum = 0;
      let correct = 0;
      const n = batchCount(d, batchSize);
      for (let i = 0; i < n; i++) {
        const b = getBatch(d, batchSize, i);
        withStepMemory(() => {
          const out = model.forward(b.x);
          lossSum += lossOf(out, b, 0).item() * b.size;
          if (b.classes) {
            const pred = argmaxLast(out);
            for (let j = 0; j < b.size; j++) if (pred[j] === b.classes[j]) correct++;
          }
        });
      }
      return { loss: d.size ? lossSum / d.size : NaN, accuracy: d.task === 'classification' && d.size ? correct / d.size : null };
    });
  } finally {
    model.train(wasTraining);
  }
}

function clipGradNorm(params: Tensor[], maxNorm: number): void {
  let sq = 0;
  for (const p of params) if (p.grad) for (const g of p.grad.data) sq += g * g;
  const norm = Math.sqrt(sq);
  // torch: clip_coef = max_norm / (total_norm + 1e-6), applied when < 1
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) for (const p of params) if (p.grad) for (let i = 0; i < p.grad.data.length; i++) p.grad.data[i] *= coef;
}

export class Trainer {
  state: TrainerState = 'idle';
  readonly model: Sequential;
  readonly splits: { train: Dataset; val: Dataset; test: Dataset };
  readonly normalizer: Normalizer | null;
  /** The training samples re-measured in eval mode after every epoch. */
  private readonly trainEvalSet: Dataset;
  private readonly optimizer: Optimizer;
  private readonly scheduler: LRScheduler | null;
  private readonly dropoutRng: Generator;
  private readonly history: RunHistory = { epochs: [], step_losses: [], best_epoch: null, stopped_early: false };
  private early = { best: null as number | null, bestEpoch: null as number | null, bad: 0, bestWeights: null as Map<string, Float32Array> | null };
  private startEpoch = 0;
  private globalStep = 0;
  private pauseGate: { promise: Promise<void>; release: () => void } | null = null;
  private cancelled = false;

  constructor(private readonly o: TrainerOptions) {
    const s = o.settings;
    const { model, report } = buildModel(o.spec, { seed: s.seed });
    this.model = model;
    const raw = splitsOf(o.data, s);
    checkCompatible(o.spec, report.outputShape, raw.train);
    this.normalizer = s.normalize ? fitNormalizer(raw.train) : null;
    this.splits = { train: normalize(raw.train, this.normalizer), val: normalize(raw.val, this.normalizer), test: normalize(raw.test, this.normalizer) };
    this.trainEvalSet = trainEvalSample(this.splits.train, s.seed);
    this.dropoutRng = Generator.stream(s.seed, DROPOUT_STREAM, 0);
    model.setGenerator(this.dropoutRng);
    this.optimizer = makeOptimizer(model.parameters(), s);
    this.scheduler = makeScheduler(this.optimizer, s);
    if (o.resumeFrom) this.restore(o.resumeFrom);
  }

  private restore(c: Checkpoint): void {
    restoreWeights(this.model, c.weights);
    this.optimizer.loadStateDict(c.optimizer);
    for (let e = 0; e < c.epoch; e++) this.scheduler?.step();
    this.optimizer.lr = c.optimizer.lr;
    this.dropoutRng.restore(c.dropoutRng);
    this.early = { ...c.early };
    this.history.epochs = c.history.epochs.map((m) => ({ ...m }));
    this.history.step_losses = [...c.history.step_losses];
    this.history.best_epoch = c.history.best_epoch;
    this.startEpoch = c.epoch;
    this.globalStep = c.step;
  }

  pause(): void {
    if (this.state !== 'running' || this.pauseGate) return;
    let release = () => {};
    const promise = new Promise<void>((r) => (release = r));
    this.pauseGate = { promise, release };
    this.setState('paused');
  }

  resume(): void {
    if (!this.pauseGate) return;
    const g = this.pauseGate;
    this.pauseGate = null;
    this.setState('running');
    g.release();
  }

  cancel(): void {
    this.cancelled = true;
    this.resume();
  }

  private setState(s: TrainerState): void {
    this.state = s;
    this.o.onEvent?.({ type: 'state', state: s });
  }

  private checkpoint(epochsDone: number): Checkpoint {
    return {
      epoch: epochsDone,
      step: this.globalStep,
      weights: snapshotWeights(this.model),
      optimizer: this.optimizer.stateDict(),
      dropoutRng: this.dropoutRng.state(),
      early: { ...this.early, bestWeights: this.early.bestWeights && new Map(this.early.bestWeights) },
      history: { ...this.history, epochs: [...this.history.epochs], step_losses: [...this.history.step_losses] },
    };
  }

  /** Improvement test of the monitored metric; returns true when patience ran out. */
  private earlyStop(m: EpochMetrics): boolean {
    const es = this.o.settings.early_stopping;
    const value = !es || es.monitor === 'val_loss' ? m.val_loss : m.val_accuracy;
    if (value === null) return false;
    const sign = es && es.monitor === 'val_accuracy' ? 1 : -1; // larger accuracy, smaller loss is better
    const better = this.early.best === null || sign * (value - this.early.best) > (es?.min_delta ?? 0);
    if (better) {
      this.early.best = value;
      this.early.bestEpoch = m.epoch;
      this.early.bad = 0;
      if (es?.restore_best) this.early.bestWeights = snapshotWeights(this.model);
      this.history.best_epoch = m.epoch;
      return false;
    }
    this.early.bad++;
    return es !== null && this.early.bad >= es.patience;
  }

  async run(): Promise<TrainResult> {
    const s = this.o.settings;
    const emit = (e: TrainEvent) => this.o.onEvent?.(e);
    const { train, val, test } = this.splits;
    const stepsPerEpoch = batchCount(train, s.batch_size);
    const stepsTotal = stepsPerEpoch * s.epochs;
    const yieldEvery = this.o.yieldEveryMs ?? 25;
    const t0 = performance.now();
    const stepsAtStart = this.globalStep;
    let lastYield = t0;
    this.setState('running');
    this.model.train();
    let stopped = false;
    // Parameters live in the backend's memory while this run trains them (updated in place, never copied per step).
    const unpin = pinData(this.model.parameters());
    const unpinState = this.optimizer.pinState();
    try {
      for (let epoch = this.startEpoch; epoch < s.epochs && !stopped; epoch++) {
        const te = performance.now();
        let lossSum = 0;
        let correct = 0;
        let seen = 0;
        let scheduledRates: [string, number][] = []; // rates of the epoch's last step, for the metrics
        for (let i = 0; i < stepsPerEpoch; i++) {
          if (performance.now() - lastYield > yieldEvery) {
            await new Promise<void>((r) => setTimeout(r, 0));
            lastYield = performance.now();
          }
          if (this.pauseGate) await this.pauseGate.promise;
          if (this.cancelled) {
            this.setState('cancelled');
            return { status: 'cancelled', history: this.history, test: null, model: this.model, normalizer: this.normalizer };
          }
          scheduledRates = applyDropoutSchedules(this.model, { epoch, step: this.globalStep, stepsPerEpoch });
          // The step's tensors, its batch too, live in the backend's step memory and die with it: only numbers leave.
          const { value: lv, size } = withStepMemory(() => {
            const b = getBatch(train, s.batch_size, i, { seed: s.seed, epoch, augment: s.augment });
            this.optimizer.zeroGrad();
            const out = this.model.forward(b.x);
            const loss = lossOf(out, b, s.label_smoothing);
            const value = loss.item();
            if (!Number.isFinite(value)) throw new DataError(`the training loss became ${value} at epoch ${epoch + 1}, step ${i + 1}; lower the learning rate or enable gradient clipping`);
            loss.backward();
            if (s.grad_clip !== null) clipGradNorm(this.model.parameters(), s.grad_clip);
            this.optimizer.step();
            if (b.classes) {
              const pred = argmaxLast(out);
              for (let j = 0; j < b.size; j++) if (pred[j] === b.classes[j]) correct++;
            }
            return { value, size: b.size };
          });
          this.globalStep++;
          lossSum += lv * size;
          seen += size;
          this.history.step_losses.push(lv);
          emit({ type: 'step', epoch, step: this.globalStep, loss: lv });
          const elapsed = (performance.now() - t0) / 1000;
          const done = this.globalStep - stepsAtStart;
          emit({ type: 'progress', epoch, step: this.globalStep, stepsTotal, fraction: this.globalStep / stepsTotal, elapsed_s: elapsed, eta_s: done > 0 ? (elapsed / done) * (stepsTotal - this.globalStep) : null });
        }
        this.scheduler?.step();
        const v = val.size > 0 ? evaluate(this.model, val, Math.max(s.batch_size, 256)) : null;
        // Eval mode draws no noise: the dropout stream is where it was, so the run's numbers are unchanged.
        const t = evaluate(this.model, this.trainEvalSet, Math.max(s.batch_size, 256));
        const dropout_p = Object.fromEntries(scheduledRates);
        const metrics: EpochMetrics = {
          epoch: epoch + 1,
          train_loss: lossSum / seen,
          train_accuracy: train.task === 'classification' ? correct / seen : null,
          train_eval_loss: t.loss,
          train_eval_accuracy: t.accuracy,
          val_loss: v?.loss ?? null,
          val_accuracy: v?.accuracy ?? null,
          lr: this.optimizer.lr,
          dropout_p,
          seconds: (performance.now() - te) / 1000,
        };
        this.history.epochs.push(metrics);
        emit({ type: 'epoch', metrics });
        stopped = this.earlyStop(metrics);
        emit({ type: 'checkpoint', checkpoint: this.checkpoint(epoch + 1) });
      }
      if (stopped) this.history.stopped_early = true;
      if (s.early_stopping?.restore_best && this.early.bestWeights) restoreWeights(this.model, this.early.bestWeights);
      const testMetrics = test.size > 0 ? evaluate(this.model, test, Math.max(s.batch_size, 256)) : null;
      this.setState('done');
      return { status: 'done', history: this.history, test: testMetrics, model: this.model, normalizer: this.normalizer };
    } catch (e) {
      this.setState('failed');
      throw e;
    } finally {
      unpinState();
      unpin();
    }
  }
}
