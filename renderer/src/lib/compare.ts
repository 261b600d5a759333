/**
 * Comparing a sweep's runs: which saved runs belong to which sweep, the
 * per-run table (sortable, CSV) and the recommendation's reasoning as
 * translatable parts. Everything is derived from the project's runs, so it
 * works the same for a sweep that just finished and one reopened from a file.
 *
 * The engine names each sweep run `<sweep id> <group> · seed <n>` (engine/host/server.ts,
 * engine/cli/experiment-commands.ts); groups are "p=0.3", "drop1=0.1 drop2=0.3",
 * "after-linear p=0.3" or "none" (engine/experiments/sweep.ts).
 */
import type { RunRecord } from './project.svelte.ts';
import type { SweepEntry, SweepMetric } from '../../../engine/experiments/recommend.ts';
import type { Placement } from '../../../engine/experiments/sweep-plan.ts';
import type { EngineEvent } from '../../../engine/protocol.ts';

export type { SweepMetric };
export type JudgeAt = 'best' | 'final';
/** The recommendation as the protocol carries it (engine/experiments/recommend.ts' `Recommendation` fits it). */
export type Recommendation = NonNullable<Extract<EngineEvent, { type: 'sweep-finished' }>['recommendation']>;
export type RecommendRow = Recommendation['table'][number];

export interface SweepRun {
  run: RunRecord;
  /** The sweep's id (the name's first part). */
  sweep: string;
  group: string;
  seed: number;
  placement: Placement | null;
  p: Record<string, number>;
}

export interface Sweep {
  id: string;
  runs: SweepRun[];
  /** When its first run finished. */
  created: string;
}

const PLACEMENT = /^(after-linear|after-conv-dropout2d|after-conv-dropblock) p=([\d.e-]+)$/;
const PAIRS = /^\S+=[\d.e-]+( \S+=[\d.e-]+)*$/;

/** A sweep run's name taken apart, or null for an ordinary run. */
export function parseSweepName(name: string): Omit<SweepRun, 'run'> | null {
  const m = /^(\S+) (.+) · seed (\d+)$/.exec(name);
  if (!m) return null;
  const [, sweep, group, seed] = m;
  const base = { sweep, group, seed: Number(seed) };
  if (group === 'none') return { ...base, placement: 'none', p: {} };
  const placed = PLACEMENT.exec(group);
  if (placed) return { ...base, placement: placed[1] as Placement, p: { [placed[1]]: Number(placed[2]) } };
  if (!PAIRS.test(group)) return null;
  const p = Object.fromEntries(group.split(' ').map((kv) => [kv.slice(0, kv.lastIndexOf('=')), Number(kv.slice(kv.lastIndexOf('=') + 1))]));
  return Object.values(p).every(Number.isFinite) ? { ...base, placement: null, p } : null;
}

/** The project's sweeps, newest first, each with its runs in the order they finished. */
export function findSweeps(runs: readonly RunRecord[]): Sweep[] {
  const by = new Map<string, SweepRun[]>();
  for (const run of runs) {
    const parsed = parseSweepName(run.name);
    if (parsed) by.set(parsed.sweep, [...(by.get(parsed.sweep) ?? []), { ...parsed, run }]);
  }
  return [...by].map(([id, rs]) => ({ id, runs: rs, created: rs[0].run.created })).sort((a, b) => b.created.localeCompare(a.created));
}

/** What engine/experiments/recommend.ts needs; `trainEval` holds the eval-mode training numbers known from live events. */
export function sweepEntries(sweep: Sweep, trainEval: Readonly<Record<string, { loss: number; accuracy: number | null }>> = {}): SweepEntry[] {
  return sweep.runs.map((r) => ({ group: r.group, p: r.p, placement: r.placement, seed: r.seed, history: r.run.history, train_eval: trainEval[r.run.id] ?? r.run.train_eval ?? null, run_id: r.run.id }));
}

/** A setting's mean rate: what "smaller p" means (as in recommend.ts). */
export function strength(p: Readonly<Record<string, number>>): number {
  const v = Object.values(p);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0;
}

/** "p = 0.3" for a tied sweep, the group as written otherwise. */
export function groupLabel(group: string): string {
  return group.startsWith('p=') ? `p = ${group.slice(2)}` : group;
}

// ---------------------------------------------------------------- the run table

export interface RunRow {
  id: string;
  name: string;
  group: string;
  strength: number;
  seed: number;
  epochs: number;
  train_loss: number | null;
  val_loss: number | null;
  train_accuracy: number | null;
  val_accuracy: number | null;
  /** The chosen metric at the best epoch (lowest loss, highest accuracy) and that epoch. */
  best: number | null;
  best_epoch: number | null;
  /** Final-epoch gap, positive = overfitting: val − train loss, or train − val accuracy. */
  gap: number | null;
  test_loss: number | null;
  test_accuracy: number | null;
}

export type SortKey = Exclude<keyof RunRow, 'id' | 'name'>;

export function runRows(sweep: Sweep, metric: SweepMetric): RunRow[] {
  return sweep.runs.map(({ run, group, seed, p }) => {
    const last = run.history.epochs.at(-1);
    const usable = run.history.epochs.filter((e) => e[metric] !== null);
    const sign = metric === 'val_loss' ? 1 : -1;
    const top = usable.reduce<(typeof usable)[number] | null>((b, e) => (b === null || sign * e[metric]! < sign * b[metric]! ? e : b), null);
    const gap = !last ? null : metric === 'val_loss' ? (last.val_loss === null ? null : last.val_loss - last.train_loss) : last.train_accuracy === null || last.val_accuracy === null ? null : last.train_accuracy - last.val_accuracy;
    return {
      id: run.id, name: run.name, group, strength: strength(p), seed, epochs: run.history.epochs.length,
      train_loss: last?.train_loss ?? null, val_loss: last?.val_loss ?? null, train_accuracy: last?.train_accuracy ?? null, val_accuracy: last?.val_accuracy ?? null,
      best: top ? top[metric] : null, best_epoch: top ? top.epoch : null, gap,
      test_loss: run.test?.loss ?? null, test_accuracy: run.test?.accuracy ?? null,
    };
  });
}

/** Sorted copy; missing values go last whichever the direction, ties keep setting then seed order. */
export function sortRows(rows: readonly RunRow[], key: SortKey, dir: 'asc' | 'desc'): RunRow[] {
  const s = dir === 'asc' ? 1 : -1;
  const cmp = (a: RunRow, b: RunRow): number => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const d = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    return s * d;
  };
  return [...rows].sort((a, b) => cmp(a, b) || a.strength - b.strength || a.group.localeCompare(b.group) || a.seed - b.seed);
}

function cell(v: string | number | null): string {
  if (v === null) return '';
  const t = String(v);
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

const CSV_COLUMNS = ['name', 'group', 'strength', 'seed', 'epochs', 'train_loss', 'val_loss', 'train_accuracy', 'val_accuracy', 'best', 'best_epoch', 'gap', 'test_loss', 'test_accuracy'] as const;

/** The run table as CSV; `best` and `gap` are named after the metric they were taken on. */
export function compareCsv(rows: readonly RunRow[], metric: SweepMetric): string {
  const head = CSV_COLUMNS.map((c) => (c === 'best' ? `best_${metric}` : c === 'gap' ? (metric === 'val_loss' ? 'final_loss_gap' : 'final_accuracy_gap') : c));
  return [head.join(','), ...rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

// ---------------------------------------------------------------- the reasoning, as parts to translate

export type Verdict =
  | { kind: 'overfits'; row: RecommendRow }
  | { kind: 'underfits'; row: RecommendRow }
  | { kind: 'plain'; row: RecommendRow; clearlyWorse: boolean };

export interface Reasoning {
  best: RecommendRow;
  /** The setting with the best mean, when the one-standard-error rule preferred weaker dropout. */
  tiedTop: RecommendRow | null;
  others: Verdict[];
}

/**
 * The same judgement as engine/experiments/recommend.ts makes in its English
 * `reasoning`, as data the view words in either language: the top mean wins,
 * anything within its standard error is a tie that goes to the weaker dropout;
 * a weaker setting with a much wider gap overfits; a stronger one that is
 * worse beyond the standard errors with no wider gap underfits.
 */
export function reasoning(rec: Recommendation): Reasoning | null {
  const best = rec.best;
  if (!best) return null;
  const better = (a: number, b: number) => (rec.metric === 'val_loss' ? a < b : a > b);
  const top = rec.table.reduce((b, r) => (better(r.mean, b.mean) ? r : b));
  const others: Verdict[] = [];
  for (const row of rec.table) {
    if (row.group === best.group || row.group === top.group) continue;
    const overfits = row.strength < best.strength && row.gap > best.gap * 1.5 && row.gap > 0.02;
    const clearlyWorse = better(best.mean, row.mean) && Math.abs(row.mean - best.mean) > Math.max(best.se, row.se);
    const underfits = row.strength > best.strength && clearlyWorse && row.gap <= best.gap;
    others.push(overfits ? { kind: 'overfits', row } : underfits ? { kind: 'underfits', row } : { kind: 'plain', row, clearlyWorse });
  }
  return { best, tiedTop: top.group === best.group ? null : top, others };
}
