import { describe, expect, it } from 'vitest';
import { checkSchedule, defaultSchedule, formatMilestones, parseMilestones, polyline, previewValues, SCHEDULE_TYPES } from '../../renderer/src/lib/schedule-edit.ts';

describe('dropout schedule editor', () => {
  it('starts every type from the layer rate, valid for the engine', () => {
    for (const type of SCHEDULE_TYPES) {
      const s = defaultSchedule(type, 0.5, 10);
      expect(checkSchedule(s, { min: 0, max: 1 }), type).toBeNull();
    }
    expect(defaultSchedule('none', 0.5, 10)).toBeNull();
    expect(defaultSchedule('linear', 0.4, 10)).toEqual({ type: 'linear', start: 0, end: 0.4, epochs: 5 });
  });

  it('reads and writes milestones as text', () => {
    expect(parseMilestones('3: 0.3, 6: 0.1')).toEqual([[3, 0.3], [6, 0.1]]);
    expect(parseMilestones('2=0.5; 4 → .25')).toEqual([[2, 0.5], [4, 0.25]]);
    expect(parseMilestones('three: 0.3')).toBeNull();
    expect(parseMilestones('')).toBeNull();
    expect(formatMilestones([[3, 0.3], [6, 0.1]])).toBe('3: 0.3, 6: 0.1');
  });

  it('previews p over the run with the engine’s schedule', () => {
    const v = previewValues({ type: 'linear', start: 0, end: 0.5, epochs: 5 }, 0.5, 10, 100, 10);
    expect(v).toHaveLength(11);
    expect(v[0]).toBe(0);
    expect(v[2]).toBeCloseTo(0.2); // 2 of 10 epochs into a 5-epoch ramp
    expect(v[10]).toBe(0.5);
    expect(previewValues(null, 0.3, 10, 100, 4)).toEqual([0.3, 0.3, 0.3, 0.3, 0.3]);
    const steps = previewValues({ type: 'step', start: 0.5, milestones: [[5, 0.1]] }, 0.5, 10, 10, 10);
    expect(steps.slice(0, 5).every((x) => x === 0.5) && steps.slice(5).every((x) => x === 0.1)).toBe(true);
  });

  it('draws values bottom-up in a box', () => {
    expect(polyline([0, 0.5, 1], 100, 20, 1)).toBe('0.0,20.0 50.0,10.0 100.0,0.0');
  });
});
