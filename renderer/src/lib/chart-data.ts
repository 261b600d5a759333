/**
 * What the training charts and the metrics table plot, computed from the
 * per-epoch metrics and per-step losses alone, so it can be tested without a
 * canvas. Gaps are oriented so that a positive value means overfitting:
 * validation loss above training loss, training accuracy above validation.
 * The gap's training side is the eval-mode measure (dropout off, a fixed
 * sample of the training split: engine/train/train-eval.ts); the steps' loss,
 * taken in train mode with dropout on, is inflated by the noise and would show
 * a gap that is too small, even negative. Runs saved before the engine
 * measured it fall back to the train-mode numbers, and `gapBasis` says so.
 */
import type { EpochMetrics } from './training.svelte.ts';

export type Value = number | null;

export interface EpochSeries {
  /** Epoch numbers (the engine counts from 1), the x axis. */
  x: number[];
  /** The steps' running loss and accuracy, in train mode (dropout on). */
  trainLoss: Value[];
  trainAcc: Value[];
  /** The training sample re-measured in eval mode after each epoch (null for older runs). */
  trainEvalLoss: Value[];
  trainEvalAcc: Value[];
  valLoss: Value[];
  valAcc: Value[];
  /** val_loss − training loss (eval mode where measured). */
  lossGap: Value[];
  /** training accuracy (eval mode where measured) − val_accuracy. */
  accGap: Value[];
  /** Which training numbers the gaps use: 'eval' when every epoch has them, 'train' when none does, 'mixed' otherwise. */
  gapBasis: 'eval' | 'train' | 'mixed';
}

const diff = (a: Value, b: Value): Value => (a === null || b === null ? null : a - b);

export function epochSeries(epochs: readonly EpochMetrics[]): EpochSeries {
  const evalLoss = epochs.map((e) => e.train_eval_loss ?? null);
  const evalAcc = epochs.map((e) => e.train_eval_accuracy ?? null);
  const measured = evalLoss.filter((v) => v !== null).length;
  return {
    x: epochs.map((e) => e.epoch),
    trainLoss: epochs.map((e) => e.train_loss),
    trainAcc: epochs.map((e) => e.train_accuracy),
    trainEvalLoss: evalLoss,
    trainEvalAcc: evalAcc,
    valLoss: epochs.map((e) => e.val_loss),
    valAcc: epochs.map((e) => e.val_accuracy),
    lossGap: epochs.map((e, i) => diff(e.val_loss, evalLoss[i] ?? e.train_loss)),
    accGap: epochs.map((e, i) => diff(evalLoss[i] === null ? e.train_accuracy : evalAcc[i], e.val_accuracy)),
    gapBasis: measured === epochs.length ? 'eval' : measured === 0 ? 'train' : 'mixed',
  };
}

/** Whether any epoch has an accuracy (classification); regression runs have none. */
export function hasAccuracy(epochs: readonly EpochMetrics[]): boolean {
  return epochs.some((e) => e.train_accuracy !== null || e.val_accuracy !== null);
}

/**
 * Per-step losses, averaged into at most `max` buckets so long runs stay cheap
 * to draw; x is the (1-based) step at the end of each bucket.
 */
export function stepSeries(steps: readonly number[], max = 1200): { x: number[]; y: number[] } {
  const n = steps.length;
  if (n <= max) return { x: steps.map((_, i) => i + 1), y: [...steps] };
  const size = Math.ceil(n / max);
  const x: number[] = [];
  const y: number[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    let sum = 0;
    for (let i = start; i < end; i++) sum += steps[i];
    x.push(end);
    y.push(sum / (end - start));
  }
  return { x, y };
}

/** Dropout layer names in the order they first appear across epochs. */
export function dropoutNames(epochs: readonly EpochMetrics[]): string[] {
  const seen = new Set<string>();
  for (const e of epochs) for (const k of Object.keys(e.dropout_p)) seen.add(k);
  return [...seen];
}

function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The metrics table as CSV: fixed columns (train_loss is the steps' train-mode
 * loss, train_eval_loss the eval-mode one), then one `p_<layer>` column per
 * dropout layer. Epochs only record scheduled rates; `fixed` supplies the
 * constant p of the other dropout layers (from the run's model).
 */
export function metricsCsv(epochs: readonly EpochMetrics[], fixed: Readonly<Record<string, number>> = {}): string {
  const layers = [...new Set([...Object.keys(fixed), ...dropoutNames(epochs)])];
  const head = ['epoch', 'train_loss', 'train_accuracy', 'train_eval_loss', 'train_eval_accuracy', 'val_loss', 'val_accuracy', 'lr', 'seconds', ...layers.map((l) => `p_${l}`)];
  const rows = epochs.map((e) => [e.epoch, e.train_loss, e.train_accuracy, e.train_eval_loss ?? null, e.train_eval_accuracy ?? null, e.val_loss, e.val_accuracy, e.lr, e.seconds, ...layers.map((l) => e.dropout_p[l] ?? fixed[l] ?? null)]);
  return [head, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}
