import { describe, expect, it } from 'vitest';
import { compareCsv, findSweeps, groupLabel, parseSweepName, reasoning, runRows, sortRows, sweepEntries } from '../../renderer/src/lib/compare.ts';
import { recommend } from '../../engine/experiments/recommend.ts';
import { defaultSettings } from '../../engine/train/settings.ts';
import type { RunRecord } from '../../renderer/src/lib/project.svelte.ts';

type Ep = [train_loss: number, val_loss: number, train_acc?: number, val_acc?: number];

function run(name: string, epochs: Ep[], created = '2025-01-01T00:00:00Z', id = name.replace(/[^\w-]+/g, '_')): RunRecord {
  return {
    id, name, created, status: 'done', spec: { input_shape: [2], layers: [] }, dataset: { id: 'spiral', samples: 300, seed: 0 },
    settings: defaultSettings(), test: { loss: 0.5, accuracy: 0.8 }, normalizer: null, weights: null, note: '',
    history: {
      epochs: epochs.map(([tl, vl, ta, va], i) => ({ epoch: i + 1, train_loss: tl, val_loss: vl, train_accuracy: ta ?? null, val_accuracy: va ?? null, lr: 0.01, dropout_p: {}, seconds: 1 })),
      step_losses: [], best_epoch: null, stopped_early: false,
    },
  };
}

describe('sweep runs found in a project', () => {
  it.each([
    ['sweep-20250101-ab12 p=0.3 · seed 1', { sweep: 'sweep-20250101-ab12', group: 'p=0.3', seed: 1, placement: null, p: { p: 0.3 } }],
    ['sweep-x drop1=0.1 res.drop=0.25 · seed 0', { sweep: 'sweep-x', group: 'drop1=0.1 res.drop=0.25', seed: 0, placement: null, p: { drop1: 0.1, 'res.drop': 0.25 } }],
    ['sweep-x after-conv-dropblock p=0.2 · seed 2', { sweep: 'sweep-x', group: 'after-conv-dropblock p=0.2', seed: 2, placement: 'after-conv-dropblock', p: { 'after-conv-dropblock': 0.2 } }],
    ['sweep-x none · seed 0', { sweep: 'sweep-x', group: 'none', seed: 0, placement: 'none', p: {} }],
  ])('reads %s', (name, want) => {
    expect(parseSweepName(name)).toEqual(want);
  });

  it.each(['Run 3', 'spiral p=0.3', 'sweep-x p=abc · seed 1', 'sweep-x · seed 1', 'my run p=0.3 · seed x'])('leaves the ordinary run %s alone', (name) => {
    expect(parseSweepName(name)).toBeNull();
  });

  it('groups runs by sweep, newest sweep first, keeping their order', () => {
    const sweeps = findSweeps([
      run('sweep-a p=0 · seed 0', [[1, 1]], '2025-01-01T00:00:00Z'),
      run('Run 1', [[1, 1]]),
      run('sweep-b p=0.5 · seed 0', [[1, 1]], '2025-02-01T00:00:00Z'),
      run('sweep-a p=0.5 · seed 0', [[1, 1]], '2025-01-01T00:01:00Z'),
    ]);
    expect(sweeps.map((s) => [s.id, s.runs.map((r) => r.group)])).toEqual([['sweep-b', ['p=0.5']], ['sweep-a', ['p=0', 'p=0.5']]]);
  });

  it('labels tied settings as p = …', () => {
    expect(groupLabel('p=0.3')).toBe('p = 0.3');
    expect(groupLabel('after-linear p=0.3')).toBe('after-linear p=0.3');
  });
});

// The article's pattern in miniature: no dropout overfits (wide gap), 0.3 is best, 0.6 underfits.
const pattern = [
  run('sweep-s p=0 · seed 0', [[0.5, 0.7], [0.1, 0.9]]),
  run('sweep-s p=0 · seed 1', [[0.5, 0.72], [0.12, 0.95]]),
  run('sweep-s p=0.3 · seed 0', [[0.6, 0.6], [0.4, 0.5]]),
  run('sweep-s p=0.3 · seed 1', [[0.6, 0.62], [0.42, 0.52]]),
  run('sweep-s p=0.6 · seed 0', [[0.9, 0.85], [0.8, 0.8]]),
  run('sweep-s p=0.6 · seed 1', [[0.9, 0.86], [0.82, 0.84]]),
];

describe('the run table', () => {
  const [sweep] = findSweeps(pattern);

  it('takes final metrics, the best epoch and the gap per run', () => {
    const rows = runRows(sweep, 'val_loss');
    expect(rows[0]).toMatchObject({ group: 'p=0', seed: 0, strength: 0, epochs: 2, train_loss: 0.1, val_loss: 0.9, best: 0.7, best_epoch: 1, test_accuracy: 0.8 });
    expect(rows[0].gap).toBeCloseTo(0.8);
    expect(rows[2].best).toBe(0.5);
    expect(rows[2].best_epoch).toBe(2);
  });

  it('sorts either way with missing values last and settings then seeds breaking ties', () => {
    const rows = runRows(sweep, 'val_loss');
    expect(sortRows(rows, 'best', 'asc').map((r) => r.best)).toEqual([0.5, 0.52, 0.7, 0.72, 0.8, 0.84]);
    expect(sortRows(rows, 'best', 'desc').map((r) => r.best)).toEqual([0.84, 0.8, 0.72, 0.7, 0.52, 0.5]);
    // No accuracies at all: the sort keeps setting-then-seed order.
    expect(sortRows(rows, 'val_accuracy', 'desc').map((r) => `${r.group}/${r.seed}`)).toEqual(['p=0/0', 'p=0/1', 'p=0.3/0', 'p=0.3/1', 'p=0.6/0', 'p=0.6/1']);
    const withNull = [...rows, { ...rows[0], id: 'n', best: null }];
    expect(sortRows(withNull, 'best', 'desc').at(-1)!.id).toBe('n');
    expect(sortRows(withNull, 'best', 'asc').at(-1)!.id).toBe('n');
  });

  it('writes CSV named after the metric, quoting what needs it', () => {
    const rows = runRows(findSweeps([run('sweep-q a,b=0.1 · seed 0', [[1, 2, 0.5, 0.25]])])[0], 'val_accuracy');
    const csv = compareCsv(rows, 'val_accuracy').trim().split('\n');
    expect(csv[0]).toBe('name,group,strength,seed,epochs,train_loss,val_loss,train_accuracy,val_accuracy,best_val_accuracy,best_epoch,final_accuracy_gap,test_loss,test_accuracy');
    expect(csv[1]).toBe('"sweep-q a,b=0.1 · seed 0","a,b=0.1",0.1,0,1,1,2,0.5,0.25,0.25,1,0.25,0.5,0.8');
  });
});

describe('the recommendation in words', () => {
  const [sweep] = findSweeps(pattern);

  it('names the best setting and gives the others the engine’s verdicts', () => {
    for (const at of ['best', 'final'] as const) {
      const rec = recommend(sweepEntries(sweep), 'val_loss', { at });
      const why = reasoning(rec)!;
      expect(why.best.group).toBe('p=0.3');
      const kinds = Object.fromEntries(why.others.map((v) => [v.row.group, v.kind]));
      expect(kinds).toEqual({ 'p=0': 'overfits', 'p=0.6': 'underfits' });
      // The engine's English reasoning says the same.
      expect(rec.reasoning).toMatch(/p = 0: .* — overfits/);
      expect(rec.reasoning).toMatch(/p = 0\.6: .* — underfits/);
    }
  });

  it('reports a tie within one standard error and prefers the weaker dropout', () => {
    const close = findSweeps([
      run('sweep-t p=0.1 · seed 0', [[0.4, 0.52]]), run('sweep-t p=0.1 · seed 1', [[0.4, 0.5]]),
      run('sweep-t p=0.5 · seed 0', [[0.45, 0.48]]), run('sweep-t p=0.5 · seed 1', [[0.45, 0.52]]),
    ])[0];
    const rec = recommend(sweepEntries(close), 'val_loss', { at: 'final' });
    const why = reasoning(rec)!;
    expect(why.best.group).toBe('p=0.1');
    expect(why.tiedTop?.group).toBe('p=0.5');
    expect(rec.reasoning).toContain('within one standard error');
  });

  it('uses eval-mode training numbers for the gap when they are known', () => {
    const ids = Object.fromEntries(sweep.runs.map((r) => [r.run.id, { loss: 0, accuracy: null }]));
    const rec = recommend(sweepEntries(sweep, ids), 'val_loss', { at: 'final' });
    expect(rec.best!.gap_basis).toBe('eval-mode train pass');
    expect(rec.best!.gap).toBeCloseTo(0.51);
    expect(recommend(sweepEntries(sweep), 'val_loss').best!.gap_basis).toBe('training history');
  });

  it('has nothing to say without validation numbers', () => {
    const none = findSweeps([run('sweep-n p=0 · seed 0', [[1, 1]])])[0];
    const rec = recommend(sweepEntries(none), 'val_accuracy');
    expect(rec.best).toBeNull();
    expect(reasoning(rec)).toBeNull();
  });
});
