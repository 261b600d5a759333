/**
 * The engine's event pacing: step losses leave in batches and progress as its
 * latest value, at most once per interval, without losing a loss or changing
 * the order a client sees things in.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventPacer } from '../../../engine/host/event-pacer.ts';
import type { EngineEvent } from '../../../engine/protocol.ts';

const progress = (step: number, total = 100): EngineEvent => ({ type: 'progress', run_id: 'r', epoch: 0, step, steps_total: total, fraction: step / total, elapsed_s: step / 10, eta_s: (total - step) / 10 });

describe('EventPacer', () => {
  let sent: EngineEvent[];
  let pacer: EventPacer;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    sent = [];
    pacer = new EventPacer((e) => sent.push(e), 50);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the first step at once, then gathers steps until the interval has passed', () => {
    pacer.step('r', 0, 1, 0.9);
    expect(sent).toEqual([{ type: 'steps', run_id: 'r', epoch: 0, first_step: 1, losses: [0.9] }]);
    for (let s = 2; s <= 5; s++) {
      vi.advanceTimersByTime(5);
      pacer.step('r', 0, s, 1 / s);
    }
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(50); // the trailing timer sends what was held
    expect(sent).toEqual([
      { type: 'steps', run_id: 'r', epoch: 0, first_step: 1, losses: [0.9] },
      { type: 'steps', run_id: 'r', epoch: 0, first_step: 2, losses: [1 / 2, 1 / 3, 1 / 4, 1 / 5] },
    ]);
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(2); // nothing held, nothing sent
  });

  it('keeps the latest progress of each run of a sweep, sent in the order of their news', () => {
    const sweep = (run_index: number, run_fraction: number, fraction: number): EngineEvent => ({ type: 'sweep-progress', sweep_id: 's', run_index, runs_total: 4, label: `p=${run_index}`, run_fraction, fraction });
    pacer.event(sweep(0, 0.1, 0.05)); // sent at once
    pacer.event(sweep(0, 0.2, 0.1));
    pacer.event(sweep(1, 0.1, 0.125));
    pacer.event(sweep(0, 0.4, 0.175));
    vi.advanceTimersByTime(50);
    expect(sent).toEqual([sweep(0, 0.1, 0.05), sweep(1, 0.1, 0.125), sweep(0, 0.4, 0.175)]); // overall fraction never goes back
  });

  it('keeps only the latest progress of each kind', () => {
    pacer.event(progress(1));
    for (let s = 2; s <= 9; s++) pacer.event(progress(s));
    pacer.event({ type: 'mc-progress', fraction: 0.25, elapsed_s: 1, eta_s: 3 });
    pacer.event({ type: 'mc-progress', fraction: 0.5, elapsed_s: 2, eta_s: 2 });
    vi.advanceTimersByTime(50);
    expect(sent).toEqual([progress(1), progress(9), { type: 'mc-progress', fraction: 0.5, elapsed_s: 2, eta_s: 2 }]);
  });

  it('sends what it holds before any other event, so the order is kept', () => {
    pacer.step('r', 0, 1, 1);
    pacer.step('r', 0, 2, 2);
    pacer.event(progress(2));
    pacer.event({ type: 'state', run_id: 'r', state: 'paused' });
    expect(sent.map((e) => e.type)).toEqual(['steps', 'steps', 'progress', 'state']);
    expect(sent[1]).toMatchObject({ first_step: 2, losses: [2] });
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(4); // the timer found nothing left
  });

  it('starts a new batch for a new epoch, a new run or a gap in the steps', () => {
    pacer.step('r', 0, 1, 1); // sent at once
    pacer.step('r', 0, 2, 2);
    pacer.step('r', 1, 3, 3);
    pacer.step('r', 1, 4, 4);
    pacer.step('q', 0, 1, 5);
    pacer.step('q', 0, 3, 6);
    pacer.flush();
    expect(sent.map((e) => e.type === 'steps' && [e.run_id, e.epoch, e.first_step, e.losses])).toEqual([
      ['r', 0, 1, [1]], ['r', 0, 2, [2]], ['r', 1, 3, [3, 4]], ['q', 0, 1, [5]], ['q', 0, 3, [6]],
    ]);
  });

  it('turns 10,000 fast steps into about one message per interval, every loss in order', () => {
    const total = 10_000;
    for (let s = 1; s <= total; s++) {
      pacer.step('r', 0, s, s);
      pacer.event(progress(s, total));
      vi.advanceTimersByTime(0.05); // 20,000 steps a second
    }
    pacer.event({ type: 'state', run_id: 'r', state: 'done' });
    const losses = sent.flatMap((e) => (e.type === 'steps' ? e.losses : []));
    expect(losses).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const messages = sent.length;
    expect(messages).toBeLessThanOrEqual(2 * (500 / 50 + 2) + 1); // 0.5 s of work: ≤ 12 intervals × (steps + progress) + the state
    expect(sent.at(-2)).toEqual(progress(total, total));
  });
});
