/**
 * The datasets the engine has loaded, by choice (a few at a time), with every
 * source's path resolved through the host's path policy; the dataset.preview
 * request, and a run's split of its dataset as it trained.
 *
 * Requests that may import a large source (preview, training starts, a run's
 * results, evaluate and MC-dropout through `runSplit`, predict and inspect on a
 * dataset's sample) load it with `prepare`: the import's steps run with a yield
 * to the event loop every few milliseconds, so progress events leave and a
 * dataset.cancel is heard.
 */
import type { ParsedParamsOf, ResultOf } from '../protocol.ts';
import { ImportCancelled, loadDataset, loadDatasetSteps, missingSource, resolveSourcePath, type DatasetChoice, type LoadedData, type MissingSource } from '../data/catalog.ts';
import { sampleSize, type Dataset } from '../data/dataset.ts';
import { previewSource } from '../data/preview.ts';
import type { TrainingSettings } from '../train/settings.ts';
import { splitsOf } from '../train/run-splits.ts';
import { ForbiddenPath, type EngineHost } from './engine-host.ts';
import type { EventPacer } from './event-pacer.ts';
import { ReplyError } from './reply-error.ts';

/** The import in progress: what it loads, whether it was told to stop, and its outcome. */
interface ImportJob {
  key: string;
  stop: { cancelled: boolean };
  done: Promise<LoadedData>;
}

/** An import yields to the event loop at least this often (ms), so messages are heard. */
const YIELD_MS = 20;
/** Skipped files listed in a preview (the total is always given). */
const MAX_SKIPPED = 200;

export class DatasetCache {
  private readonly cache = new Map<string, LoadedData>();
  /** The import in progress (one at a time), so dataset.cancel can stop it. */
  private importing: ImportJob | null = null;

  constructor(
    private readonly host: Pick<EngineHost, 'files' | 'resolvePath'>,
    private readonly pacer?: Pick<EventPacer, 'event'>,
  ) {}

  /** The choice with its file or folder path (every source that has one) resolved through the host's path policy. */
  resolved(choice: DatasetChoice): DatasetChoice {
    return resolveSourcePath(choice, (p) => this.host.resolvePath(p, 'dataset'));
  }

  /**
   * The choice's file or folder when it is not where the choice says (a
   * project opened after its data moved); null when it is there, or when the
   * path is refused (the request that reads it says why).
   */
  missing(choice: DatasetChoice): MissingSource | null {
    try {
      return missingSource(this.resolved(choice), this.host.files)?.info ?? null;
    } catch (e) {
      if (e instanceof ForbiddenPath) return null;
      throw e;
    }
  }

  load(choice: DatasetChoice): LoadedData {
    const c = this.resolved(choice);
    const key = JSON.stringify(c);
    let d = this.cache.get(key);
    if (!d) {
      d = loadDataset(c, this.host.files);
      this.remember(key, d);
    }
    return d;
  }

  /**
   * Loads the choice into the cache without blocking the engine: progress goes
   * out as `dataset-progress` events, and a cancel makes this fail with 'cancelled'.
   * Asking again for the import in progress joins it; asking for another one stops it.
   */
  prepare(choice: DatasetChoice): Promise<LoadedData> {
    const c = this.resolved(choice);
    const key = JSON.stringify(c);
    // A source moved since it was loaded says so, as it would to a fresh engine.
    const moved = missingSource(c, this.host.files);
    if (moved) return Promise.reject(moved);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    if (this.importing?.key === key && !this.importing.stop.cancelled) return this.importing.done;
    // The newest choice wins (the Data view asks again as options change): the older import stops, its request fails with 'cancelled'.
    if (this.importing) this.importing.stop.cancelled = true;
    const stop = { cancelled: false };
    const done = this.run(c, key, stop).finally(() => {
      if (this.importing?.stop === stop) this.importing = null;
    });
    this.importing = { key, stop, done };
    return done;
  }

  private async run(c: DatasetChoice, key: string, stop: { readonly cancelled: boolean }): Promise<LoadedData> {
    const label = 'path' in c ? c.path : c.id;
    try {
      const steps = loadDatasetSteps(c, this.host.files);
      const started = performance.now();
      let lastYield = started;
      for (;;) {
        // The first step runs after a yield too, so `importing` is set before any of it.
        if (performance.now() - lastYield > YIELD_MS || lastYield === started) {
          await new Promise((r) => setTimeout(r, 0));
          lastYield = performance.now();
        }
        if (stop.cancelled) throw new ImportCancelled(label);
        const step = steps.next();
        if (step.done) {
          this.remember(key, step.value);
          return step.value;
        }
        const { done, total, eta_s } = step.value;
        this.pacer?.event({ type: 'dataset-progress', source: label, done, total, fraction: total > 0 ? done / total : 1, elapsed_s: (performance.now() - started) / 1000, eta_s });
      }
    } catch (e) {
      if (e instanceof ImportCancelled) throw new ReplyError('cancelled', `import of ${label} cancelled; nothing was kept, choose it again to import`);
      throw e;
    }
  }

  /** Stops the import in progress; its request then fails with 'cancelled'. */
  cancel(): { state: 'cancelling' | 'idle' } {
    if (!this.importing) return { state: 'idle' };
    this.importing.stop.cancelled = true;
    return { state: 'cancelling' };
  }

  private remember(key: string, d: LoadedData): void {
    if (this.cache.size > 4) this.cache.clear();
    this.cache.set(key, d);
  }

  /**
   * The run's split of its dataset as it trained (same seed and fractions), un-normalised.
   * Its dataset is prepared first: one not loaded (never, or evicted from the cache, or
   * after an engine restart) imports with progress and can be cancelled.
   */
  async runSplit(run: { dataset: DatasetChoice; settings: TrainingSettings }, which: 'train' | 'val' | 'test'): Promise<{ data: LoadedData; split: Dataset }> {
    const data = await this.prepare(run.dataset);
    const d = splitsOf(data, run.settings)[which];
    if (d.size === 0) throw new ReplyError('failed', `the ${which} split of this run is empty; set a ${which} fraction above 0`);
    return { data, split: d };
  }

  async preview(p: ParsedParamsOf<'dataset.preview'>): Promise<ResultOf<'dataset.preview'>> {
    // A huge generated set is previewed from its first samples (engine/data/preview.ts), never made whole here.
    const loaded = 'samples' in p.dataset ? null : await this.prepare(p.dataset);
    const source = previewSource(p.dataset, (c) => this.load(c), this.host.files);
    const d = source.data;
    const D = sampleSize(d);
    const T = d.task === 'regression' ? d.targetDim : 1;
    const view = d.tokens ? 'tokens' : d.inputShape.length === 3 ? 'image' : d.inputShape.length === 1 && d.inputShape[0] === 2 && d.task === 'classification' ? 'points' : d.inputShape.length === 1 && d.inputShape[0] === 1 ? 'curve' : 'vector';
    // Pictures sorted by class (image folders) would show one class only: take a few of each instead.
    const picks = view === 'image' && d.task === 'classification' ? fewPerClass(d.labels, d.classNames.length, p.count) : null;
    const n = picks ? picks.length : Math.min(p.count, d.size);
    const features = new Float32Array(n * D);
    const labels: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = picks ? picks[k] : k;
      for (let j = 0; j < D; j++) features[k * D + j] = d.features[i * D + j] * d.featureScale;
      for (let j = 0; j < T; j++) labels.push(d.labels[i * T + j]);
    }
    return {
      name: d.name, task: d.task, size: source.size, input_shape: d.inputShape, class_names: d.classNames, class_counts: source.classCounts, view,
      features: { shape: [n, ...d.inputShape], data: features },
      labels,
      skipped: (loaded?.skipped ?? []).slice(0, MAX_SKIPPED),
      skipped_total: loaded?.skipped?.length ?? 0,
    };
  }
}

/** Up to `count` sample indices, the first ones of each class in turn (class 0's first, class 1's first, …), in class order. */
export function fewPerClass(labels: ArrayLike<number>, classes: number, count: number): number[] {
  const per = Math.max(1, Math.ceil(count / Math.max(1, classes)));
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (byClass[c] && byClass[c].length < per) byClass[c].push(i);
  }
  return byClass.flat().slice(0, count);
}
