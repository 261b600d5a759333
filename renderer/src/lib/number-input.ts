/** What a number field accepts: parsing and range checks with i18n keys for the reasons it refuses. */
export interface NumberRules {
  min?: number;
  /** min itself is refused (a learning rate must be positive). */
  minExclusive?: boolean;
  max?: number;
  int?: boolean;
  /** Empty text is allowed and means "unset" (null). */
  optional?: boolean;
}

export type NumberCheck = { ok: true; value: number | null } | { ok: false; key: string; vars?: Record<string, string> };

const bound = (v: number, inf: string) => (Number.isFinite(v) ? String(v) : inf);

export function checkNumber(text: string, r: NumberRules): NumberCheck {
  const { min = -Infinity, max = Infinity } = r;
  const s = text.trim();
  if (s === '') return r.optional ? { ok: true, value: null } : { ok: false, key: 'train.err.required' };
  const v = Number(s);
  if (!Number.isFinite(v)) return { ok: false, key: 'train.err.number' };
  if (r.int && !Number.isInteger(v)) return { ok: false, key: 'train.err.int' };
  if (v < min || (r.minExclusive && v === min) || v > max) {
    return { ok: false, key: r.minExclusive ? 'train.err.rangeOpen' : 'train.err.range', vars: { min: bound(min, '−∞'), max: bound(max, '∞') } };
  }
  return { ok: true, value: v };
}
