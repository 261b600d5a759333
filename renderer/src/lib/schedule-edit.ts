/**
 * The dropout-schedule editor's logic: a fresh schedule of each type that
 * starts from the layer's current rate, the milestone list as text, and the
 * preview of p over training, computed with the engine's own scheduledP so
 * the picture is what training will do.
 */
import { checkSchedule, scheduledP, type DropoutSchedule, type ValueRange } from '../../../engine/nn/dropout-schedule.ts';

export type { DropoutSchedule, ValueRange };
export type ScheduleType = 'none' | DropoutSchedule['type'];
export const SCHEDULE_TYPES: ScheduleType[] = ['none', 'constant', 'linear', 'cosine', 'step'];

export { checkSchedule };

/** A schedule of `type` that begins at `rate` and plays out over `epochs` (a ramp from 0 up to the rate, as DropBlock's paper). */
export function defaultSchedule(type: ScheduleType, rate: number, epochs: number): DropoutSchedule | null {
  const span = Math.max(1, Math.round(epochs / 2));
  switch (type) {
    case 'none': return null;
    case 'constant': return { type: 'constant', value: rate };
    case 'linear': return { type: 'linear', start: 0, end: rate, epochs: span };
    case 'cosine': return { type: 'cosine', start: rate, end: 0, epochs: span };
    case 'step': return { type: 'step', start: rate, milestones: [[span, round(rate / 2)]] };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** "3: 0.3, 6: 0.1" ⇄ [[3, 0.3], [6, 0.1]]; null when the text is not such a list. */
export function parseMilestones(text: string): [number, number][] | null {
  const items = text.split(/[,;]/).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) return null;
  const out: [number, number][] = [];
  for (const item of items) {
    const m = /^(\d+)\s*[:→=]\s*([-+]?(?:\d+\.?\d*|\.\d+))$/.exec(item);
    if (!m) return null;
    out.push([Number(m[1]), Number(m[2])]);
  }
  return out;
}

export function formatMilestones(ms: readonly (readonly [number, number])[]): string {
  return ms.map(([t, p]) => `${t}: ${p}`).join(', ');
}

/**
 * p at each point of a run of `epochs` epochs (`samples` + 1 points), a
 * schedule in steps read with `stepsPerEpoch`. No schedule means the layer's
 * fixed rate.
 */
export function previewValues(schedule: DropoutSchedule | null, rate: number, epochs: number, stepsPerEpoch: number, samples = 60): number[] {
  const total = Math.max(1, epochs) * stepsPerEpoch;
  return Array.from({ length: samples + 1 }, (_, i) => {
    if (!schedule) return rate;
    const step = Math.min(total - 1, Math.round((i / samples) * total));
    return scheduledP(schedule, { epoch: Math.floor(step / stepsPerEpoch), step, stepsPerEpoch });
  });
}

/** An SVG polyline's points for values drawn in a w×h box, y from 0 (bottom) to `top`. */
export function polyline(values: readonly number[], w: number, h: number, top: number): string {
  const n = Math.max(1, values.length - 1);
  const scale = top > 0 ? top : 1;
  return values.map((v, i) => `${((i / n) * w).toFixed(1)},${(h - (Math.min(Math.max(v, 0), scale) / scale) * h).toFixed(1)}`).join(' ');
}
