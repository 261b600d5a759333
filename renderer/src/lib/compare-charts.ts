/**
 * What the compare charts plot, from a sweep's runs and its recommendation
 * table, without a canvas: validation curves per setting (mean over seeds,
 * each seed thin), and a value per setting against p with its standard error
 * (one line per placement, or per the other layers' rates in an independent
 * sweep).
 */
import { groupLabel, strength, type RecommendRow, type Sweep, type SweepMetric } from './compare.ts';

// Ordered hues (blue → violet → magenta → rose → orange → amber), so stronger dropout reads as "further along".
const RAMP = {
  light: ['#2563eb', '#7c3aed', '#c026d3', '#e11d48', '#ea580c', '#ca8a04'],
  dark: ['#60a5fa', '#a78bfa', '#e879f9', '#fb7185', '#fb923c', '#facc15'],
};

function rgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** The colour at `t` ∈ [0, 1] along the ramp, as an rgba() string chart.js understands. */
export function rampColor(t: number, theme: 'light' | 'dark', alpha = 1): string {
  const stops = RAMP[theme];
  const f = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(f));
  const [a, b] = [rgb(stops[i]), rgb(stops[i + 1])];
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * (f - i)));
  return `rgba(${c.join(', ')}, ${alpha})`;
}

export interface CurveLine {
  label: string;
  data: (number | null)[];
  color: string;
  /** A single seed (drawn thin, left out of the legend) or a setting's mean over its seeds. */
  seed: number | null;
}

/** The settings of a sweep in the recommendation's order: weakest dropout first. */
export function sweepGroups(sweep: Sweep): string[] {
  const by = new Map<string, number>();
  for (const r of sweep.runs) by.set(r.group, strength(r.p));
  return [...by].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).map(([g]) => g);
}

/** `metric` per epoch for every setting (mean over seeds that have the epoch) and, with several seeds, every run. */
export function validationCurves(sweep: Sweep, metric: SweepMetric, theme: 'light' | 'dark'): { x: number[]; lines: CurveLine[] } {
  const x = [...new Set(sweep.runs.flatMap((r) => r.run.history.epochs.map((e) => e.epoch)))].sort((a, b) => a - b);
  const groups = sweepGroups(sweep);
  const lines: CurveLine[] = [];
  groups.forEach((group, gi) => {
    const t = groups.length > 1 ? gi / (groups.length - 1) : 0;
    const runs = sweep.runs.filter((r) => r.group === group);
    const perRun = runs.map((r) => {
      const at = new Map(r.run.history.epochs.map((e) => [e.epoch, e[metric]]));
      return x.map((ep) => at.get(ep) ?? null);
    });
    if (runs.length > 1) runs.forEach((r, k) => lines.push({ label: `${groupLabel(group)} · seed ${r.seed}`, data: perRun[k], color: rampColor(t, theme, 0.35), seed: r.seed }));
    const mean = x.map((_, i) => {
      const v = perRun.map((d) => d[i]).filter((y): y is number => y !== null);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
    });
    lines.push({ label: groupLabel(group), data: mean, color: rampColor(t, theme), seed: null });
  });
  return { x, lines };
}

/** Where a setting sits on a "vs p" chart: its line and its p. */
export function axisOf(group: string): { line: string; x: number } {
  if (group === 'none') return { line: 'none', x: 0 };
  const placed = /^(\S+) p=([\d.e-]+)$/.exec(group);
  if (placed) return { line: placed[1], x: Number(placed[2]) };
  const pairs = group.split(' ');
  const last = pairs.at(-1)!;
  return { line: pairs.length > 1 ? pairs.slice(0, -1).join(' ') : '', x: Number(last.slice(last.lastIndexOf('=') + 1)) };
}

export interface PointLine {
  /** '' for a plain sweep of p; a placement; 'none'; or the other layers' rates. */
  line: string;
  data: (number | null)[];
  errors: (number | null)[];
}

/** The table's `mean ± se` (or final-epoch `gap ± gap_se`) against p, one line per placement or fixed rates. */
export function valueVsP(table: readonly RecommendRow[], value: 'mean' | 'gap'): { x: number[]; lines: PointLine[] } {
  const placed = table.map((r) => ({ r, ...axisOf(r.group) }));
  const x = [...new Set(placed.map((a) => a.x))].sort((a, b) => a - b);
  const lines = [...new Set(placed.map((a) => a.line))];
  return {
    x,
    lines: lines.map((line) => {
      const mine = placed.filter((a) => a.line === line);
      const at = (xi: number) => mine.find((a) => a.x === xi)?.r ?? null;
      const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
      return {
        line,
        data: x.map((xi) => finite(at(xi)?.[value])),
        errors: x.map((xi) => finite(at(xi)?.[value === 'mean' ? 'se' : 'gap_se'])),
      };
    }),
  };
}
