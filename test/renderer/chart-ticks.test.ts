/** The per-step chart's end labels do not crowd the round steps next to them (issue #19: "251" over "254"). */
import { describe, expect, it } from 'vitest';
import { thinEndTicks } from '../../renderer/src/lib/chart-ticks.ts';

describe('thinEndTicks', () => {
  it.each([
    { name: 'a round step just before the last step goes', ticks: [1, 50, 100, 150, 200, 250, 254], want: [1, 50, 100, 150, 200, 254] },
    { name: 'a round step just after the first goes', ticks: [0.8, 1, 2, 3, 4], want: [0.8, 2, 3, 4] },
    { name: 'ends half a step or more away stay', ticks: [1, 11, 21, 31, 41, 47], want: [1, 11, 21, 31, 41, 47] },
    { name: 'evenly spaced ticks stay', ticks: [0, 10, 20, 30], want: [0, 10, 20, 30] },
    { name: 'three ticks or fewer stay', ticks: [1, 2, 2.1], want: [1, 2, 2.1] },
  ])('$name', ({ ticks, want }) => {
    expect(thinEndTicks(ticks)).toEqual(want);
  });
});
