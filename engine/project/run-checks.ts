/**
 * What a run's stored numbers must satisfy to belong to its model: a damaged
 * or hand-made project whose checksums agree must still be refused rather
 * than load silently (issue #17: a normaliser of the wrong length changed the
 * loss without a word).
 */
import type { RunRecord } from './project.ts';

/** Why the run's input normaliser cannot standardise its model's input, or null when it can. */
export function normalizerProblem(run: Pick<RunRecord, 'name' | 'spec' | 'normalizer'>): string | null {
  const n = run.normalizer;
  if (!n) return null;
  const shape = run.spec.input_shape;
  const size = shape.reduce((a, b) => a * b, 1);
  // fitNormalizer keeps one statistic per channel for images (C×H×W) and one per feature otherwise.
  const group = shape.length === 3 ? shape[1] * shape[2] : 1;
  const want = size / group;
  const where = `run '${run.name}'`;
  if (n.group !== group) return `${where}: its input normaliser groups ${n.group} values per statistic, but its model's input ${shape.join('×')} needs ${group}`;
  if (n.mean.length !== want || n.std.length !== want) return `${where}: its input normaliser has ${n.mean.length} means and ${n.std.length} standard deviations, but its model's input ${shape.join('×')} needs ${want} of each`;
  const bad = n.std.findIndex((s) => !(s > 0));
  if (bad >= 0) return `${where}: its input normaliser's standard deviation ${bad} is ${n.std[bad]}, not a positive number`;
  return null;
}
