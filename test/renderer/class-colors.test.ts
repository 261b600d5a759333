import { describe, expect, it } from 'vitest';
import { classColor, resolveColor } from '../../renderer/src/lib/class-colors.ts';

/** The light theme's series colours as renderer/src/styles/theme.css declares them. */
const light = { getPropertyValue: (name: string) => ({ '--series-1': ' #2563eb', '--series-2': ' #ea580c', '--series-3': ' #16a34a', '--series-4': ' #9333ea' })[name] ?? '' };

describe('class colours', () => {
  it('gives the first four classes the theme’s series colours, as variables that follow the theme', () => {
    expect([0, 1, 2, 3].map(classColor)).toEqual(['var(--series-1)', 'var(--series-2)', 'var(--series-3)', 'var(--series-4)']);
  });

  it('gives CIFAR-10’s ten classes ten different colours, classes 4–9 from Tableau 10', () => {
    const ten = Array.from({ length: 10 }, (_, k) => resolveColor(classColor(k), light));
    expect(ten).toEqual(['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#d62728', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf']);
  });

  it('keeps giving distinct colours past ten (CIFAR-100), the same ones every time', () => {
    const hundred = Array.from({ length: 100 }, (_, k) => classColor(k));
    expect(new Set(hundred).size).toBe(100);
    // 10 × 137.508° = 1375.08° ≡ 295°, an even class, so the lighter one; 11 × 137.508° ≡ 73°, darker.
    expect(classColor(10)).toBe('hsl(295 60% 58%)');
    expect(classColor(11)).toBe('hsl(73 60% 42%)');
    expect(classColor(57)).toBe(hundred[57]);
  });

  it('resolves a variable for a canvas and leaves a plain colour as it is', () => {
    expect(resolveColor('var(--series-2)', light)).toBe('#ea580c');
    expect(resolveColor('#bcbd22', light)).toBe('#bcbd22');
    expect(resolveColor('hsl(295 60% 58%)', light)).toBe('hsl(295 60% 58%)');
  });
});
