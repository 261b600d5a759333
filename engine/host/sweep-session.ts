/** Sweeps: one at a time, its runs recorded into the project as they finish, a recommendation at the end. */
import type { ParsedParamsOf, ResultOf } from '../protocol.ts';
import type { ModelSpec } from '../nn/spec.ts';
import { TrainingSettingsSchema, describeZodError } from '../train/settings.ts';
import { newRunId, recordRun } from '../project/runs.ts';
import { expandSweep, SweepError, SweepRunner, type FinishedRun, type SweepVariant } from '../experiments/sweep.ts';
import type { TrainPool } from '../experiments/train-pool.ts';
import { recommend, type SweepEntry } from '../experiments/recommend.ts';
import type { DatasetCache } from './dataset-cache.ts';
import type { EngineHost } from './engine-host.ts';
import type { EventPacer } from './event-pacer.ts';
import type { ProjectSession } from './project-session.ts';
import { ReplyError } from './reply-error.ts';

type SweepParams = ParsedParamsOf<'sweep.start'>;

export class SweepSession {
  private sweep: { id: string; runner: SweepRunner } | null = null;

  constructor(private readonly host: EngineHost, private readonly datasets: DatasetCache, private readonly project: ProjectSession, private readonly events: EventPacer) {}

  /** Why another job must wait, or null. */
  busy(): string | null {
    return this.sweep && `sweep ${this.sweep.id} is running; cancel it first`;
  }

  start(p: SweepParams): ResultOf<'sweep.start'> {
    const variants = this.variants(p);
    const data = this.datasets.load(p.dataset);
    const sweep_id = newRunId().replace(/^run-/, 'sweep-');
    const entries: SweepEntry[] = [];
    const pools = this.host.trainPools;
    const workers = pools ? Math.max(1, Math.min(p.workers ?? pools.defaultSize, variants.length)) : 1;
    // One worker gains nothing over training here, where the kernels may use every core.
    const pool: TrainPool | undefined = pools && workers > 1 ? pools.open(workers) : undefined;
    const runner = new SweepRunner({
      variants, data, dataset: p.dataset, pool,
      onProgress: (g) => this.events.event({ type: 'sweep-progress', sweep_id, ...g }),
      onRun: (r) => {
        entries.push(this.keep(p, sweep_id, r, variants.length));
      },
    });
    this.sweep = { id: sweep_id, runner };
    const finished = (status: 'done' | 'cancelled' | 'failed', runs: number, error: string | null) =>
      this.events.event({ type: 'sweep-finished', sweep_id, status, runs, error, recommendation: entries.length ? recommend(entries, p.metric, { at: p.at }) : null });
    // Start after this response is sent, so the client knows the sweep id before its first event.
    setTimeout(() => {
      void runner.run().then(
        (res) => finished(res.status, res.finished, null),
        (e: unknown) => finished('failed', entries.length, e instanceof Error ? e.message : String(e)),
      ).finally(() => {
        if (this.sweep?.id === sweep_id) this.sweep = null;
      });
    }, 0);
    return { sweep_id, runs_total: variants.length, workers };
  }

  private variants(p: SweepParams): SweepVariant[] {
    const s = TrainingSettingsSchema.safeParse(p.settings);
    if (!s.success) throw new ReplyError('bad-params', `sweep.start: settings: ${describeZodError(s.error)}`);
    try {
      return expandSweep(p.spec as ModelSpec, s.data, p.plan);
    } catch (e) {
      if (e instanceof SweepError) throw new ReplyError('bad-params', e.message);
      throw e;
    }
  }

  /** A finished variant: recorded into the project, announced, and its entry for the recommendation. */
  private keep(p: SweepParams, sweep_id: string, r: FinishedRun, runsTotal: number): SweepEntry {
    const run = recordRun(this.project.bundle, {
      id: newRunId(), name: `${p.name ?? sweep_id} ${r.variant.label}`, created: new Date().toISOString(), status: r.status, spec: r.variant.spec, dataset: p.dataset,
      settings: r.variant.settings, history: r.history, test: r.test, normalizer: r.normalizer, checkpoint: r.checkpoint, model: r.model, train_eval: r.train_eval,
    });
    this.project.runRecorded(run);
    this.events.event({ type: 'sweep-run', sweep_id, index: r.index, runs_total: runsTotal, label: r.variant.label, group: r.variant.group, p: r.variant.p, placement: r.variant.placement, seed: r.variant.seed, run, train_eval: r.train_eval });
    return { group: r.variant.group, p: r.variant.p, placement: r.variant.placement, seed: r.variant.seed, history: r.history, train_eval: r.train_eval, run_id: run.id };
  }

  cancel(): ResultOf<'sweep.cancel'> {
    if (!this.sweep) throw new ReplyError('failed', 'no sweep is running');
    this.sweep.runner.cancel();
    return { state: 'cancelling' };
  }
}
