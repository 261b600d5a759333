/**
 * The datasets the engine has loaded, by choice (a few at a time), with every
 * source's path resolved through the host's path policy; the dataset.preview
 * request, and a run's split of its dataset as it trained.
 */
import type { ParsedParamsOf, ResultOf } from '../protocol.ts';
import { loadDataset, resolveSourcePath, type DatasetChoice, type LoadedData } from '../data/catalog.ts';
import { sampleSize, type Dataset } from '../data/dataset.ts';
import { previewSource } from '../data/preview.ts';
import type { TrainingSettings } from '../train/settings.ts';
import { splitsOf } from '../train/run-splits.ts';
import type { EngineHost } from './engine-host.ts';
import { ReplyError } from './reply-error.ts';

export class DatasetCache {
  private readonly cache = new Map<string, LoadedData>();

  constructor(private readonly host: Pick<EngineHost, 'files' | 'resolvePath'>) {}

  /** The choice with its file or folder path (every source that has one) resolved through the host's path policy. */
  resolved(choice: DatasetChoice): DatasetChoice {
    return resolveSourcePath(choice, (p) => this.host.resolvePath(p, 'dataset'));
  }

  load(choice: DatasetChoice): LoadedData {
    const c = this.resolved(choice);
    const key = JSON.stringify(c);
    let d = this.cache.get(key);
    if (!d) {
      d = loadDataset(c, this.host.files);
      if (this.cache.size > 4) this.cache.clear();
      this.cache.set(key, d);
    }
    return d;
  }

  /** The run's split of its dataset as it trained (same seed and fractions), un-normalised. */
  runSplit(run: { dataset: DatasetChoice; settings: TrainingSettings }, which: 'train' | 'val' | 'test'): { data: LoadedData; split: Dataset } {
    const data = this.load(run.dataset);
    const d = splitsOf(data, run.settings)[which];
    if (d.size === 0) throw new ReplyError('failed', `the ${which} split of this run is empty; set a ${which} fraction above 0`);
    return { data, split: d };
  }

  preview(p: ParsedParamsOf<'dataset.preview'>): ResultOf<'dataset.preview'> {
    // A huge generated set is previewed from its first samples (engine/data/preview.ts), never made whole here.
    const source = previewSource(p.dataset, (c) => this.load(c), this.host.files);
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
}
