import { describe, expect, it } from 'vitest';
import { broadcastMask, diverging, formatVector, heatPixels, imagePixels, isImageShape, layoutOf, MID_LIGHT, NEGATIVE, POSITIVE, softmax } from '../../renderer/src/lib/tensor-view.ts';
import { compareLast, makeEntry, pushEntry } from '../../renderer/src/lib/mode-runs.ts';

describe('tensor-view', () => {
  it.each([
    [[10], { kind: 'strip', rows: 1, cols: 10 }],
    [[200], { kind: 'strip', rows: 4, cols: 64 }],
    [[16, 32], { kind: 'matrix', rows: 16, cols: 32 }],
    [[8, 5, 6], { kind: 'maps', maps: 8, rows: 5, cols: 6 }],
  ] as const)('lays out a sample of shape %j as %j', (shape, layout) => {
    expect(layoutOf(shape)).toEqual(layout);
  });

  it('colours zero as the middle, the extremes as the end colours', () => {
    expect(diverging(0, 1, MID_LIGHT)).toEqual(MID_LIGHT);
    expect(diverging(-3, 2, MID_LIGHT)).toEqual(NEGATIVE);
    expect(diverging(2, 2, MID_LIGHT)).toEqual(POSITIVE);
    expect(diverging(5, 0, MID_LIGHT)).toEqual(MID_LIGHT);
  });

  it('leaves cells past the data transparent', () => {
    const px = heatPixels([1, -1, 0], 0, 1, 4, 1, MID_LIGHT);
    expect([...px.slice(0, 4)]).toEqual([...POSITIVE, 255]);
    expect([...px.slice(4, 8)]).toEqual([...NEGATIVE, 255]);
    expect(px[15]).toBe(0);
  });

  it('broadcasts a per-channel mask over its feature maps', () => {
    const m = broadcastMask([1, 0], [1, 2, 1, 1], [1, 2, 2, 2]);
    expect(m && [...m]).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(broadcastMask([1, 0, 1], [3], [4])).toBeNull();
    expect(broadcastMask([1, 0, 1, 1], [1, 4], [1, 4]) && [...broadcastMask([1, 0, 1, 1], [1, 4], [1, 4])!]).toEqual([1, 0, 1, 1]);
  });

  it('reads grey and RGB images out of a batch', () => {
    const grey = imagePixels([0, 0, 0, 0, 1, 0.5, 0, 0], [2, 1, 2, 2], 1);
    expect([grey.width, grey.height]).toEqual([2, 2]);
    expect([...grey.px.slice(0, 8)]).toEqual([255, 255, 255, 255, 128, 128, 128, 255]);
    const rgb = imagePixels([1, 0, 0.5], [1, 3, 1, 1], 0);
    expect([...rgb.px]).toEqual([255, 0, 128, 255]);
    expect(isImageShape([1, 28, 28])).toBe(true);
    expect(isImageShape([2])).toBe(false);
    expect(isImageShape([16, 12])).toBe(true);
  });

  it('prints vectors with fixed digits and a tail count', () => {
    expect(formatVector([0.12344, -0.56789])).toBe('[0.1234, -0.5679]');
    expect(formatVector([1, 2, 3], 1, 2)).toBe('[1.0, 2.0, … +1]');
  });

  it('softmax sums to one and survives large logits', () => {
    const p = softmax([1000, 1000, 0]);
    expect(p[0]).toBeCloseTo(0.5);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
  });
});

describe('Run-again history', () => {
  it('says identical for equal outputs and differs otherwise', () => {
    let h = pushEntry([], makeEntry(1, 'eval', 0, [0.5, -1]));
    expect(compareLast(h)).toEqual({ kind: 'none' });
    h = pushEntry(h, makeEntry(2, 'eval', 1, [0.5, -1]));
    expect(compareLast(h)).toMatchObject({ kind: 'identical', maxDiff: 0, modes: ['eval', 'eval'] });
    h = pushEntry(h, makeEntry(3, 'train', 2, [0.5, -0.99]));
    expect(compareLast(h)).toMatchObject({ kind: 'differs', modes: ['eval', 'train'] });
    expect((compareLast(h) as { maxDiff: number }).maxDiff).toBeCloseTo(0.01);
  });

  it('keeps the last few runs, newest last, with their printed output and top index', () => {
    let h: ReturnType<typeof pushEntry> = [];
    for (let n = 1; n <= 9; n++) h = pushEntry(h, makeEntry(n, 'train', n, [n, -n, 2 * n]), 6);
    expect(h.map((e) => e.n)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(h.at(-1)).toMatchObject({ text: '[9.0000, -9.0000, 18.0000]', top: 2 });
  });
});
