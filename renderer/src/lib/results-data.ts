/**
 * What the Results view derives from a `results` reply and the project's
 * runs: which run to show, the confusion matrix as percentages and CSV, and
 * the decision regions as pixels (class colours blended by probability).
 */
import type { RunRecord } from '../../../engine/project/project.ts';
import { classColor, mix, type RGB } from './tensor-view.ts';

/** Runs whose weights the engine holds, newest first (the project lists them oldest first). */
export function runsWithWeights(runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((r) => r.weights !== null && r.status !== 'running').reverse();
}

export function latestRunWithWeights(runs: readonly RunRecord[]): RunRecord | null {
  return runsWithWeights(runs)[0] ?? null;
}

/** Each row as fractions of its true class (empty rows stay 0). */
export function rowNormalize(confusion: readonly (readonly number[])[]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (total ? c / total : 0));
  });
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows are true classes, columns predicted ones; the corner names the axes. */
export function confusionCsv(classNames: readonly string[], confusion: readonly (readonly number[])[]): string {
  const head = ['true \\ predicted', ...classNames].map(csvField).join(',');
  const rows = confusion.map((row, i) => [csvField(classNames[i] ?? String(i)), ...row.map(String)].join(','));
  return [head, ...rows].join('\n') + '\n';
}

/**
 * RGBA bytes of a g×g×K probability grid (row 0 = y_min) as an image with y up: each cell is the
 * probability-weighted mix of class colours, faded towards `bg` where the model is unsure.
 */
export function boundaryPixels(probs: ArrayLike<number>, size: number, classes: number, bg: RGB): Uint8ClampedArray {
  const px = new Uint8ClampedArray(size * size * 4);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const base = (row * size + col) * classes;
      let c: RGB = [0, 0, 0];
      let top = 0;
      for (let k = 0; k < classes; k++) {
        const p = probs[base + k];
        const kc = classColor(k);
        c = [c[0] + kc[0] * p, c[1] + kc[1] * p, c[2] + kc[2] * p];
        top = Math.max(top, p);
      }
      // Certainty 1/K → background, 1 → 55% class colour: the points stay readable on top.
      const certainty = classes > 1 ? (top - 1 / classes) / (1 - 1 / classes) : 1;
      const [r, g, b] = mix(bg, c, 0.15 + 0.4 * certainty);
      px.set([r, g, b, 255], ((size - 1 - row) * size + col) * 4);
    }
  }
  return px;
}

/** Raw (x, y) → pixel position in a w×h box over [x_min, x_max] × [y_min, y_max], y up. */
export function toPixel(x: number, y: number, b: { x_min: number; x_max: number; y_min: number; y_max: number }, w: number, h: number): [number, number] {
  return [((x - b.x_min) / (b.x_max - b.x_min)) * w, (1 - (y - b.y_min) / (b.y_max - b.y_min)) * h];
}
