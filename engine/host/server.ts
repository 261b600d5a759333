/**
 * The engine behind the protocol, independent of the transport: every
 * incoming value is validated (envelope, then the request type's params),
 * answered with a response or an error, never thrown at the host. It owns the
 * project bundle (run weights stay here), the one Trainer at a time (which
 * yields every few ms so pause/stop requests arrive) and writes a checkpoint
 * per epoch through the host so a fresh engine can resume a run.
 */
import type { z } from 'zod';
import {
  PROTOCOL_VERSION, REQUESTS, RequestEnvelopeSchema, describeIssues, replyId,
  type EngineEvent, type ErrorCode, type ParsedParamsOf, type RequestType, type ResultOf, type TensorData, type ToClient,
} from '../protocol.ts';
import { layerDefs } from '../nn/registry.ts';
import { validateSpec, buildModel, type ModelSpec } from '../nn/spec.ts';
import type { Sequential } from '../nn/module.ts';
import { StochasticModule } from '../nn/stochastic.ts';
import { DATASET_INFO, loadDataset, type DatasetChoice, type FileSource, type LoadedData } from '../data/catalog.ts';
import { sampleSize, subset, type Dataset } from '../data/dataset.ts';
import { previewSource } from '../data/preview.ts';
import { getBatch, normalize, split, type Normalizer } from '../data/pipeline.ts';
import { Trainer, evaluate, snapshotWeights, type Checkpoint, type TrainEvent } from '../train/trainer.ts';
import { TrainingSettingsSchema, describeZodError } from '../train/settings.ts';
import { newProject, ProjectSchema, putRunWeights, type ProjectBundle, type RunRecord } from '../project/project.ts';
import { crc32 } from '../project/crc32.ts';
import { DEFAULT_DATASET, templateSpec, templateTraining } from '../project/templates.ts';
import { findRun, loadRunModel, newRunId, recordRun } from '../project/runs.ts';
import { Tensor } from '../tensor/tensor.ts';
import { Generator } from '../tensor/random.ts';
import { noGrad } from '../tensor/grad-mode.ts';
import { argmaxLast } from '../ops/reduce.ts';
import { rawInputs, splitResults } from '../results/results.ts';
import { exportProject } from '../export/index.ts';
import { decodeCheckpoint, encodeCheckpoint, type RunOrigin } from './checkpoint-file.ts';
import { EventPacer } from './event-pacer.ts';
import { refuseMessage } from './message-limits.ts';
import { advise } from '../experiments/advisor.ts';
import { mcPredictAsync, mostUncertain, type McOptions, type McStats } from '../experiments/mc-dropout.ts';
import { expandSweep, SweepError, SweepRunner } from '../experiments/sweep.ts';
import type { TrainPool, TrainPoolFactory } from '../experiments/train-pool.ts';
import { recommend, type SweepEntry } from '../experiments/recommend.ts';
import { decisionBoundary, isPointData } from '../results/boundary.ts';

/** What a user-given path is for: a project to open or save, a dataset file or folder, a folder to export into. */
export type PathPurpose = 'open' | 'save' | 'dataset' | 'export';

/** Everything the engine needs from the process it runs in. */
export interface EngineHost {
  send(msg: ToClient): void;
  /** Dataset files (IDX, CSV, bundled MNIST). */
  files: FileSource;
  /** Maps a user-given path to the one to use, or throws ForbiddenPath (web host: inside its folder; Electron: granted by a dialog). */
  resolvePath(path: string, purpose: PathPurpose): string;
  openProject(path: string): ProjectBundle;
  /** Saves atomically and returns the number of bytes written. */
  saveProject(path: string, bundle: ProjectBundle): number;
  /** Writes an export's files into the (resolved) folder, creating it; returns the paths written. */
  writeExport(dir: string, files: ReadonlyMap<string, Uint8Array>): string[];
  checkpoints: { save(runId: string, bytes: Uint8Array): void; load(runId: string): Uint8Array | null };
  /** Worker threads for sweeps; without them a sweep trains its variants in turn in the engine itself. */
  trainPools?: TrainPoolFactory;
  backend: string;
  pid: number;
}

export class ForbiddenPath extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenPath';
  }
}

class ReplyError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
  }
}

interface ActiveRun {
  origin: RunOrigin;
  trainer: Trainer;
  lastCheckpoint: Checkpoint | null;
}

export class EngineServer {
  private bundle: ProjectBundle;
  private active: ActiveRun | null = null;
  private sweep: { id: string; runner: SweepRunner } | null = null;
  /** The MC-dropout in progress: one at a time, cancelled by mc.cancel. */
  private mcJob: { cancelled: boolean } | null = null;
  private readonly datasetCache = new Map<string, LoadedData>();
  /** Step losses and progress leave in paced batches; everything else at once, in order. */
  private readonly pacer = new EventPacer((event) => this.send({ type: 'event', event }));

  constructor(private readonly host: EngineHost) {
    this.bundle = this.newBundle('mlp');
  }

  announce(): void {
    this.event({ type: 'ready', protocol: PROTOCOL_VERSION, backend: this.host.backend, pid: this.host.pid });
  }

  /** Handles one incoming value. Never throws; a promise that resolves once the reply is sent. */
  async handle(raw: unknown): Promise<void> {
    const refused = refuseMessage(raw);
    if (refused) return this.reply({ type: 'error', id: replyId(raw), error: refused });
    const env = RequestEnvelopeSchema.safeParse(raw);
    if (!env.success) {
      this.reply({ type: 'error', id: replyId(raw), error: { code: 'bad-message', message: `not a request: ${describeIssues(env.error)}; send {id, type, ...params}` } });
      return;
    }
    const { id, type, ...params } = env.data;
    try {
      const result = await this.dispatch(type, params);
      this.reply({ type: 'response', id, result });
    } catch (e) {
      const code: ErrorCode = e instanceof ReplyError ? e.code : e instanceof ForbiddenPath ? 'forbidden' : 'failed';
      this.reply({ type: 'error', id, error: { code, message: e instanceof Error ? e.message : String(e) } });
    }
  }

  private async dispatch(type: string, params: Record<string, unknown>): Promise<unknown> {
    switch (type) {
      case 'catalog': return this.catalog();
      case 'validate': return validateSpec(this.parse('validate', params).spec);
      case 'dataset.preview': return this.preview(this.parse('dataset.preview', params));
      case 'train.start': return this.trainStart(this.parse('train.start', params));
      case 'train.pause': this.parse('train.pause', params); return this.control('pause');
      case 'train.resume': this.parse('train.resume', params); return this.control('resume');
      case 'train.stop': this.parse('train.stop', params); return this.control('stop');
      case 'evaluate': return this.evaluate(this.parse('evaluate', params));
      case 'results': return this.results(this.parse('results', params));
      case 'predict': return this.predict(this.parse('predict', params));
      case 'inspect': return this.inspect(this.parse('inspect', params));
      case 'project.new': return this.projectNew(this.parse('project.new', params));
      case 'project.open': return this.projectOpen(this.parse('project.open', params));
      case 'project.save': return this.projectSave(this.parse('project.save', params));
      case 'project.adopt': return this.projectAdopt(this.parse('project.adopt', params));
      case 'runs.list': this.parse('runs.list', params); return this.runsList();
      case 'export': return this.export(this.parse('export', params));
      case 'mc.grid': return this.mcGrid(this.parse('mc.grid', params));
      case 'mc.samples': return this.mcSamples(this.parse('mc.samples', params));
      case 'advice': return this.advice(this.parse('advice', params));
      case 'sweep.start': return this.sweepStart(this.parse('sweep.start', params));
      case 'sweep.cancel': this.parse('sweep.cancel', params); return this.sweepCancel();
      case 'mc.cancel': this.parse('mc.cancel', params); return this.mcCancel();
      default: throw new ReplyError('unknown-type', `unknown request type '${type.slice(0, 60)}'; known: ${Object.keys(REQUESTS).join(', ')}`);
    }
  }

  private parse<T extends RequestType>(type: T, params: Record<string, unknown>): ParsedParamsOf<T> {
    const schema: z.ZodType<ParsedParamsOf<T>> = REQUESTS[type].params as unknown as z.ZodType<ParsedParamsOf<T>>;
    const r = schema.safeParse(params);
    if (!r.success) throw new ReplyError('bad-params', `${type}: ${describeIssues(r.error)}`);
    return r.data;
  }

  /** A response or error, after the events held so far (a client sees a job's last progress before its answer). */
  private reply(msg: ToClient): void {
    this.pacer.flush();
    this.send(msg);
  }

  private send(msg: ToClient): void {
    try {
      this.host.send(msg);
    } catch (e) {
      // A reply that cannot be serialised must not take the engine down; say so instead.
      if (msg.type !== 'error') this.host.send({ type: 'error', id: 'id' in msg ? msg.id : null, error: { code: 'failed', message: `reply could not be sent: ${(e as Error).message}` } });
    }
  }

  private event(event: EngineEvent): void {
    this.pacer.event(event);
  }

  // ------------------------------------------------------------ catalog, validation, data

  private catalog(): ResultOf<'catalog'> {
    return {
      protocol: PROTOCOL_VERSION,
      backend: this.host.backend,
      layers: layerDefs().map((d) => ({
        kind: d.kind,
        category: d.category,
        description: d.description,
        args: d.args.map((a) => ({ name: a.name, type: a.type, default: a.default, required: a.default === undefined, min: a.min, max: a.max, maxExclusive: a.maxExclusive, options: a.options ? [...a.options] : undefined, doc: a.doc })),
      })),
      datasets: DATASET_INFO.map((d) => ({ ...d })),
    };
  }

  /** The choice with its file path (IDX, CSV) resolved through the host's path policy. */
  private resolvedChoice(choice: DatasetChoice): DatasetChoice {
    return choice.id === 'idx' || choice.id === 'csv' ? { ...choice, path: this.host.resolvePath(choice.path, 'dataset') } : choice;
  }

  private dataset(choice: DatasetChoice): LoadedData {
    const c = this.resolvedChoice(choice);
    const key = JSON.stringify(c);
    let d = this.datasetCache.get(key);
    if (!d) {
      d = loadDataset(c, this.host.files);
      if (this.datasetCache.size > 4) this.datasetCache.clear();
      this.datasetCache.set(key, d);
    }
    return d;
  }

  private preview(p: ParsedParamsOf<'dataset.preview'>): ResultOf<'dataset.preview'> {
    // A huge generated set is previewed from its first samples (engine/data/preview.ts), never made whole here.
    const source = previewSource(p.dataset, (c) => this.dataset(c), this.host.files);
    const d = source.data;
    const n = Math.min(p.count, d.size);
    const D = sampleSize(d);
    const features = new Float32Array(n * D);
    for (let i = 0; i < n * D; i++) features[i] = d.features[i] * d.featureScale;
    const T = d.task === 'regression' ? d.targetDim : 1;
    const view = d.tokens ? 'tokens' : d.inputShape.length === 3 ? 'image' : d.inputShape.length === 1 && d.inputShape[0] === 2 && d.task === 'classification' ? 'points' : d.inputShape.length === 1 && d.inputShape[0] === 1 ? 'curve' : 'vector';
    return {
      name: d.name, task: d.task, size: source.size, input_shape: d.inputShape, class_names: d.classNames, class_counts: source.classCounts, view,
      features: { shape: [n, ...d.inputShape], data: features },
      labels: Array.from(d.labels.subarray(0, n * T)),
    };
  }

  // ------------------------------------------------------------ training

  private trainStart(p: ParsedParamsOf<'train.start'>): ResultOf<'train.start'> {
    if (this.active && (this.active.trainer.state === 'running' || this.active.trainer.state === 'paused')) throw new ReplyError('busy', `run '${this.active.origin.name}' is still training; stop it first`);
    if (this.sweep) throw new ReplyError('busy', `sweep ${this.sweep.id} is running; cancel it first`);
    let origin: RunOrigin;
    let resumeFrom: Checkpoint | null = null;
    if (p.resume_run !== undefined) {
      const bytes = this.host.checkpoints.load(p.resume_run);
      if (!bytes) throw new ReplyError('not-found', `run '${p.resume_run}' has no checkpoint to resume from (one is written after every epoch)`);
      const c = decodeCheckpoint(bytes, `checkpoint of ${p.resume_run}`);
      origin = c.origin;
      resumeFrom = c.checkpoint;
    } else {
      const s = TrainingSettingsSchema.safeParse(p.settings);
      if (!s.success) throw new ReplyError('bad-params', `train.start: settings: ${describeZodError(s.error)}`);
      const report = validateSpec(p.spec);
      if (!report.ok) throw new ReplyError('bad-params', `the model has errors: ${report.errors.join(' ')}`);
      origin = { run_id: newRunId(), name: p.name ?? `run ${this.bundle.project.runs.length + 1}`, created: new Date().toISOString(), spec: p.spec as ModelSpec, dataset: p.dataset, settings: s.data };
    }
    const data = this.dataset(origin.dataset);
    const runId = origin.run_id;
    let active: ActiveRun | null = null;
    const trainer = new Trainer({ spec: origin.spec, data, settings: origin.settings, resumeFrom, onEvent: (e) => active && this.onTrainEvent(active, e) });
    active = { origin, trainer, lastCheckpoint: resumeFrom };
    this.active = active;
    const stepsTotal = Math.ceil(active.trainer.splits.train.size / origin.settings.batch_size) * origin.settings.epochs;
    // Start after this response is sent, so the client knows the run id before its first event.
    const started = active;
    setTimeout(() => void this.runTraining(started), 0);
    return { run_id: runId, resumed_from_epoch: resumeFrom?.epoch ?? null, steps_total: stepsTotal };
  }

  private onTrainEvent(a: ActiveRun, e: TrainEvent): void {
    const run_id = a.origin.run_id;
    switch (e.type) {
      case 'step': this.pacer.step(run_id, e.epoch, e.step, e.loss); break;
      case 'progress': this.event({ type: 'progress', run_id, epoch: e.epoch, step: e.step, steps_total: e.stepsTotal, fraction: e.fraction, elapsed_s: e.elapsed_s, eta_s: e.eta_s }); break;
      case 'epoch': this.event({ type: 'epoch', run_id, metrics: e.metrics }); break;
      case 'state': this.event({ type: 'state', run_id, state: e.state }); break;
      case 'checkpoint': {
        a.lastCheckpoint = e.checkpoint;
        try {
          this.host.checkpoints.save(run_id, encodeCheckpoint(a.origin, e.checkpoint));
          this.record(a, 'running', e.checkpoint.history, null, e.checkpoint);
          this.event({ type: 'checkpoint', run_id, epoch: e.checkpoint.epoch, step: e.checkpoint.step });
        } catch (err) {
          this.event({ type: 'log', level: 'warn', message: `checkpoint of ${run_id} after epoch ${e.checkpoint.epoch} was not written: ${(err as Error).message}` });
        }
        break;
      }
    }
  }

  private record(a: ActiveRun, status: 'running' | 'done' | 'cancelled' | 'failed', history: Checkpoint['history'], test: { loss: number; accuracy: number | null } | null, checkpoint: Checkpoint | { weights: Map<string, Float32Array>; optimizer: Checkpoint['optimizer'] } | null) {
    const o = a.origin;
    return recordRun(this.bundle, { id: o.run_id, name: o.name, created: o.created, status, spec: o.spec, dataset: o.dataset, settings: o.settings, history, test, normalizer: a.trainer.normalizer, checkpoint, model: a.trainer.model });
  }

  private async runTraining(a: ActiveRun): Promise<void> {
    const run_id = a.origin.run_id;
    try {
      const res = await a.trainer.run();
      const weights = { weights: snapshotWeights(a.trainer.model), optimizer: a.lastCheckpoint?.optimizer ?? { step: 0, lr: 0, buffers: new Map<string, Float32Array>() } };
      const run = this.record(a, res.status, res.history, res.test, weights);
      this.keepRunWeights(run);
      this.event({ type: 'finished', run_id, status: res.status, test: res.test, error: null, run });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.event({ type: 'log', level: 'error', message: `training ${run_id} failed: ${message}` });
      this.event({ type: 'finished', run_id, status: 'failed', test: null, error: message, run: null });
    }
  }

  private control(action: 'pause' | 'resume' | 'stop'): { state: string } {
    const t = this.active?.trainer;
    if (!t || (t.state !== 'running' && t.state !== 'paused')) throw new ReplyError('failed', `nothing is training (state: ${t?.state ?? 'idle'})`);
    if (action === 'pause') t.pause();
    else if (action === 'resume') t.resume();
    else t.cancel();
    return { state: action === 'stop' ? 'stopping' : t.state };
  }

  // ------------------------------------------------------------ evaluation and inference

  private runModel(runId: string | undefined): { model: Sequential; normalizer: Normalizer | null; runId: string; spec: ModelSpec; dataset: DatasetChoice; settings: RunOrigin['settings'] } {
    let run;
    try {
      run = findRun(this.bundle, runId);
    } catch (e) {
      throw new ReplyError('not-found', (e as Error).message);
    }
    const { model, normalizer } = loadRunModel(this.bundle, run);
    return { model, normalizer, runId: run.id, spec: run.spec, dataset: run.dataset, settings: run.settings };
  }

  /** The run's split of its dataset as it trained (same seed and fractions), un-normalised. */
  private runSplit(r: ReturnType<EngineServer['runModel']>, which: 'train' | 'val' | 'test'): { data: LoadedData; split: Dataset } {
    const s = r.settings;
    const data = this.dataset(r.dataset);
    const d = split(data.data, { valFraction: s.split.val_fraction, testFraction: s.split.test_fraction, trainFraction: s.split.train_fraction, seed: s.seed }, data.test)[which];
    if (d.size === 0) throw new ReplyError('failed', `the ${which} split of this run is empty; set a ${which} fraction above 0`);
    return { data, split: d };
  }

  private evaluate(p: ParsedParamsOf<'evaluate'>): ResultOf<'evaluate'> {
    const r = this.runModel(p.run_id);
    const d = normalize(this.runSplit(r, p.split).split, r.normalizer);
    const m = evaluate(r.model, d, 256);
    return { run_id: r.runId, split: p.split, samples: d.size, loss: m.loss, accuracy: m.accuracy };
  }

  private async results(p: ParsedParamsOf<'results'>): Promise<ResultOf<'results'>> {
    const r = this.runModel(p.run_id);
    const { data, split: d } = this.runSplit(r, p.split);
    const frame = data.test ? [data.data, data.test] : [data.data];
    const res = await splitResults(r.model, d, r.normalizer, { samples: p.samples, grid: p.grid, frame });
    return { run_id: r.runId, split: p.split, ...res };
  }

  private model(source: ParsedParamsOf<'predict'>['model']): { model: Sequential; normalizer: Normalizer | null; spec: ModelSpec } {
    if ('run_id' in source) {
      const r = this.runModel(source.run_id);
      return { model: r.model, normalizer: r.normalizer, spec: r.spec };
    }
    const report = validateSpec(source.spec);
    if (!report.ok) throw new ReplyError('bad-params', `the model has errors: ${report.errors.join(' ')}`);
    return { model: buildModel(source.spec as ModelSpec, { seed: source.seed }).model, normalizer: null, spec: source.spec as ModelSpec };
  }

  private input(input: ParsedParamsOf<'predict'>['input'], spec: ModelSpec, normalizer: Normalizer | null): Tensor {
    const D = spec.input_shape.reduce((a, b) => a * b, 1);
    if ('tensor' in input) {
      const { shape, data } = input.tensor;
      const n = data.length / D;
      if (data.length === 0 || !Number.isInteger(n) || shape.reduce((a, b) => a * b, 1) !== data.length) throw new ReplyError('bad-params', `input of shape ${shape.join('×')} (${data.length} values) does not hold whole samples of ${spec.input_shape.join('×')}`);
      const d: Dataset = { name: 'input', task: 'classification', inputShape: spec.input_shape, size: n, features: data, featureScale: 1, labels: new Int32Array(n), classNames: [], targetDim: 1 };
      return getBatch(normalize(d, normalizer), n, 0).x;
    }
    const d = this.dataset(input.dataset).data;
    if (input.index >= d.size) throw new ReplyError('bad-params', `sample ${input.index} is out of range; ${d.name} has ${d.size} samples`);
    if (d.inputShape.join('×') !== spec.input_shape.join('×')) throw new ReplyError('bad-params', `${d.name} gives inputs of shape ${d.inputShape.join('×')} but the model expects ${spec.input_shape.join('×')}`);
    return getBatch(normalize(subset(d, [input.index]), normalizer), 1, 0).x;
  }

  private setMode(model: Sequential, mode: 'train' | 'eval', seed: number): void {
    if (mode === 'train') {
      model.train();
      model.setGenerator(new Generator(seed));
    } else model.eval();
  }

  private async predict(p: ParsedParamsOf<'predict'>): Promise<ResultOf<'predict'>> {
    const m = this.model(p.model);
    const x = this.input(p.input, m.spec, m.normalizer);
    if (p.mc) {
      const task = 'run_id' in p.model ? this.dataset(findRun(this.bundle, p.model.run_id).dataset).data.task : 'classification';
      const s = await this.mcRun(m.model, x, { passes: p.mc.passes, seed: p.seed, task });
      const mean = { shape: [s.samples, s.width], data: s.mean };
      const predicted = task === 'classification' ? Array.from({ length: s.samples }, (_, i) => argmaxRow(s.mean, i, s.width)) : null;
      return { mode: 'train', output: mean, predicted, mc: mcWire(s, p.seed) };
    }
    this.setMode(m.model, p.mode, p.seed);
    const y = noGrad(() => m.model.forward(x));
    return { mode: p.mode, output: tensorData(y), predicted: y.shape.length === 2 ? Array.from(argmaxLast(y)) : null };
  }

  private inspect(p: ParsedParamsOf<'inspect'>): ResultOf<'inspect'> {
    const m = this.model(p.model);
    const x = this.input(p.input, m.spec, m.normalizer);
    if (x.shape[0] !== 1) throw new ReplyError('bad-params', `inspect takes one sample; got a batch of ${x.shape[0]}`);
    this.setMode(m.model, p.mode, p.seed);
    const layers: ResultOf<'inspect'>['layers'] = [];
    noGrad(() => m.model.forwardTrace(x, (name, module, out) => {
      let noise: ResultOf<'inspect'>['layers'][number]['noise'] = null;
      if (module instanceof StochasticModule && module.lastNoise && module.lastNoiseShape) {
        const keep = module.noiseKind === 'keep-mask' && module.p < 1 && !/Alpha/.test(module.constructor.name);
        noise = { kind: module.noiseKind, meaning: module.noiseMeaning, p: module.p, rate_name: module.rateName, scale: keep ? 1 / (1 - module.p) : null, mask: { shape: [...module.lastNoiseShape], data: module.lastNoise.slice() } };
      }
      layers.push({ name, kind: module.constructor.name, output: tensorData(out), noise });
    }));
    return { mode: p.mode, input: tensorData(x), layers };
  }

  private advice(p: ParsedParamsOf<'advice'>): ResultOf<'advice'> {
    return { findings: advise(p.spec as ModelSpec, p.context) };
  }

  /** MC-dropout with progress events, one job at a time; a cancelled job fails its request with the code 'cancelled'. */
  private async mcRun(model: Sequential, x: Tensor, o: McOptions): Promise<McStats> {
    if (this.mcJob) throw new ReplyError('busy', 'MC-dropout is already running; wait for it or cancel it first');
    const job = { cancelled: false };
    this.mcJob = job;
    const t0 = performance.now();
    try {
      const s = await mcPredictAsync(model, x, {
        ...o,
        cancelled: () => job.cancelled,
        onProgress: (fraction) => {
          const elapsed = (performance.now() - t0) / 1000;
          this.event({ type: 'mc-progress', fraction, elapsed_s: elapsed, eta_s: fraction > 0 ? (elapsed / fraction) * (1 - fraction) : null });
        },
      });
      if (!s) throw new ReplyError('cancelled', 'MC-dropout was cancelled');
      return s;
    } finally {
      this.mcJob = null;
    }
  }

  private mcCancel(): ResultOf<'mc.cancel'> {
    if (!this.mcJob) return { state: 'idle' };
    this.mcJob.cancelled = true;
    return { state: 'cancelling' };
  }

  /** MC-dropout over the decision-region grid of `results` (same frame and cell centres). */
  private async mcGrid(p: ParsedParamsOf<'mc.grid'>): Promise<ResultOf<'mc.grid'>> {
    const r = this.runModel(p.run_id);
    const { data, split: d } = this.runSplit(r, p.split);
    if (!isPointData(d)) throw new ReplyError('failed', `mc.grid needs 2-D point data; ${d.name} has inputs of shape ${d.inputShape.join('×')}`);
    const frame = data.test ? [data.data, data.test] : [data.data];
    const b = await decisionBoundary(r.model, r.normalizer, { points: d, frame, grid: p.grid });
    const n = b.size;
    const cells = new Float32Array(n * n * 2);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        cells[(row * n + col) * 2] = b.x_min + ((col + 0.5) * (b.x_max - b.x_min)) / n;
        cells[(row * n + col) * 2 + 1] = b.y_min + ((row + 0.5) * (b.y_max - b.y_min)) / n;
      }
    }
    const grid: Dataset = { ...d, name: 'grid', size: n * n, features: cells, featureScale: 1, labels: new Int32Array(n * n), norm: null };
    const x = getBatch(normalize(grid, r.normalizer), n * n, 0).x;
    const s = await this.mcRun(r.model, x, { passes: p.passes, seed: p.seed, task: 'classification' });
    return {
      run_id: r.runId, passes: p.passes, x_min: b.x_min, x_max: b.x_max, y_min: b.y_min, y_max: b.y_max, size: n,
      mean: { shape: [n, n, s.width], data: s.mean }, entropy: { shape: [n, n], data: s.entropy! }, mutual_information: { shape: [n, n], data: s.mutual_information! },
      points: b.points, point_labels: b.point_labels,
    };
  }

  private async mcSamples(p: ParsedParamsOf<'mc.samples'>): Promise<ResultOf<'mc.samples'>> {
    const r = this.runModel(p.run_id);
    const d = this.runSplit(r, p.split).split;
    if (d.task !== 'classification') throw new ReplyError('failed', `mc.samples ranks classification uncertainty; ${d.name} is a regression task (use predict with mc for mean and std)`);
    const x = getBatch(normalize(d, r.normalizer), d.size, 0).x;
    const s = await this.mcRun(r.model, x, { passes: p.passes, seed: p.seed, task: 'classification' });
    const K = s.width;
    const picked = mostUncertain(s, p.by, p.samples);
    return {
      run_id: r.runId, split: p.split, passes: p.passes, class_names: d.classNames, size: d.size,
      samples: picked.map((i) => ({
        index: i, label: d.labels[i], predicted: argmaxRow(s.mean, i, K), probs: Array.from(s.mean.subarray(i * K, (i + 1) * K)), std: Array.from(s.std.subarray(i * K, (i + 1) * K)),
        entropy: s.entropy![i], mutual_information: s.mutual_information![i],
      })),
      inputs: rawInputs(d, picked),
    };
  }

  // ------------------------------------------------------------ sweeps

  private sweepStart(p: ParsedParamsOf<'sweep.start'>): ResultOf<'sweep.start'> {
    if (this.sweep) throw new ReplyError('busy', `sweep ${this.sweep.id} is still running; cancel it first`);
    if (this.active && (this.active.trainer.state === 'running' || this.active.trainer.state === 'paused')) throw new ReplyError('busy', `run '${this.active.origin.name}' is still training; stop it first`);
    const s = TrainingSettingsSchema.safeParse(p.settings);
    if (!s.success) throw new ReplyError('bad-params', `sweep.start: settings: ${describeZodError(s.error)}`);
    let variants;
    try {
      variants = expandSweep(p.spec as ModelSpec, s.data, p.plan);
    } catch (e) {
      if (e instanceof SweepError) throw new ReplyError('bad-params', e.message);
      throw e;
    }
    const data = this.dataset(p.dataset);
    const sweep_id = newRunId().replace(/^run-/, 'sweep-');
    const entries: SweepEntry[] = [];
    const pools = this.host.trainPools;
    const workers = pools ? Math.max(1, Math.min(p.workers ?? pools.defaultSize, variants.length)) : 1;
    // One worker gains nothing over training here, where the kernels may use every core.
    const pool: TrainPool | undefined = pools && workers > 1 ? pools.open(workers) : undefined;
    const runner = new SweepRunner({
      variants, data, dataset: p.dataset, pool,
      onProgress: (g) => this.event({ type: 'sweep-progress', sweep_id, ...g }),
      onRun: (r) => {
        const run = recordRun(this.bundle, {
          id: newRunId(), name: `${p.name ?? sweep_id} ${r.variant.label}`, created: new Date().toISOString(), status: r.status, spec: r.variant.spec, dataset: p.dataset,
          settings: r.variant.settings, history: r.history, test: r.test, normalizer: r.normalizer, checkpoint: r.checkpoint, model: r.model, train_eval: r.train_eval,
        });
        this.keepRunWeights(run);
        entries.push({ group: r.variant.group, p: r.variant.p, placement: r.variant.placement, seed: r.variant.seed, history: r.history, train_eval: r.train_eval, run_id: run.id });
        this.event({ type: 'sweep-run', sweep_id, index: r.index, runs_total: variants.length, label: r.variant.label, group: r.variant.group, p: r.variant.p, placement: r.variant.placement, seed: r.variant.seed, run, train_eval: r.train_eval });
      },
    });
    this.sweep = { id: sweep_id, runner };
    // Start after this response is sent, so the client knows the sweep id before its first event.
    setTimeout(() => {
      void runner.run().then(
        (res) => this.event({ type: 'sweep-finished', sweep_id, status: res.status, runs: res.finished, error: null, recommendation: entries.length ? recommend(entries, p.metric, { at: p.at }) : null }),
        (e: unknown) => this.event({ type: 'sweep-finished', sweep_id, status: 'failed', runs: entries.length, error: e instanceof Error ? e.message : String(e), recommendation: entries.length ? recommend(entries, p.metric, { at: p.at }) : null }),
      ).finally(() => {
        if (this.sweep?.id === sweep_id) this.sweep = null;
      });
    }, 0);
    return { sweep_id, runs_total: variants.length, workers };
  }

  private sweepCancel(): ResultOf<'sweep.cancel'> {
    if (!this.sweep) throw new ReplyError('failed', 'no sweep is running');
    this.sweep.runner.cancel();
    return { state: 'cancelling' };
  }

  // ------------------------------------------------------------ projects

  private newBundle(template: 'mlp' | 'cnn' | 'transformer' | 'blank', dataset?: DatasetChoice, name?: string): ProjectBundle {
    const ds = dataset ?? DEFAULT_DATASET[template];
    const d = this.dataset(ds).data;
    const shape = { inputShape: d.inputShape, classes: d.task === 'classification' ? d.classNames.length : d.targetDim, vocab: d.vocabSize };
    return newProject({ name: name ?? 'Untitled', model: templateSpec(template, shape), dataset: ds, training: templateTraining(template, shape) });
  }

  private projectNew(p: ParsedParamsOf<'project.new'>): ResultOf<'project.new'> {
    this.bundle = this.newBundle(p.template, p.dataset, p.name);
    return { doc: this.bundle.project };
  }

  private projectOpen(p: ParsedParamsOf<'project.open'>): ResultOf<'project.open'> {
    const path = this.host.resolvePath(p.path, 'open');
    this.bundle = this.host.openProject(path);
    return { path, doc: this.bundle.project };
  }

  private projectSave(p: ParsedParamsOf<'project.save'>): ResultOf<'project.save'> {
    const path = this.host.resolvePath(p.path, 'save');
    const doc = ProjectSchema.parse(p.doc);
    const files = new Map([...this.bundle.files].filter(([f]) => doc.runs.some((r) => r.weights?.file === f)));
    this.bundle = { project: doc, files };
    return { path, bytes: this.host.saveProject(path, this.bundle) };
  }

  /** The run's weight entry, kept where a fresh engine finds it (project.adopt). */
  private keepRunWeights(run: RunRecord): void {
    const bytes = run.weights && this.bundle.files.get(run.weights.file);
    if (!bytes) return;
    try {
      this.host.checkpoints.save(`${run.id}-final`, bytes);
    } catch (e) {
      this.event({ type: 'log', level: 'warn', message: `the weights of ${run.id} were not kept for crash recovery: ${(e as Error).message}` });
    }
  }

  /**
   * Run weights come back from, in turn: this engine's bundle, the project
   * file the window names (runs saved there were never in this engine's run
   * store: issue #17), the run store, a training checkpoint. A candidate is
   * taken only when it matches the run record's CRC-32.
   */
  private projectAdopt(p: ParsedParamsOf<'project.adopt'>): ResultOf<'project.adopt'> {
    const path = p.path === null ? null : this.host.resolvePath(p.path, 'open');
    let onDisk: Map<string, Uint8Array> | null | undefined;
    const fromDisk = (file: string): Uint8Array | undefined => {
      if (onDisk === undefined) onDisk = path === null ? null : this.weightsOnDisk(path);
      return onDisk?.get(file);
    };
    const files = new Map<string, Uint8Array>();
    const restored: string[] = [];
    const missing: string[] = [];
    for (const r of p.doc.runs) {
      if (!r.weights) continue;
      const { file, crc32: want } = r.weights;
      const sources = [() => this.bundle.files.get(file), () => fromDisk(file), () => this.host.checkpoints.load(`${r.id}-final`), () => this.runWeightsFromCheckpoint(r)];
      let kept: Uint8Array | null = null;
      for (const source of sources) {
        const bytes = source();
        if (bytes && crc32(bytes) === want) {
          kept = bytes;
          break;
        }
      }
      if (kept) {
        files.set(file, kept);
        restored.push(r.id);
      } else missing.push(r.id);
    }
    this.bundle = { project: p.doc, files };
    return { restored, missing };
  }

  /** The run entries of the project file at `path`, or null (with a warning) when it cannot be opened. */
  private weightsOnDisk(path: string): Map<string, Uint8Array> | null {
    try {
      return this.host.openProject(path).files;
    } catch (e) {
      this.event({ type: 'log', level: 'warn', message: `run weights could not be restored from ${path}: ${(e as Error).message}` });
      return null;
    }
  }

  /** A run that was still training when the engine died: its last checkpoint's weights, re-encoded as the record expects. */
  private runWeightsFromCheckpoint(r: RunRecord): Uint8Array | null {
    const bytes = this.host.checkpoints.load(r.id);
    if (!bytes) return null;
    try {
      const { checkpoint } = decodeCheckpoint(bytes, `checkpoint of ${r.id}`);
      const { model } = buildModel(r.spec as ModelSpec, { seed: r.settings.seed });
      const shapes = new Map([...model.stateDict()].map(([k, t]) => [k, [...t.shape]]));
      const scratch: ProjectBundle = { project: this.bundle.project, files: new Map() };
      putRunWeights(scratch, r.id, new Map([...checkpoint.weights].map(([k, d]) => [k, { shape: shapes.get(k) ?? [d.length], data: d }])), checkpoint.optimizer);
      return scratch.files.get(`runs/${r.id}.safetensors`) ?? null;
    } catch {
      return null;
    }
  }

  private export(p: ParsedParamsOf<'export'>): ResultOf<'export'> {
    const dir = this.host.resolvePath(p.dir, 'export');
    let run;
    try {
      run = findRun(this.bundle, p.run_id);
    } catch (e) {
      throw new ReplyError('not-found', (e as Error).message);
    }
    if (p.format !== 'csv' && !run.weights) throw new ReplyError('failed', `run '${run.name}' (${run.id}) has no weights to export (it stopped before its first epoch ended); export its metrics as CSV or train it again`);
    // Export from the run's dataset file as this engine resolves it, so train.py gets the same split.
    const scratch: ProjectBundle = { project: { ...this.bundle.project, runs: [{ ...run, dataset: this.resolvedChoice(run.dataset) }] }, files: this.bundle.files };
    const out = exportProject(scratch, { format: p.format, run: run.id }, this.host.files);
    return { dir, files: this.host.writeExport(dir, out.files), notes: out.notes };
  }

  private runsList(): ResultOf<'runs.list'> {
    return {
      runs: this.bundle.project.runs.map((r) => ({ id: r.id, name: r.name, status: r.status, created: r.created, epochs: r.history.epochs.length, test: r.test, has_weights: r.weights !== null })),
    };
  }
}

function argmaxRow(a: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (a[row * width + k] > a[row * width + best]) best = k;
  return best;
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
