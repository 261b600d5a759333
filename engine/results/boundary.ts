/**
 * Decision regions of a classifier on 2-D points: class probabilities at the
 * centres of a size×size grid over the data's range plus a 10% margin, in raw
 * coordinates. The grid goes through the run's normaliser, as its training
 * data did, so the regions line up with the points drawn over them.
 */
import type { Module } from '../nn/module.ts';
import type { Dataset, Normalizer } from '../data/dataset.ts';
import { normalize } from '../data/pipeline.ts';
import type { ResultOf, TensorData } from '../protocol.ts';
import { forwardAll, softmaxRows } from './forward-all.ts';

export const MAX_OVERLAY_POINTS = 2000;
const MARGIN = 0.1;

export function isPointData(d: Dataset): boolean {
  return d.task === 'classification' && !d.tokens && d.inputShape.length === 1 && d.inputShape[0] === 2;
}

/** [min, max] of feature `axis` (raw values) over all rows of `sets`, widened by the margin on both sides. */
function range(sets: readonly Dataset[], axis: 0 | 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of sets) {
    for (let i = 0; i < d.size; i++) {
      const v = d.features[i * 2 + axis] * d.featureScale;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(hi >= lo)) return [-1, 1];
  const pad = (hi - lo || 1) * MARGIN;
  return [lo - pad, hi + pad];
}

/** The size×size cell centres over the frame's range (raw coordinates), as a dataset shaped like `points`. */
export function boundaryGrid(o: { points: Dataset; frame: readonly Dataset[]; grid: number }): { x_min: number; x_max: number; y_min: number; y_max: number; size: number; cells: Dataset } {
  const n = o.grid;
  const [x_min, x_max] = range(o.frame, 0);
  const [y_min, y_max] = range(o.frame, 1);
  const cells = new Float32Array(n * n * 2);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      cells[(row * n + col) * 2] = x_min + ((col + 0.5) * (x_max - x_min)) / n;
      cells[(row * n + col) * 2 + 1] = y_min + ((row + 0.5) * (y_max - y_min)) / n;
    }
  }
  return { x_min, x_max, y_min, y_max, size: n, cells: { ...o.points, name: 'grid', size: n * n, features: cells, featureScale: 1, labels: new Int32Array(n * n), norm: null } };
}

/** The first points of `points` (at most MAX_OVERLAY_POINTS), raw, to draw over the regions. */
export function overlayPoints(points: Dataset): { points: TensorData; point_labels: number[] } {
  const m = Math.min(points.size, MAX_OVERLAY_POINTS);
  const data = new Float32Array(m * 2);
  for (let i = 0; i < m * 2; i++) data[i] = points.features[i] * points.featureScale;
  return { points: { shape: [m, 2], data }, point_labels: Array.from(points.labels.subarray(0, m)) };
}

export async function decisionBoundary(model: Module, normalizer: Normalizer | null, o: { points: Dataset; frame: readonly Dataset[]; grid: number; batchSize?: number }): Promise<NonNullable<ResultOf<'results'>['boundary']>> {
  const { cells, ...frame } = boundaryGrid(o);
  const { outputs, width } = await forwardAll(model, normalize(cells, normalizer), { batchSize: o.batchSize, scored: false });
  return { ...frame, probs: { shape: [o.grid, o.grid, width], data: softmaxRows(outputs, width) }, ...overlayPoints(o.points) };
}
