/**
 * From a sweep's runs to a recommended setting, as the article's third section
 * asks: judge by the validation set, raise p while it overfits, lower it when
 * it underfits.
 *
 * Per setting (runs sharing `group`, i.e. differing only in seed):
 * - the metric is each run's best-epoch validation value (lowest val_loss, or
 *   highest val_accuracy), or its final-epoch value with `at: 'final'`;
 *   mean ± standard error over seeds (sample std / √n; 0 for one seed);
 * - the train−validation gap at the final epoch, the run having trained past
 *   its best (positive = validation worse than training): loss gap
 *   val_loss − train_loss for val_loss, accuracy gap train_acc − val_acc for
 *   val_accuracy. Training numbers come from an eval-mode pass over the
 *   training split when the runner measured one (`train_eval`); otherwise
 *   from the history, whose training numbers were taken with dropout on.
 * The best mean wins; settings within one standard error of it count as tied
 * and the weakest dropout (smallest mean p) among them is chosen.
 */
import type { EpochMetrics } from '../train/trainer.ts';
import type { RunRecord } from '../project/project.ts';
import type { Placement } from './sweep-plan.ts';

export type SweepMetric = 'val_loss' | 'val_accuracy';

export interface SweepEntry {
  group: string;
  p: Record<string, number>;
  placement: Placement | null;
  seed: number;
  history: { epochs: readonly Pick<EpochMetrics, 'epoch' | 'train_loss' | 'train_accuracy' | 'val_loss' | 'val_accuracy'>[] };
  train_eval?: { loss: number; accuracy: number | null } | null;
  run_id?: string;
}

export interface RecommendRow {
  group: string;
  p: Record<string, number>;
  /** Mean of the swept rates: what "smaller p" means for ties. */
  strength: number;
  placement: Placement | null;
  seeds: number[];
  run_ids: string[];
  mean: number;
  se: number;
  /** Mean epoch at which the metric peaked. */
  best_epoch: number;
  /** Final-epoch train−validation gap, mean and standard error over seeds. */
  gap: number;
  gap_se: number;
  gap_basis: 'eval-mode train pass' | 'training history';
}

export interface Recommendation {
  metric: SweepMetric;
  at: 'best' | 'final';
  best: RecommendRow | null;
  /** One row per setting, ordered by strength. */
  table: RecommendRow[];
  reasoning: string;
}

const meanOf = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const seOf = (v: readonly number[]) => (v.length < 2 ? 0 : Math.sqrt(v.reduce((s, x) => s + (x - meanOf(v)) ** 2, 0) / (v.length - 1) / v.length));

function metricAt(e: SweepEntry, metric: SweepMetric, at: 'best' | 'final'): { value: number; epoch: number } | null {
  const usable = e.history.epochs.filter((m) => m[metric] !== null);
  if (!usable.length) return null;
  if (at === 'final') return { value: usable.at(-1)![metric]!, epoch: usable.at(-1)!.epoch };
  const sign = metric === 'val_loss' ? 1 : -1;
  return usable.reduce((b, m) => (sign * m[metric]! < sign * b.value ? { value: m[metric]!, epoch: m.epoch } : b), { value: usable[0][metric]!, epoch: usable[0].epoch });
}

function gapOf(e: SweepEntry, metric: SweepMetric): number | null {
  const last = e.history.epochs.at(-1);
  if (!last) return null;
  if (metric === 'val_loss') {
    const train = e.train_eval?.loss ?? last.train_loss;
    return last.val_loss === null ? null : last.val_loss - train;
  }
  const train = e.train_eval ? e.train_eval.accuracy : last.train_accuracy;
  return train === null || last.val_accuracy === null ? null : train - last.val_accuracy;
}

const fmt = (v: number, metric: SweepMetric) => (metric === 'val_accuracy' ? v.toFixed(3) : v.toFixed(3));
const label = (r: RecommendRow) => (r.group.startsWith('p=') ? `p = ${r.group.slice(2)}` : r.group);

export function recommend(entries: readonly SweepEntry[], metric: SweepMetric, o: { at?: 'best' | 'final' } = {}): Recommendation {
  const at = o.at ?? 'best';
  const groups = new Map<string, SweepEntry[]>();
  for (const e of entries) groups.set(e.group, [...(groups.get(e.group) ?? []), e]);
  const table: RecommendRow[] = [];
  for (const [group, es] of groups) {
    const scored = es.map((e) => ({ e, m: metricAt(e, metric, at), gap: gapOf(e, metric) })).filter((s) => s.m !== null);
    if (!scored.length) continue;
    const values = scored.map((s) => s.m!.value);
    const gaps = scored.map((s) => s.gap).filter((g): g is number => g !== null);
    const pv = Object.values(es[0].p);
    table.push({
      group, p: es[0].p, strength: pv.length ? meanOf(pv) : 0, placement: es[0].placement,
      seeds: scored.map((s) => s.e.seed), run_ids: scored.flatMap((s) => (s.e.run_id ? [s.e.run_id] : [])),
      mean: meanOf(values), se: seOf(values), best_epoch: meanOf(scored.map((s) => s.m!.epoch)),
      gap: gaps.length ? meanOf(gaps) : NaN, gap_se: seOf(gaps),
      gap_basis: scored.every((s) => s.e.train_eval) ? 'eval-mode train pass' : 'training history',
    });
  }
  table.sort((a, b) => a.strength - b.strength || a.group.localeCompare(b.group));
  const metricName = metric === 'val_loss' ? 'validation loss' : 'validation accuracy';
  const how = `${at === 'best' ? "each run's best-epoch" : 'final-epoch'} ${metricName}`;
  if (!table.length) return { metric, at, best: null, table, reasoning: `No run has a ${metricName} to compare; give the data a validation split.` };
  const better = (a: number, b: number) => (metric === 'val_loss' ? a < b : a > b);
  const top = table.reduce((b, r) => (better(r.mean, b.mean) ? r : b));
  // One-standard-error rule: anything within the top's SE is a tie, and ties go to the weaker dropout.
  const best = table.find((r) => Math.abs(r.mean - top.mean) <= top.se) ?? top;
  const gapWord = metric === 'val_loss' ? 'loss gap' : 'accuracy gap';
  const lines = [
    `Recommended ${label(best)}: ${metricName} ${fmt(best.mean, metric)} ± ${fmt(best.se, metric)} (${how}, mean ± standard error over ${best.seeds.length} seed${best.seeds.length === 1 ? '' : 's'}); train−validation ${gapWord} ${best.gap.toFixed(3)} at the final epoch.`,
  ];
  if (best !== top) lines.push(`${label(top)} scored ${fmt(top.mean, metric)}, within one standard error, so the weaker dropout is preferred.`);
  for (const r of table) {
    if (r === best || r === top) continue;
    const overfits = r.strength < best.strength && r.gap > best.gap * 1.5 && r.gap > 0.02;
    // Worse beyond both standard errors, with a smaller gap: it no longer fits what the data holds.
    const clearlyWorse = better(best.mean, r.mean) && Math.abs(r.mean - best.mean) > Math.max(best.se, r.se);
    const underfits = r.strength > best.strength && clearlyWorse && r.gap <= best.gap;
    const verdict = overfits ? ` — overfits: ${gapWord} ${r.gap.toFixed(3)}` : underfits ? ` — underfits: ${gapWord} only ${r.gap.toFixed(3)} yet worse on validation` : `, ${gapWord} ${r.gap.toFixed(3)}${clearlyWorse ? '' : ' (no worse beyond the standard error)'}`;
    lines.push(`${label(r)}: ${fmt(r.mean, metric)} ± ${fmt(r.se, metric)}${verdict}.`);
  }
  lines.push(`The ${gapWord} is measured at the final epoch (${best.gap_basis}); the recommendation is driven by ${how}.`);
  return { metric, at, best, table, reasoning: lines.join('\n') };
}

/** A saved run as a sweep entry, reading the swept layers' rates from its spec (paths as the plan resolved them). */
export function sweepEntryFromRun(run: RunRecord, layerPaths: readonly string[]): SweepEntry {
  const p: Record<string, number> = {};
  const find = (layers: readonly Record<string, unknown>[], prefix: string): void => {
    layers.forEach((l, i) => {
      const path = prefix + (typeof l.name === 'string' ? l.name : String(i));
      if (layerPaths.includes(path) && typeof l.p === 'number') p[path] = l.p;
      if (Array.isArray(l.layers)) find(l.layers as Record<string, unknown>[], `${path}.`);
    });
  };
  find(run.spec.layers, '');
  const values = [...new Set(Object.values(p))];
  const group = values.length <= 1 ? `p=${values[0] ?? 0}` : Object.entries(p).map(([k, v]) => `${k}=${v}`).join(' ');
  return { group, p, placement: null, seed: run.settings.seed, history: run.history, train_eval: run.train_eval ?? null, run_id: run.id };
}
