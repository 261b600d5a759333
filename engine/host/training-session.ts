/**
 * Training a run and recording it into a project: `TrainingRun` is the one
 * copy of "train and record" (the engine and `dlab train` both use it);
 * `TrainingSession` is the engine's train.* requests on top of it, one run at
 * a time, with a checkpoint file per epoch so a fresh engine can resume.
 */
import type { ParsedParamsOf, ResultOf } from '../protocol.ts';
import { validateSpec, type ModelSpec } from '../nn/spec.ts';
import type { LoadedData } from '../data/catalog.ts';
import { Trainer, snapshotWeights, type Checkpoint, type TrainEvent, type TrainResult } from '../train/trainer.ts';
import { TrainingSettingsSchema, describeZodError } from '../train/settings.ts';
import type { ProjectBundle, RunRecord } from '../project/project.ts';
import { newRunId, recordRun } from '../project/runs.ts';
import { decodeCheckpoint, encodeCheckpoint, type RunOrigin } from './checkpoint-file.ts';
import type { DatasetCache } from './dataset-cache.ts';
import type { EngineHost } from './engine-host.ts';
import type { EventPacer } from './event-pacer.ts';
import type { ProjectSession } from './project-session.ts';
import { ReplyError } from './reply-error.ts';

/** One run: its trainer, and its record in a project after each epoch and at the end. */
export class TrainingRun {
  readonly trainer: Trainer;
  private lastCheckpoint: Checkpoint | null;

  constructor(readonly origin: RunOrigin, data: LoadedData, o: { resumeFrom?: Checkpoint | null; onEvent: (run: TrainingRun, e: TrainEvent) => void }) {
    this.lastCheckpoint = o.resumeFrom ?? null;
    this.trainer = new Trainer({
      spec: origin.spec, data, settings: origin.settings, resumeFrom: o.resumeFrom ?? null,
      onEvent: (e) => {
        if (e.type === 'checkpoint') this.lastCheckpoint = e.checkpoint;
        o.onEvent(this, e);
      },
    });
  }

  /** The run so far ('running', with the epoch's checkpoint): a crash loses at most the epoch in progress. */
  recordCheckpoint(bundle: ProjectBundle, c: Checkpoint): RunRecord {
    return this.record(bundle, 'running', c.history, null, c);
  }

  /**
   * The run's outcome with the model's final weights. The optimizer state is the
   * last epoch's (the trainer keeps its own private); a run stopped before its
   * first epoch ended has none, so it is recorded empty.
   */
  recordEnd(bundle: ProjectBundle, res: Pick<TrainResult, 'status' | 'history' | 'test'>): RunRecord {
    const optimizer = this.lastCheckpoint?.optimizer ?? { step: 0, lr: 0, buffers: new Map<string, Float32Array>() };
    return this.record(bundle, res.status, res.history, res.test, { weights: snapshotWeights(this.trainer.model), optimizer });
  }

  private record(bundle: ProjectBundle, status: RunRecord['status'], history: Checkpoint['history'], test: RunRecord['test'], checkpoint: Checkpoint | { weights: Map<string, Float32Array>; optimizer: Checkpoint['optimizer'] }): RunRecord {
    const o = this.origin;
    return recordRun(bundle, { id: o.run_id, name: o.name, created: o.created, status, spec: o.spec, dataset: o.dataset, settings: o.settings, history, test, normalizer: this.trainer.normalizer, checkpoint, model: this.trainer.model });
  }
}

export class TrainingSession {
  private active: TrainingRun | null = null;

  constructor(private readonly host: EngineHost, private readonly datasets: DatasetCache, private readonly project: ProjectSession, private readonly events: EventPacer) {}

  /** Why another job must wait, or null. */
  busy(): string | null {
    const a = this.active;
    return a && (a.trainer.state === 'running' || a.trainer.state === 'paused') ? `run '${a.origin.name}' is still training; stop it first` : null;
  }

  start(p: ParsedParamsOf<'train.start'>): ResultOf<'train.start'> {
    const { origin, resumeFrom } = p.resume_run !== undefined ? this.resumed(p.resume_run) : { origin: this.fresh(p), resumeFrom: null };
    const run = new TrainingRun(origin, this.datasets.load(origin.dataset), { resumeFrom, onEvent: (r, e) => this.onTrainEvent(r, e) });
    this.active = run;
    const stepsTotal = Math.ceil(run.trainer.splits.train.size / origin.settings.batch_size) * origin.settings.epochs;
    // Start after this response is sent, so the client knows the run id before its first event.
    setTimeout(() => void this.train(run), 0);
    return { run_id: origin.run_id, resumed_from_epoch: resumeFrom?.epoch ?? null, steps_total: stepsTotal };
  }

  private resumed(runId: string): { origin: RunOrigin; resumeFrom: Checkpoint } {
    const bytes = this.host.checkpoints.load(runId);
    if (!bytes) throw new ReplyError('not-found', `run '${runId}' has no checkpoint to resume from (one is written after every epoch)`);
    const c = decodeCheckpoint(bytes, `checkpoint of ${runId}`);
    return { origin: c.origin, resumeFrom: c.checkpoint };
  }

  private fresh(p: ParsedParamsOf<'train.start'>): RunOrigin {
    const s = TrainingSettingsSchema.safeParse(p.settings);
    if (!s.success) throw new ReplyError('bad-params', `train.start: settings: ${describeZodError(s.error)}`);
    const report = validateSpec(p.spec);
    if (!report.ok) throw new ReplyError('bad-params', `the model has errors: ${report.errors.join(' ')}`);
    return { run_id: newRunId(), name: p.name ?? `run ${this.project.bundle.project.runs.length + 1}`, created: new Date().toISOString(), spec: p.spec as ModelSpec, dataset: p.dataset, settings: s.data };
  }

  private onTrainEvent(a: TrainingRun, e: TrainEvent): void {
    const run_id = a.origin.run_id;
    switch (e.type) {
      case 'step': this.events.step(run_id, e.epoch, e.step, e.loss); break;
      case 'progress': this.events.event({ type: 'progress', run_id, epoch: e.epoch, step: e.step, steps_total: e.stepsTotal, fraction: e.fraction, elapsed_s: e.elapsed_s, eta_s: e.eta_s }); break;
      case 'epoch': this.events.event({ type: 'epoch', run_id, metrics: e.metrics }); break;
      case 'state': this.events.event({ type: 'state', run_id, state: e.state }); break;
      case 'checkpoint': {
        try {
          this.host.checkpoints.save(run_id, encodeCheckpoint(a.origin, e.checkpoint));
          a.recordCheckpoint(this.project.bundle, e.checkpoint);
          this.events.event({ type: 'checkpoint', run_id, epoch: e.checkpoint.epoch, step: e.checkpoint.step });
        } catch (err) {
          this.events.event({ type: 'log', level: 'warn', message: `checkpoint of ${run_id} after epoch ${e.checkpoint.epoch} was not written: ${(err as Error).message}` });
        }
        break;
      }
    }
  }

  private async train(a: TrainingRun): Promise<void> {
    const run_id = a.origin.run_id;
    try {
      const res = await a.trainer.run();
      const run = a.recordEnd(this.project.bundle, res);
      this.project.runRecorded(run);
      this.events.event({ type: 'finished', run_id, status: res.status, test: res.test, error: null, run });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.events.event({ type: 'log', level: 'error', message: `training ${run_id} failed: ${message}` });
      this.events.event({ type: 'finished', run_id, status: 'failed', test: null, error: message, run: null });
    }
  }

  control(action: 'pause' | 'resume' | 'stop'): { state: string } {
    const t = this.active?.trainer;
    if (!t || (t.state !== 'running' && t.state !== 'paused')) throw new ReplyError('failed', `nothing is training (state: ${t?.state ?? 'idle'})`);
    if (action === 'pause') t.pause();
    else if (action === 'resume') t.resume();
    else t.cancel();
    return { state: action === 'stop' ? 'stopping' : t.state };
  }
}
