/**
 * What the Data view previews. A generated set too large to make whole (issue
 * #17: a 1,000,000 × 512 sequence preview took 17 s and held 3.6 GB) is
 * previewed from its first samples: each sample draws from the seeded stream
 * in turn, so they are the full set's first samples, and the class counts are
 * those of the sample scaled to the full size.
 */
import { loadDataset, type DatasetChoice, type FileSource, type LoadedData } from './catalog.ts';
import { classCounts, sampleSize, type Dataset } from './dataset.ts';

/** Generated sets holding more float32 values than this (16 MB) are sampled for a preview. */
export const PREVIEW_MAX_VALUES = 4_000_000;

export interface PreviewSource {
  /** The samples to draw from: the whole set, or its first samples. */
  data: Dataset;
  /** The full set's size. */
  size: number;
  /** Per class, over the full set (scaled from the sample when sampled). */
  classCounts: number[];
  /** How many samples were made, when fewer than the set holds. */
  sampledFrom: number | null;
}

/** `whole` loads the full set (the engine's cached loader); generated samples are made apart from it. */
export function previewSource(choice: DatasetChoice, whole: (c: DatasetChoice) => LoadedData, files: FileSource): PreviewSource {
  if ('samples' in choice) {
    // Four samples tell the values per sample without making the set.
    const perSample = sampleSize(loadDataset({ ...choice, samples: 4 }, files).data);
    const fit = Math.max(4, Math.floor(PREVIEW_MAX_VALUES / perSample));
    if (choice.samples > fit) {
      const data = loadDataset({ ...choice, samples: fit }, files).data;
      return { data, size: choice.samples, classCounts: scaleCounts(classCounts(data), choice.samples), sampledFrom: fit };
    }
  }
  const data = whole(choice).data;
  return { data, size: data.size, classCounts: classCounts(data), sampledFrom: null };
}

/** Counts scaled to sum to `total`, by largest remainder. */
export function scaleCounts(counts: readonly number[], total: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return counts.map(() => 0);
  const exact = counts.map((c) => (c * total) / n);
  const out = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - out[i], i] as const).sort((a, b) => b[0] - a[0]);
  const missing = total - out.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) out[order[k % order.length][1]]++;
  return out;
}
