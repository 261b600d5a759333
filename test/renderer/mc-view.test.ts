/** How the Results view draws MC-dropout answers: the colour scale, the heat-map's orientation, the scale's top, per-sample mean ± std. */
import { describe, expect, it } from 'vitest';
import { heatmapPixels, maxEntropy, meanOf, passesAgree, predictedStats, SCALE, scaleColor, scaleGradient, scaleTop } from '../../renderer/src/lib/mc.ts';

const rgb = (px: Uint8ClampedArray, i: number) => [px[4 * i], px[4 * i + 1], px[4 * i + 2], px[4 * i + 3]];

describe('MC-dropout pictures', () => {
  it('the scale runs from its first stop to its last, clamps, and is monotone in lightness', () => {
    expect(scaleColor(0)).toEqual(SCALE[0]);
    expect(scaleColor(1)).toEqual(SCALE[SCALE.length - 1]);
    expect(scaleColor(-3)).toEqual(SCALE[0]);
    expect(scaleColor(7)).toEqual(SCALE[SCALE.length - 1]);
    expect(scaleColor(Number.NaN)).toEqual(SCALE[0]);
    expect(scaleColor(0.25)).toEqual(SCALE[1]);
    const luma = (t: number) => { const [r, g, b] = scaleColor(t); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    for (let t = 0.05; t <= 1; t += 0.05) expect(luma(t)).toBeGreaterThan(luma(t - 0.05));
  });

  it('draws row 0 (y_min) at the bottom, as the decision regions do, with values over [0, top]', () => {
    // 2×2 grid: row 0 = [0, 1] (bottom), row 1 = [0.5, 0] (top)
    const px = heatmapPixels([0, 1, 0.5, 0], 2, 1);
    expect(px).toHaveLength(16);
    expect(rgb(px, 2)).toEqual([...SCALE[0], 255]); // bottom-left = row 0, col 0
    expect(rgb(px, 3)).toEqual([...SCALE[4].map(Math.round), 255]); // bottom-right = the top value
    expect(rgb(px, 0)).toEqual([...SCALE[2], 255]); // top-left = 0.5
  });

  it('scales to the largest value, with a floor for an all-zero grid', () => {
    expect(scaleTop([0.1, 0.4, 0.2])).toBe(0.4);
    expect(scaleTop([0, 0])).toBeGreaterThan(0);
    expect(meanOf([0.1, 0.2, 0.3])).toBeCloseTo(0.2);
    expect(meanOf([])).toBe(0);
    expect(maxEntropy(2)).toBeCloseTo(0.6931, 4);
    expect(maxEntropy(10)).toBeCloseTo(2.3026, 4);
    expect(maxEntropy(1)).toBe(0);
  });

  it('tells a model without active dropout (all passes the same) from one with it', () => {
    expect(passesAgree(new Float32Array([0, 0, 1e-9]))).toBe(true);
    expect(passesAgree(new Float32Array([0, 0.02, 0]))).toBe(false);
  });

  it("reads a sample's predicted class with its mean probability and std over the passes", () => {
    expect(predictedStats({ predicted: 1, probs: [0.3, 0.7], std: [0.1, 0.2] })).toEqual({ mean: 0.7, std: 0.2 });
    expect(predictedStats({ predicted: 3, probs: [1], std: [0] }).mean).toBeNaN();
  });

  it('gives the legend a left-to-right gradient through every stop', () => {
    const g = scaleGradient();
    expect(g.startsWith('linear-gradient(to right, rgb(68 1 84) 0%')).toBe(true);
    expect(g.endsWith('rgb(253 231 37) 100%)')).toBe(true);
    expect(g.match(/rgb\(/g)).toHaveLength(SCALE.length);
  });
});
