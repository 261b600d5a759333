/** Durations as a person reads them on a progress line: "45s", "1m 23s", "2h 05m". */
export interface DurationUnits {
  h: string;
  m: string;
  s: string;
}

const EN: DurationUnits = { h: 'h', m: 'm', s: 's' };
const ZH: DurationUnits = { h: '小时', m: '分', s: '秒' };

/** The units for a UI locale. */
export function durationUnits(locale: string): DurationUnits {
  return locale === 'zh' ? ZH : EN;
}

/** Whole seconds, rounded; null or negative/non-finite input (no estimate yet) gives "—". */
export function formatDuration(seconds: number | null | undefined, u: DurationUnits = EN): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}${u.h} ${String(m).padStart(2, '0')}${u.m}`;
  if (m > 0) return `${m}${u.m} ${s}${u.s}`;
  return `${s}${u.s}`;
}
