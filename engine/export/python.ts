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

/** Splits `s` at commas outside brackets and strings. */
function topLevelItems(s: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      items.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last) items.push(last);
  return items;
}

/**
 * A constructor call too long for one line, with its layer list one per line:
 * `Residual(OrderedDict([(...), (...)]))` or `nn.Sequential(a, b)`, recursively.
 * Returns the lines; the first carries no indentation, the rest carry their own.
 */
export function pyCallLines(expr: string, indent: string, width = 100): string[] {
  if (indent.length + expr.length <= width) return [expr];
  const m = /^([\w.]+\()(OrderedDict\(\[)?/.exec(expr);
  const close = m?.[2] ? '])' : '';
  if (!m || !expr.endsWith(`${close})`)) return [expr];
  const items = topLevelItems(expr.slice(m[0].length, expr.length - close.length - 1));
  // Only layer lists break: an OrderedDict of (name, layer), or positional layers (calls); never a layer's own arguments.
  if (!m[2] && !(items.length >= 2 && items.every((it) => /^[\w.]+\(/.test(it)))) return [expr];
  const deeper = `${indent}    `;
  const lines = [m[0]];
  for (const item of items) {
    const named = /^\(("(?:[^"\\]|\\.)*"), (.*)\)$/s.exec(item); // ("name", Call(...))
    const body = pyCallLines(named ? named[2] : item, deeper, width);
    const open = named ? `(${named[1]}, ` : '';
    const shut = named ? ')' : '';
    if (body.length === 1) lines.push(`${deeper}${open}${body[0]}${shut},`);
    else lines.push(`${deeper}${open}${body[0]}`, ...body.slice(1, -1), `${body[body.length - 1]}${shut},`);
  }
  lines.push(`${indent}${close})`);
  return lines;
}
