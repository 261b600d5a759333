/**
 * A run's metric table as CSV: one row per epoch, one column per metric, and
 * one column per scheduled dropout rate (dropout_p.<layer>). train_loss is the
 * steps' loss in train mode (dropout on); train_eval_loss re-measures a fixed
 * sample of the training split in eval mode (engine/train/train-eval.ts), the
 * honest side of the generalization gap; empty for runs saved before the lab
 * measured it. PNG charts are
 * exported by the UI, which draws them.
 */
import type { RunRecord } from '../project/project.ts';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function metricsCsv(run: RunRecord): string {
  const epochs = run.history.epochs;
  const rates = [...new Set(epochs.flatMap((e) => Object.keys(e.dropout_p)))];
  const header = ['epoch', 'train_loss', 'train_accuracy', 'train_eval_loss', 'train_eval_accuracy', 'val_loss', 'val_accuracy', 'lr', ...rates.map((r) => `dropout_p.${r}`), 'seconds'];
  const rows = epochs.map((e) => [e.epoch, e.train_loss, e.train_accuracy, e.train_eval_loss, e.train_eval_accuracy, e.val_loss, e.val_accuracy, e.lr, ...rates.map((r) => e.dropout_p[r]), e.seconds].map(cell).join(','));
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

/** Per-step training losses: step,loss. */
export function stepLossesCsv(run: RunRecord): string {
  return `step,loss\n${run.history.step_losses.map((l, i) => `${i + 1},${l}`).join('\n')}\n`;
}

/** File name for a run's CSV: its id (unique, safe in paths). */
export function metricsFiles(runs: readonly RunRecord[]): Map<string, Uint8Array> {
  const enc = new TextEncoder();
  const out = new Map<string, Uint8Array>();
  const index = ['run,name,status,epochs,best_epoch,test_loss,test_accuracy'];
  for (const r of runs) {
    out.set(`${r.id}.csv`, enc.encode(metricsCsv(r)));
    out.set(`${r.id}-steps.csv`, enc.encode(stepLossesCsv(r)));
    index.push([r.id, r.name, r.status, r.history.epochs.length, r.history.best_epoch, r.test?.loss, r.test?.accuracy].map(cell).join(','));
  }
  out.set('runs.csv', enc.encode(`${index.join('\n')}\n`));
  return out;
}
