/** dlab export --format csv: each run's epochs × metrics table, its step losses, and a runs index. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsCsv } from '../../engine/export/metrics-csv.ts';
import type { RunRecord } from '../../engine/project/project.ts';
import { onnxUnsupportedKinds } from '../../engine/export/onnx/export.ts';
import { dlab, tempDir } from './helpers.ts';

describe('metrics CSV', () => {
  it('has one row per epoch and a column per metric (train- and eval-mode training loss) and scheduled dropout rate', () => {
    const epochs = [
      { epoch: 1, train_loss: 0.9, train_accuracy: 0.5, train_eval_loss: 0.85, train_eval_accuracy: 0.55, val_loss: 0.8, val_accuracy: null, lr: 0.01, dropout_p: { dropout: 0.1 }, seconds: 1.5 },
      // A run saved before the lab measured the eval-mode training loss: empty cells.
      { epoch: 2, train_loss: 0.7, train_accuracy: 0.75, val_loss: 0.6, val_accuracy: null, lr: 0.005, dropout_p: { dropout: 0.2 }, seconds: 1.25 },
    ];
    const run = { history: { epochs, step_losses: [], best_epoch: 2, stopped_early: false } } as unknown as RunRecord;
    expect(metricsCsv(run)).toBe('epoch,train_loss,train_accuracy,train_eval_loss,train_eval_accuracy,val_loss,val_accuracy,lr,dropout_p.dropout,seconds\n1,0.9,0.5,0.85,0.55,0.8,,0.01,0.1,1.5\n2,0.7,0.75,,,0.6,,0.005,0.2,1.25\n');
  });

  it('dlab export --format csv writes the tables of a trained project', () => {
    const dir = tempDir('csv');
    expect(dlab(dir, 'new', '-t', 'mlp', '-d', 'xor', '-o', 'p.dlab').status).toBe(0);
    expect(dlab(dir, 'export', 'p.dlab', '--format', 'csv', '-o', 'csv').stderr).toContain('no runs yet');
    expect(dlab(dir, 'train', 'p.dlab', '--epochs', '3', '--json').status).toBe(0);
    const r = dlab(dir, 'export', 'p.dlab', '--format', 'csv', '-o', 'csv', '--json');
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: string[] }).files;
    const table = readFileSync(join(dir, files.find((f) => /run-[^/]*[0-9a-f]\.csv$/.test(f) && !f.endsWith('-steps.csv')) as string), 'utf8').trim().split('\n');
    expect(table).toHaveLength(4);
    expect(table[0]).toBe('epoch,train_loss,train_accuracy,train_eval_loss,train_eval_accuracy,val_loss,val_accuracy,lr,seconds');
    expect(table.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '2', '3']);
    // The CLI's runs are measured in eval mode too: a positive loss and an accuracy in [0, 1] in every row.
    for (const l of table.slice(1)) {
      const [, , , evalLoss, evalAcc] = l.split(',').map(Number);
      expect(evalLoss).toBeGreaterThan(0);
      expect(evalAcc).toBeGreaterThanOrEqual(0);
      expect(evalAcc).toBeLessThanOrEqual(1);
    }
    expect(readFileSync(join(dir, 'csv', 'runs.csv'), 'utf8')).toMatch(/^run,name,status,epochs,best_epoch,test_loss,test_accuracy\nrun-\S+,run 1,done,3,/);
  });
});

describe('ONNX coverage', () => {
  it('every registered layer kind has an ONNX lowering', () => {
    expect(onnxUnsupportedKinds(), 'give the kind an `onnx` lowering in its layer file and add it to test/export/specs.ts').toEqual([]);
  });
});
