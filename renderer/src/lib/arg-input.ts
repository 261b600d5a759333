/**
 * Text boxes for layer arguments: parsing what the user typed against the
 * argument's declaration (ArgInfo from the engine's catalog) before anything
 * reaches the spec. A value that does not parse or is out of range is never
 * written; the inspector marks the box and says why (an i18n key and vars).
 */
import type { ArgInfo } from './layer-defaults.ts';

export interface ArgProblem {
  key: string;
  vars?: Record<string, string | number>;
}

/** `value: undefined` means "leave it to the engine's default" (the key is removed from the spec). */
export type Parsed = { ok: true; value: unknown } | { ok: false; problem: ArgProblem };

const INT_RE = /^[-+]?\d+$/;

function range(info: ArgInfo, x: number): ArgProblem | null {
  if (info.min !== undefined && x < info.min) return { key: 'model.err.min', vars: { min: info.min } };
  if (info.max !== undefined && (info.maxExclusive ? x >= info.max : x > info.max)) return { key: info.maxExclusive ? 'model.err.maxExclusive' : 'model.err.max', vars: { max: info.max } };
  return null;
}

function int(info: ArgInfo, s: string): Parsed {
  if (!INT_RE.test(s)) return { ok: false, problem: { key: 'model.err.int' } };
  const x = Number(s);
  const bad = range(info, x);
  return bad ? { ok: false, problem: bad } : { ok: true, value: x };
}

/** Splits "3, 3", "3×3", "3 x 3" or "3 3" into parts. */
function parts(s: string): string[] {
  return s.split(/\s*[,×x*\s]\s*/i).filter((p) => p !== '');
}

export function parseArg(info: ArgInfo, text: string): Parsed {
  const s = text.trim();
  const nullable = info.type.endsWith('?');
  if (s === '') {
    if (!info.required) return { ok: true, value: nullable && info.default !== null ? null : undefined };
    return { ok: false, problem: { key: 'model.err.required' } };
  }
  switch (info.type.replace('?', '')) {
    case 'int':
      return int(info, s);
    case 'float': {
      const x = Number(s);
      if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) || !Number.isFinite(x)) return { ok: false, problem: { key: 'model.err.number' } };
      const bad = range(info, x);
      return bad ? { ok: false, problem: bad } : { ok: true, value: x };
    }
    case 'pair': {
      const p = parts(s);
      if (p.length < 1 || p.length > 2) return { ok: false, problem: { key: 'model.err.pair' } };
      const xs = p.map((q) => int(info, q));
      const bad = xs.find((x) => !x.ok);
      if (bad) return bad;
      const values = xs.map((x) => (x.ok ? (x.value as number) : 0));
      return { ok: true, value: values.length === 1 || values[0] === values[1] ? values[0] : values };
    }
    case 'ints': {
      const p = parts(s);
      if (!p.every((q) => INT_RE.test(q))) return { ok: false, problem: { key: 'model.err.ints' } };
      return { ok: true, value: p.map(Number) };
    }
    default:
      return { ok: false, problem: { key: 'model.err.unsupported', vars: { type: info.type } } };
  }
}

/** The text a box shows for a value (the default's text when the spec leaves it out). */
export function formatArg(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** Whether a box's text already says `value`, so a re-render must not overwrite what the user is typing ("0." for 0). */
export function sameValue(info: ArgInfo, text: string, value: unknown): boolean {
  const p = parseArg(info, text);
  if (!p.ok) return false;
  const v = p.value === undefined ? info.default : p.value;
  const w = value === undefined ? info.default : value;
  return JSON.stringify(v) === JSON.stringify(w);
}
