/** Small helpers for writing PyTorch constructor expressions. */

export function pyPair([a, b]: readonly [number, number]): string {
  return a === b ? String(a) : `(${a}, ${b})`;
}

export function pyValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `(${v.map(pyValue).join(', ')}${v.length === 1 ? ',' : ''})`;
  return String(v);
}
