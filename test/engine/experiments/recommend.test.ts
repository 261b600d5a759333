/** The recommendation: best mean validation metric over seeds, ties within one standard error to the smaller p, reasons in words. */
import { describe, expect, it } from 'vitest';
import { recommend, sweepEntryFromRun, type SweepEntry } from '../../../engine/experiments/recommend.ts';

/** A run whose validation loss follows `val` per epoch, training loss `train` throughout, accuracies 1 − loss/2. */
function entry(p: number, seed: number, val: number[], train: number, trainEval?: number): SweepEntry {
  return {
    group: `p=${p}`, p: { drop: p }, placement: null, seed,
    history: { epochs: val.map((v, i) => ({ epoch: i + 1, train_loss: train, train_accuracy: 1 - train / 2, val_loss: v, val_accuracy: 1 - v / 2 })) },
    train_eval: trainEval === undefined ? null : { loss: trainEval, accuracy: 1 - trainEval / 2 },
  };
}

describe('recommend', () => {
  // p = 0 dips to 0.50 then overfits to 0.80; p = 0.3 reaches 0.40 and stays near; p = 0.6 plateaus at 0.55.
  const runs = [
    entry(0, 0, [0.7, 0.5, 0.8], 0.1), entry(0, 1, [0.7, 0.52, 0.82], 0.1),
    entry(0.3, 0, [0.7, 0.41, 0.45], 0.3), entry(0.3, 1, [0.7, 0.39, 0.43], 0.3),
    entry(0.6, 0, [0.7, 0.6, 0.55], 0.5), entry(0.6, 1, [0.7, 0.6, 0.56], 0.5),
  ];

  it('uses each run\'s best-epoch value, mean ± standard error over seeds, and the final-epoch gap', () => {
    const r = recommend(runs, 'val_loss');
    expect(r.best?.group).toBe('p=0.3');
    const row0 = r.table[0];
    expect(row0).toMatchObject({ group: 'p=0', seeds: [0, 1], best_epoch: 2, gap_basis: 'training history' });
    expect(row0.mean).toBeCloseTo(0.51, 10);
    expect(row0.se).toBeCloseTo(Math.sqrt(((0.01 ** 2) * 2) / 1 / 2), 10); // sample std 0.01414 / √2
    expect(row0.gap).toBeCloseTo(0.81 - 0.1, 10);
    expect(r.table.map((t) => t.group)).toEqual(['p=0', 'p=0.3', 'p=0.6']);
  });

  it('says why in words and names the metric that drove it', () => {
    const r = recommend(runs, 'val_loss');
    expect(r.reasoning).toMatch(/^Recommended p = 0\.3: validation loss 0\.400 ± 0\.010 \(each run's best-epoch validation loss, mean ± standard error over 2 seeds\)/);
    expect(r.reasoning).toMatch(/p = 0: 0\.510 ± 0\.010 — overfits: loss gap 0\.710/);
    expect(r.reasoning).toMatch(/p = 0\.6: 0\.555 ± 0\.005 — underfits: loss gap only 0\.055 yet worse on validation/);
    expect(r.reasoning).toMatch(/driven by each run's best-epoch validation loss/);
  });

  it('validation accuracy: higher is better, accuracy gap train − val', () => {
    const r = recommend(runs, 'val_accuracy');
    expect(r.best?.group).toBe('p=0.3');
    expect(r.best?.mean).toBeCloseTo(0.8, 10);
    expect(r.table[0].gap).toBeCloseTo(0.95 - (1 - 0.81 / 2), 10);
    expect(r.reasoning).toMatch(/validation accuracy 0\.800/);
  });

  it('ties within one standard error go to the smaller p', () => {
    const tied = [entry(0.2, 0, [0.42], 0.3), entry(0.2, 1, [0.46], 0.3), entry(0.5, 0, [0.39], 0.3), entry(0.5, 1, [0.43], 0.3)];
    const r = recommend(tied, 'val_loss');
    expect(r.best?.group).toBe('p=0.5'); // p = 0.5: 0.41 ± 0.02; p = 0.2: 0.44, 0.03 away: not a tie
    const closer = [entry(0.2, 0, [0.42], 0.3), entry(0.2, 1, [0.44], 0.3), entry(0.5, 0, [0.38], 0.3), entry(0.5, 1, [0.44], 0.3)];
    const r2 = recommend(closer, 'val_loss'); // p = 0.5: 0.41 ± 0.03; p = 0.2: 0.43, within it
    expect(r2.best?.group).toBe('p=0.2');
    expect(r2.reasoning).toMatch(/p = 0\.5 scored 0\.410, within one standard error, so the weaker dropout is preferred/);
  });

  it('prefers an eval-mode training pass for the gap, and can judge at the final epoch instead', () => {
    const r = recommend([entry(0.5, 0, [0.6, 0.5, 0.7], 0.4, 0.2)], 'val_loss', { at: 'final' });
    expect(r.best).toMatchObject({ mean: 0.7, gap_basis: 'eval-mode train pass' });
    expect(r.best?.gap).toBeCloseTo(0.5, 10);
    expect(r.reasoning).toMatch(/final-epoch validation loss/);
  });

  it('rebuilds entries from saved runs by reading the swept layer\'s p from the spec', () => {
    const run = { id: 'run-1', settings: { seed: 2 }, spec: { input_shape: [2], layers: [{ kind: 'Residual', name: 'res', layers: [{ kind: 'Dropout', name: 'd', p: 0.3 }] }] }, history: { epochs: [] } };
    expect(sweepEntryFromRun(run as never, ['res.d'])).toMatchObject({ group: 'p=0.3', p: { 'res.d': 0.3 }, seed: 2, run_id: 'run-1' });
  });
});
