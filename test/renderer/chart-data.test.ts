import { describe, expect, it } from 'vitest';
import { dropoutNames, epochSeries, hasAccuracy, metricsCsv, stepSeries } from '../../renderer/src/lib/chart-data.ts';
import type { EpochMetrics } from '../../renderer/src/lib/training.svelte.ts';

const ep = (epoch: number, o: Partial<EpochMetrics> = {}): EpochMetrics => ({
  epoch, train_loss: 1 / epoch, train_accuracy: 0.5 + epoch / 10, val_loss: 1.2 / epoch, val_accuracy: 0.45 + epoch / 10, lr: 0.001, dropout_p: {}, seconds: 0.5, ...o,
});

describe('chart series', () => {
  it('plots epochs as the engine numbers them, with gaps positive when overfitting', () => {
    const s = epochSeries([ep(1), ep(2)]);
    expect(s.x).toEqual([1, 2]);
    expect(s.trainLoss).toEqual([1, 0.5]);
    expect(s.lossGap[0]).toBeCloseTo(0.2);
    expect(s.accGap[1]).toBeCloseTo(0.05);
  });

  it('takes the gap from the eval-mode training loss, keeping the train-mode loss as its own series', () => {
    // Dropout inflates the steps' loss (1.0) above validation (0.8): a train-mode gap of −0.2.
    // Re-measured with dropout off the training loss is 0.5, and the gap +0.3.
    const s = epochSeries([ep(1, { train_loss: 1, train_eval_loss: 0.5, train_accuracy: 0.6, train_eval_accuracy: 0.9, val_loss: 0.8, val_accuracy: 0.7 })]);
    expect(s.trainLoss).toEqual([1]);
    expect(s.trainEvalLoss).toEqual([0.5]);
    expect(s.lossGap[0]).toBeCloseTo(0.3);
    expect(s.accGap[0]).toBeCloseTo(0.2);
    expect(s.gapBasis).toBe('eval');
  });

  it('runs saved before the eval-mode measure fall back to the train-mode numbers, and say so', () => {
    expect(epochSeries([ep(1), ep(2)]).gapBasis).toBe('train');
    const mixed = epochSeries([ep(1), ep(2, { train_eval_loss: 0.4, train_eval_accuracy: 0.8 })]);
    expect(mixed.gapBasis).toBe('mixed');
    expect(mixed.lossGap[0]).toBeCloseTo(0.2); // 1.2 − 1
    expect(mixed.lossGap[1]).toBeCloseTo(0.2); // 0.6 − 0.4
    expect(mixed.trainEvalLoss).toEqual([null, 0.4]);
  });

  it('leaves a gap empty where validation is missing, and knows regression has no accuracy', () => {
    const s = epochSeries([ep(1, { val_loss: null, val_accuracy: null })]);
    expect(s.lossGap).toEqual([null]);
    expect(s.accGap).toEqual([null]);
    expect(hasAccuracy([ep(1, { train_accuracy: null, val_accuracy: null })])).toBe(false);
    expect(hasAccuracy([ep(1)])).toBe(true);
  });

  it('keeps short step series whole and averages long ones into buckets', () => {
    expect(stepSeries([3, 2, 1])).toEqual({ x: [1, 2, 3], y: [3, 2, 1] });
    const long = Array.from({ length: 10 }, (_, i) => i);
    const s = stepSeries(long, 4);
    expect(s.x).toEqual([3, 6, 9, 10]);
    expect(s.y).toEqual([1, 4, 7, 9]);
  });
});

describe('metrics CSV', () => {
  it('writes the fixed columns and one p column per dropout layer, scheduled or fixed', () => {
    const epochs = [ep(1, { dropout_p: { 'res.1': 0.1 } }), ep(2, { dropout_p: { 'res.1': 0.2 } })];
    expect(dropoutNames(epochs)).toEqual(['res.1']);
    const lines = metricsCsv(epochs, { dropout: 0.5 }).trim().split('\n');
    expect(lines[0]).toBe('epoch,train_loss,train_accuracy,train_eval_loss,train_eval_accuracy,val_loss,val_accuracy,lr,seconds,p_dropout,p_res.1');
    expect(lines[1]).toBe('1,1,0.6,,,1.2,0.55,0.001,0.5,0.5,0.1');
    expect(lines[2].endsWith(',0.5,0.2')).toBe(true);
    expect(lines).toHaveLength(3);
  });

  it('leaves missing values empty and quotes names that need it', () => {
    const csv = metricsCsv([ep(1, { train_eval_loss: 0.9, train_eval_accuracy: 0.65, val_loss: null, val_accuracy: null, dropout_p: { 'a,b': 0.3 } })]);
    expect(csv.split('\n')[0].endsWith(',"p_a,b"')).toBe(true);
    expect(csv.split('\n')[1]).toBe('1,1,0.6,0.9,0.65,,,0.001,0.5,0.3');
  });
});
