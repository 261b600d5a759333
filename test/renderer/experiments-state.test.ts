import { describe, expect, it } from 'vitest';
import { SweepState } from '../../renderer/src/lib/sweep.svelte.ts';
import { axisOf, rampColor, validationCurves, valueVsP } from '../../renderer/src/lib/compare-charts.ts';
import { findSweeps, sweepEntries } from '../../renderer/src/lib/compare.ts';
import { recommend } from '../../engine/experiments/recommend.ts';
import { defaultSettings } from '../../engine/train/settings.ts';
import type { EngineEvent } from '../../engine/protocol.ts';
import type { RunRecord } from '../../renderer/src/lib/project.svelte.ts';

function run(name: string, vals: number[], id = name.replace(/[^\w-]+/g, '_')): RunRecord {
  return {
    id, name, created: '2025-01-01T00:00:00Z', status: 'done', spec: { input_shape: [2], layers: [] }, dataset: { id: 'spiral', samples: 300, seed: 0 },
    settings: defaultSettings(), test: null, normalizer: null, weights: null, note: '',
    history: { epochs: vals.map((v, i) => ({ epoch: i + 1, train_loss: v / 2, train_accuracy: null, val_loss: v, val_accuracy: null, lr: 0.01, dropout_p: {}, seconds: 1 })), step_losses: [], best_epoch: null, stopped_early: false },
  };
}

function lab(o: { training?: boolean; connected?: boolean } = {}) {
  let emit: (e: EngineEvent) => void = () => {};
  const requests: { type: string; params: Record<string, unknown> }[] = [];
  const added: RunRecord[] = [];
  let clock = 0;
  const engine = {
    status: { state: o.connected === false ? 'connecting' : 'connected' },
    onEvent: (l: (e: EngineEvent) => void) => ((emit = l), () => {}),
    request: async (type: string, params: Record<string, unknown>) => {
      requests.push({ type, params });
      return type === 'sweep.start' ? { sweep_id: 'sweep-1', runs_total: 4 } : { state: 'cancelling' };
    },
  };
  const project = { doc: { model: { input_shape: [2], layers: [] }, dataset: { id: 'spiral' }, training: defaultSettings(), runs: [] }, report: { ok: true }, addRun: (r: RunRecord) => added.push(r) };
  const s = new SweepState(engine as never, project as never, { active: o.training ?? false }, () => clock);
  s.form.layers = ['drop'];
  s.form.p = [0, 0.5];
  s.form.seeds = 2;
  return { s, emit: (e: EngineEvent) => emit(e), requests, added, tick: (ms: number) => (clock += ms) };
}

describe('sweep state', () => {
  it('starts the plan with the chosen judging and follows its events to the end', async () => {
    const { s, emit, requests, added, tick } = lab();
    s.metric = 'val_accuracy';
    expect(s.runs).toBe(4);
    expect(await s.start()).toBe(true);
    expect(s.state).toBe('running');
    expect(requests[0]).toMatchObject({ type: 'sweep.start', params: { plan: { layers: ['drop'], tie: 'tied', p: [0, 0.5], seeds: [0, 1] }, metric: 'val_accuracy', at: 'final' } });

    tick(1000);
    emit({ type: 'sweep-progress', sweep_id: 'sweep-1', run_index: 0, runs_total: 4, label: 'p=0 · seed 0', run_fraction: 0.01, fraction: 0.0025 });
    expect(s.etaS).toBeNull(); // too early to guess
    tick(9000);
    emit({ type: 'sweep-progress', sweep_id: 'sweep-1', run_index: 1, runs_total: 4, label: 'p=0 · seed 1', run_fraction: 0, fraction: 0.25 });
    expect(s.etaS).toBeCloseTo(30);
    emit({ type: 'sweep-progress', sweep_id: 'other', run_index: 3, runs_total: 4, label: 'x', run_fraction: 0, fraction: 0.9 });
    expect(s.progress?.label).toBe('p=0 · seed 1');
    // Two workers: both runs are training at once.
    expect([...s.running]).toEqual([[0, 'p=0 · seed 0'], [1, 'p=0 · seed 1']]);

    const r = run('sweep-1 p=0 · seed 0', [1]);
    emit({ type: 'sweep-run', sweep_id: 'sweep-1', index: 0, runs_total: 4, label: 'p=0 · seed 0', group: 'p=0', p: { drop: 0 }, placement: null, seed: 0, run: r, train_eval: { loss: 0.2, accuracy: 0.9 } });
    expect(added.map((a) => a.id)).toEqual([r.id]);
    expect(s.trainEval[r.id]).toEqual({ loss: 0.2, accuracy: 0.9 });
    expect(s.runsDone).toBe(1);
    expect([...s.running]).toEqual([[1, 'p=0 · seed 1']]);

    const rec = recommend(sweepEntries(findSweeps([r])[0]), 'val_loss');
    emit({ type: 'sweep-finished', sweep_id: 'sweep-1', status: 'done', runs: 4, error: null, recommendation: rec });
    expect(s.state).toBe('done');
    expect(s.active).toBe(false);
    expect(s.recommendations['sweep-1'].best?.group).toBe('p=0');
  });

  it('cancels, and says why it will not start', async () => {
    const busy = lab({ training: true });
    expect(busy.s.blocked).toBe('training');
    expect(await busy.s.start()).toBe(false);
    expect(busy.requests).toEqual([]);
    expect(lab({ connected: false }).s.blocked).toBe('engine');
    const none = lab();
    none.s.form.layers = [];
    expect(none.s.blocked).toBe('noLayer');

    const { s, emit, requests } = lab();
    await s.start();
    expect(s.blocked).toBe('running');
    await s.cancel();
    expect(requests.at(-1)?.type).toBe('sweep.cancel');
    expect(s.state).toBe('cancelling');
    emit({ type: 'sweep-finished', sweep_id: 'sweep-1', status: 'cancelled', runs: 1, error: null, recommendation: null });
    expect(s.state).toBe('cancelled');
  });

  it('turns a lost engine into a failed sweep', async () => {
    const { s, emit } = lab();
    await s.start();
    emit({ type: 'engine-lost', reason: 'crash', restarted: true });
    expect(s.state).toBe('failed');
    expect(s.error).toMatch(/runs that finished are in the project/);
  });

  it('keeps the layer choice in step with the model', () => {
    const { s } = lab();
    s.form.layers = [];
    s.syncLayers(['a', 'b']);
    expect(s.form.layers).toEqual(['a']);
    s.toggleLayer('b', true);
    s.syncLayers(['b', 'c']);
    expect(s.form.layers).toEqual(['b']);
    s.toggleLayer('b', false);
    s.syncLayers(['b', 'c']);
    expect(s.form.layers).toEqual([]); // cleared by hand stays cleared
  });
});

describe('compare charts', () => {
  const sweep = findSweeps([
    run('sweep-c p=0 · seed 0', [1, 2]), run('sweep-c p=0 · seed 1', [3, 4]),
    run('sweep-c p=0.5 · seed 0', [1, 1, 1]), run('sweep-c p=0.5 · seed 1', [2, 2]),
  ])[0];

  it('averages each setting over its seeds, epoch by epoch, with thin per-seed lines', () => {
    const c = validationCurves(sweep, 'val_loss', 'light');
    expect(c.x).toEqual([1, 2, 3]);
    const means = c.lines.filter((l) => l.seed === null);
    expect(means.map((l) => [l.label, l.data])).toEqual([['p = 0', [2, 3, null]], ['p = 0.5', [1.5, 1.5, 1]]]);
    expect(c.lines.filter((l) => l.seed !== null)).toHaveLength(4);
    expect(means[0].color).toBe(rampColor(0, 'light'));
    expect(means[1].color).toBe(rampColor(1, 'light'));
  });

  it('runs colours along an ordered ramp', () => {
    expect(rampColor(0, 'light')).toBe('rgba(37, 99, 235, 1)');
    expect(rampColor(1, 'dark', 0.35)).toBe('rgba(250, 204, 21, 0.35)');
    expect(rampColor(7, 'light')).toBe(rampColor(1, 'light'));
  });

  it('puts settings on a p axis, one line per placement', () => {
    expect(axisOf('p=0.3')).toEqual({ line: '', x: 0.3 });
    expect(axisOf('after-linear p=0.2')).toEqual({ line: 'after-linear', x: 0.2 });
    expect(axisOf('none')).toEqual({ line: 'none', x: 0 });
    expect(axisOf('a=0.1 b=0.4')).toEqual({ line: 'a=0.1', x: 0.4 });
    const row = (group: string, mean: number, se: number) => ({ group, p: {}, strength: 0, placement: null, seeds: [0], run_ids: [], mean, se, best_epoch: 1, gap: mean / 10, gap_se: NaN, gap_basis: 'training history' });
    const v = valueVsP([row('none', 1, 0), row('after-linear p=0.2', 0.8, 0.05), row('after-linear p=0.4', 0.7, 0.1)], 'mean');
    expect(v.x).toEqual([0, 0.2, 0.4]);
    expect(v.lines).toEqual([
      { line: 'none', data: [1, null, null], errors: [0, null, null] },
      { line: 'after-linear', data: [null, 0.8, 0.7], errors: [null, 0.05, 0.1] },
    ]);
    expect(valueVsP([row('p=0', 1, 0)], 'gap').lines[0]).toEqual({ line: '', data: [0.1], errors: [null] });
  });
});
