import { describe, expect, it } from 'vitest';
import { boundaryPixels, confusionCsv, latestRunWithWeights, rowNormalize, runsWithWeights, toPixel } from '../../renderer/src/lib/results-data.ts';
import { classColor } from '../../renderer/src/lib/tensor-view.ts';
import type { RunRecord } from '../../renderer/src/lib/project.svelte.ts';

const run = (id: string, weights: boolean, status: RunRecord['status'] = 'done') => ({ id, status, weights: weights ? { file: `runs/${id}.safetensors`, crc32: 1 } : null }) as RunRecord;

describe('results data', () => {
  it('picks the newest run that has weights', () => {
    const runs = [run('a', true), run('b', true), run('c', false), run('d', true, 'running')];
    expect(latestRunWithWeights(runs)?.id).toBe('b');
    expect(runsWithWeights(runs).map((r) => r.id)).toEqual(['b', 'a']);
    expect(latestRunWithWeights([run('x', false)])).toBeNull();
  });

  it('normalises each true-class row to fractions', () => {
    expect(rowNormalize([[3, 1], [0, 0]])).toEqual([[0.75, 0.25], [0, 0]]);
  });

  it('writes the confusion matrix as CSV with quoted names', () => {
    expect(confusionCsv(['cat', 'dog, big'], [[5, 1], [2, 7]])).toBe('true \\ predicted,cat,"dog, big"\ncat,5,1\n"dog, big",2,7\n');
  });

  it('draws certain cells in their class colour with row 0 (y_min) at the bottom', () => {
    // 2×2 grid, 2 classes: bottom row certain class 0, top row certain class 1.
    const probs = [1, 0, 1, 0, 0, 1, 0, 1];
    const px = boundaryPixels(probs, 2, 2, [255, 255, 255]);
    const top = [...px.slice(0, 3)];
    const bottom = [...px.slice(8, 11)];
    const tint = (c: readonly number[]) => c.map((v) => Math.round(255 + (v - 255) * 0.55));
    expect(top).toEqual(tint(classColor(1)));
    expect(bottom).toEqual(tint(classColor(0)));
  });

  it('fades unsure cells towards the background', () => {
    const px = boundaryPixels([0.5, 0.5], 1, 2, [255, 255, 255]);
    const unsure = [...px.slice(0, 3)];
    const sure = [...boundaryPixels([1, 0], 1, 2, [255, 255, 255]).slice(0, 3)];
    expect(unsure.reduce((a, b) => a + b)).toBeGreaterThan(sure.reduce((a, b) => a + b));
  });

  it('maps raw coordinates to pixels with y up', () => {
    const b = { x_min: -1, x_max: 1, y_min: 0, y_max: 4 };
    expect(toPixel(-1, 0, b, 200, 100)).toEqual([0, 100]);
    expect(toPixel(1, 4, b, 200, 100)).toEqual([200, 0]);
  });
});
