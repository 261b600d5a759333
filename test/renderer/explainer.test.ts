import { describe, expect, it } from 'vitest';
import { ARTICLE_MASK, ARTICLE_P, ARTICLE_X, drawMask, dropoutSteps, keepScale, meanOutput, rng } from '../../renderer/src/lib/explainer.ts';

describe('explainer: the article’s worked example', () => {
  it('reproduces [2, 4, 6, 8] → [2, 0, 6, 0] → [4, 0, 12, 0] at p = 0.5', () => {
    const s = dropoutSteps(ARTICLE_X, ARTICLE_P, ARTICLE_MASK);
    expect(s.masked).toEqual([2, 0, 6, 0]);
    expect(s.scale).toBe(2);
    expect(s.y).toEqual([4, 0, 12, 0]);
  });

  it.each([0.1, 0.25, 0.3, 0.5, 0.75, 0.9])('scales survivors by exactly 1/(1 − p) at p = %f', (p) => {
    const s = dropoutSteps([1, 2, 3], p, [1, 1, 0]);
    expect(s.scale).toBe(1 / (1 - p));
    expect(s.y).toEqual([1 / (1 - p), 2 / (1 - p), 0]);
  });

  it('p = 0 keeps every element and leaves x unchanged', () => {
    const mask = drawMask(1000, 0, rng(7));
    expect(mask.every((m) => m === 1)).toBe(true);
    expect(dropoutSteps(ARTICLE_X, 0, [1, 1, 1, 1]).y).toEqual([...ARTICLE_X]);
  });

  it('p = 1 drops everything with nothing to scale', () => {
    expect(keepScale(1)).toBe(0);
    expect(drawMask(100, 1, rng(1)).every((m) => m === 0)).toBe(true);
  });

  it('keeps about 1 − p of the elements', () => {
    const mask = drawMask(20_000, 0.3, rng(3));
    expect(mask.reduce((a, b) => a + b, 0) / mask.length).toBeCloseTo(0.7, 1);
  });

  it.each([0.2, 0.5, 0.8])('preserves the expectation: the mean over many draws ≈ x at p = %f', (p) => {
    const mean = meanOutput(ARTICLE_X, p, 40_000, 11);
    mean.forEach((m, i) => expect(Math.abs(m - ARTICLE_X[i]) / ARTICLE_X[i]).toBeLessThan(0.05));
  });

  it('is reproducible from its seed and differs across seeds', () => {
    expect(drawMask(32, 0.5, rng(5))).toEqual(drawMask(32, 0.5, rng(5)));
    expect(drawMask(32, 0.5, rng(5))).not.toEqual(drawMask(32, 0.5, rng(6)));
  });

  it('refuses a mask of the wrong length', () => {
    expect(() => dropoutSteps(ARTICLE_X, 0.5, [1, 0])).toThrow(/2 entries but x has 4/);
  });
});
