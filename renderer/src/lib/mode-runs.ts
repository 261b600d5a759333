/**
 * The "Run again" history of the Train/Eval view: each forward of one sample
 * is kept with its mode and seed, and the last two are compared. In train
 * mode a new seed draws a new dropout mask, so outputs differ; in eval mode
 * dropout is the identity and they match exactly (model.eval() in PyTorch).
 */
import { argmax, formatVector } from './tensor-view.ts';

export type Mode = 'train' | 'eval';

export interface RunEntry {
  /** 1, 2, 3… in the order the runs were made. */
  n: number;
  mode: Mode;
  seed: number;
  output: number[];
  /** The output as the history prints it (and the e2e test compares). */
  text: string;
  /** Index of the largest output (the predicted class for a classifier). */
  top: number;
}

export type Comparison =
  | { kind: 'none' }
  | { kind: 'identical' | 'differs'; modes: [Mode, Mode]; maxDiff: number };

export const HISTORY_LENGTH = 6;

export function makeEntry(n: number, mode: Mode, seed: number, output: ArrayLike<number>): RunEntry {
  const values = Array.from(output);
  return { n, mode, seed, output: values, text: formatVector(values), top: argmax(values) };
}

/** Newest last; older entries fall off. */
export function pushEntry(entries: readonly RunEntry[], entry: RunEntry, keep = HISTORY_LENGTH): RunEntry[] {
  return [...entries, entry].slice(-keep);
}

/** Compares the last two runs element by element (exact: eval mode is deterministic). */
export function compareLast(entries: readonly RunEntry[]): Comparison {
  if (entries.length < 2) return { kind: 'none' };
  const a = entries[entries.length - 2];
  const b = entries[entries.length - 1];
  let maxDiff = a.output.length === b.output.length ? 0 : Infinity;
  for (let i = 0; i < Math.min(a.output.length, b.output.length); i++) maxDiff = Math.max(maxDiff, Math.abs(a.output[i] - b.output[i]));
  return { kind: maxDiff === 0 ? 'identical' : 'differs', modes: [a.mode, b.mode], maxDiff };
}
