/**
 * Dropout schedules: a rate that changes during training (the article's
 * "scheduled dropout"; DropBlock's paper ramps p linearly from 0). A schedule
 * is a per-layer `schedule` argument in the spec, e.g.
 *   {"kind": "Dropout", "p": 0.5, "schedule": {"type": "linear", "start": 0, "end": 0.5, "epochs": 5}}
 * The built module keeps it; the training loop calls applyDropoutSchedules
 * (nn/stochastic.ts) before each step and every scheduled module's `p` is set from it.
 *
 * Time: a schedule measured in `epochs` reads the epoch number (fractional,
 * step / stepsPerEpoch, when the loop reports stepsPerEpoch, so ramps move
 * every step); one measured in `steps` reads the global step count. Both
 * start at 0.
 *   constant  p = value
 *   linear    p = start + (end − start)·min(t / T, 1)              (ramp, then hold)
 *   cosine    p = end + (start − end)·(1 + cos(π·min(t / T, 1)))/2   (as CosineAnnealingLR)
 *   step      p = the value of the last milestone [t_k, p_k] with t_k ≤ t (start before the first),
 *             or p = start · gamma^⌊t / step_size⌋ (as StepLR)
 */

export type ScheduleUnit = 'epoch' | 'step';

export type DropoutSchedule =
  | { type: 'constant'; value: number }
  | { type: 'linear' | 'cosine'; start: number; end: number; epochs?: number; steps?: number }
  | { type: 'step'; start: number; milestones: [number, number][]; by?: ScheduleUnit }
  | { type: 'step'; start: number; step_size: number; gamma: number; by?: ScheduleUnit };

export interface TrainingProgress {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based global optimizer step. */
  step: number;
  /** When known, epoch-measured schedules advance every step (t = step / stepsPerEpoch). */
  stepsPerEpoch?: number;
}

/** Allowed range of the scheduled value (the layer's own p range). */
export interface ValueRange {
  min?: number;
  max?: number;
  maxExclusive?: boolean;
}

const TYPES = ['constant', 'linear', 'cosine', 'step'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a schedule from a spec; null when valid, else one sentence saying what
 * to change. `range` is the range of the layer's rate (e.g. [0, 1] for p).
 */
export function checkSchedule(v: unknown, range: ValueRange = {}): string | null {
  if (v === null) return null;
  if (!isRecord(v)) return `must be an object like {"type": "linear", "start": 0, "end": 0.5, "epochs": 5} or null, got ${JSON.stringify(v)}`;
  const type = v.type;
  if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) {
    return `type must be one of ${TYPES.map((t) => `'${t}'`).join(', ')}, got ${JSON.stringify(type)}`;
  }
  const allowed: Record<string, string[]> = {
    constant: ['value'],
    linear: ['start', 'end', 'epochs', 'steps'],
    cosine: ['start', 'end', 'epochs', 'steps'],
    step: ['start', 'milestones', 'step_size', 'gamma', 'by'],
  };
  const extra = Object.keys(v).filter((k) => k !== 'type' && !allowed[type].includes(k));
  if (extra.length) return `a '${type}' schedule takes ${allowed[type].join(', ')}, not ${extra.join(', ')}`;

  const rate = (key: string): string | null => {
    const x = v[key];
    if (typeof x !== 'number' || !Number.isFinite(x)) return `needs ${key} as a number, got ${JSON.stringify(x)}`;
    if (range.min !== undefined && x < range.min) return `${key} must be ≥ ${range.min}, got ${x}`;
    if (range.max !== undefined && (range.maxExclusive ? x >= range.max : x > range.max)) return `${key} must be ${range.maxExclusive ? '<' : '≤'} ${range.max}, got ${x}`;
    return null;
  };
  const count = (key: string, min: number): string | null => {
    const x = v[key];
    return Number.isInteger(x) && (x as number) >= min ? null : `needs ${key} as an integer ≥ ${min}, got ${JSON.stringify(x)}`;
  };

  switch (type) {
    case 'constant':
      return rate('value');
    case 'linear':
    case 'cosine': {
      const bad = rate('start') ?? rate('end');
      if (bad) return bad;
      const hasE = v.epochs !== undefined;
      const hasS = v.steps !== undefined;
      if (hasE === hasS) return `a '${type}' schedule needs exactly one of epochs or steps (how long the ramp lasts)`;
      return count(hasE ? 'epochs' : 'steps', 1);
    }
    case 'step': {
      const bad = rate('start');
      if (bad) return bad;
      if (v.by !== undefined && v.by !== 'epoch' && v.by !== 'step') return `by must be 'epoch' or 'step', got ${JSON.stringify(v.by)}`;
      if (v.milestones !== undefined) {
        if (v.step_size !== undefined || v.gamma !== undefined) return 'a step schedule takes either milestones or step_size and gamma, not both';
        const ms = v.milestones;
        if (!Array.isArray(ms) || ms.length === 0) return 'milestones must be a non-empty list of [epoch, p] pairs';
        let prev = -1;
        for (const m of ms) {
          if (!Array.isArray(m) || m.length !== 2 || !Number.isInteger(m[0]) || m[0] < 0) return `each milestone must be [epoch or step (integer ≥ 0), p], got ${JSON.stringify(m)}`;
          if (m[0] <= prev) return `milestones must be in increasing order of epoch or step, got ${JSON.stringify(ms)}`;
          prev = m[0];
          const badP = checkSchedule({ type: 'constant', value: m[1] }, range);
          if (badP) return `milestone ${JSON.stringify(m)}: ${badP.replace('value', 'p')}`;
        }
        return null;
      }
      if (v.step_size === undefined) return 'a step schedule needs milestones (a list of [epoch, p]) or step_size and gamma';
      const badSize = count('step_size', 1);
      if (badSize) return badSize;
      const g = v.gamma;
      if (typeof g !== 'number' || !Number.isFinite(g) || g < 0) return `needs gamma as a number ≥ 0, got ${JSON.stringify(g)}`;
      return null;
    }
  }
  return null;
}

/** The scheduled rate at a point of training (a pure function). */
export function scheduledP(schedule: DropoutSchedule, progress: TrainingProgress): number {
  const epochTime = progress.stepsPerEpoch ? progress.step / progress.stepsPerEpoch : progress.epoch;
  switch (schedule.type) {
    case 'constant':
      return schedule.value;
    case 'linear':
    case 'cosine': {
      const t = schedule.steps !== undefined ? progress.step : epochTime;
      const length = schedule.steps ?? schedule.epochs ?? 1;
      const f = Math.min(Math.max(t / length, 0), 1);
      if (schedule.type === 'linear') return schedule.start + (schedule.end - schedule.start) * f;
      return schedule.end + ((schedule.start - schedule.end) * (1 + Math.cos(Math.PI * f))) / 2;
    }
    case 'step': {
      const t = schedule.by === 'step' ? progress.step : Math.floor(epochTime);
      if ('milestones' in schedule) {
        let p = schedule.start;
        for (const [at, value] of schedule.milestones) if (t >= at) p = value;
        return p;
      }
      return schedule.start * Math.pow(schedule.gamma, Math.floor(t / schedule.step_size));
    }
  }
}
