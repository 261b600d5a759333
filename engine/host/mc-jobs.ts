/** MC-dropout jobs: one at a time, with progress events, cancelled by mc.cancel; mc.grid and mc.samples. */
import type { ParsedParamsOf, ResultOf } from '../protocol.ts';
import type { Sequential } from '../nn/module.ts';
import type { Tensor } from '../tensor/tensor.ts';
import { getBatch, normalize } from '../data/pipeline.ts';
import { mcPredictAsync, mostUncertain, type McOptions, type McStats } from '../experiments/mc-dropout.ts';
import { rawInputs } from '../results/results.ts';
import { boundaryGrid, isPointData, overlayPoints } from '../results/boundary.ts';
import type { DatasetCache } from './dataset-cache.ts';
import type { EventPacer } from './event-pacer.ts';
import type { ProjectSession } from './project-session.ts';
import { ReplyError } from './reply-error.ts';

export class McJobs {
  /** The MC-dropout in progress: one at a time, cancelled by mc.cancel. */
  private job: { cancelled: boolean } | null = null;

  constructor(private readonly datasets: DatasetCache, private readonly project: ProjectSession, private readonly events: EventPacer) {}

  /** MC-dropout with progress events; a cancelled job fails its request with the code 'cancelled'. */
  async run(model: Sequential, x: Tensor, o: McOptions): Promise<McStats> {
    if (this.job) throw new ReplyError('busy', 'MC-dropout is already running; wait for it or cancel it first');
    const job = { cancelled: false };
    this.job = job;
    const t0 = performance.now();
    try {
      const s = await mcPredictAsync(model, x, {
        ...o,
        cancelled: () => job.cancelled,
        onProgress: (fraction) => {
          const elapsed = (performance.now() - t0) / 1000;
          this.events.event({ type: 'mc-progress', fraction, elapsed_s: elapsed, eta_s: fraction > 0 ? (elapsed / fraction) * (1 - fraction) : null });
        },
      });
      if (!s) throw new ReplyError('cancelled', 'MC-dropout was cancelled');
      return s;
    } finally {
      this.job = null;
    }
  }

  cancel(): ResultOf<'mc.cancel'> {
    if (!this.job) return { state: 'idle' };
    this.job.cancelled = true;
    return { state: 'cancelling' };
  }

  /** MC-dropout over the decision-region grid of `results` (same frame and cell centres). */
  async grid(p: ParsedParamsOf<'mc.grid'>): Promise<ResultOf<'mc.grid'>> {
    const r = this.project.loadRun(p.run_id);
    const { data, split: d } = await this.datasets.runSplit(r, p.split);
    if (!isPointData(d)) throw new ReplyError('failed', `mc.grid needs 2-D point data; ${d.name} has inputs of shape ${d.inputShape.join('×')}`);
    const { cells, x_min, x_max, y_min, y_max, size: n } = boundaryGrid({ points: d, frame: data.test ? [data.data, data.test] : [data.data], grid: p.grid });
    const x = getBatch(normalize(cells, r.normalizer), n * n, 0).x;
    const s = await this.run(r.model, x, { passes: p.passes, seed: p.seed, task: 'classification' });
    return {
      run_id: r.runId, passes: p.passes, x_min, x_max, y_min, y_max, size: n,
      mean: { shape: [n, n, s.width], data: s.mean }, entropy: { shape: [n, n], data: s.entropy! }, mutual_information: { shape: [n, n], data: s.mutual_information! },
      ...overlayPoints(d),
    };
  }

  async samples(p: ParsedParamsOf<'mc.samples'>): Promise<ResultOf<'mc.samples'>> {
    const r = this.project.loadRun(p.run_id);
    const d = (await this.datasets.runSplit(r, p.split)).split;
    if (d.task !== 'classification') throw new ReplyError('failed', `mc.samples ranks classification uncertainty; ${d.name} is a regression task (use predict with mc for mean and std)`);
    const x = getBatch(normalize(d, r.normalizer), d.size, 0).x;
    const s = await this.run(r.model, x, { passes: p.passes, seed: p.seed, task: 'classification' });
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
}

export function argmaxRow(a: Float32Array, row: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (a[row * width + k] > a[row * width + best]) best = k;
  return best;
}
