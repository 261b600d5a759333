/** Writing Python source: literals from JSON-like values, and indentation. */

/** A Python literal for a JSON-like value (dicts, lists, numbers, strings, booleans, None). */
export function pyLiteral(v: unknown, indent = ''): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'float("nan")';
    if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : '-float("inf")';
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (ArrayBuffer.isView(v)) return pyLiteral(Array.from(v as unknown as ArrayLike<number>), indent);
  if (Array.isArray(v)) {
    const parts = v.map((x) => pyLiteral(x, indent));
    const flat = `[${parts.join(', ')}]`;
    return flat.length <= 100 || parts.some((p) => p.includes('\n')) ? flat : `[\n${wrapItems(parts, `${indent}    `)}\n${indent}]`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    const flat = `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x, indent)}`).join(', ')}}`;
    if (flat.length <= 100) return flat;
    const inner = `${indent}    `;
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pyLiteral(x, inner)},`).join('\n')}\n${indent}}`;
  }
  throw new Error(`cannot write ${typeof v} as Python`);
}

/** Comma-separated items wrapped to ~100 columns. */
function wrapItems(items: string[], indent: string): string {
  const lines: string[] = [];
  let cur = '';
  for (const it of items) {
    if (cur && cur.length + it.length + 2 > 100 - indent.length) {
      lines.push(`${indent}${cur}`);
      cur = '';
    }
    cur += `${it}, `;
  }
  if (cur) lines.push(`${indent}${cur.trimEnd()}`);
  return lines.join('\n');
}

/** A Python string literal safe inside a docstring line. */
export function pyDocText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
}
