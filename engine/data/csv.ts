/**
 * CSV import: numeric feature columns and one label column (class names or
 * numbers). Every problem is reported with its line and column so the user can
 * fix the file.
 */
import { DataError, type Dataset, type Task } from './dataset.ts';

export interface CsvOptions {
  /** Column name (with a header) or 0-based index of the label; default: the last column. */
  label?: string | number;
  /** Force header detection on or off; default: detected (first row has a non-numeric feature cell). */
  header?: boolean;
  /** Default: classification when labels are not all numeric or have ≤ 20 distinct integer values. */
  task?: Task;
  delimiter?: string;
  name?: string;
}

function splitLine(line: string, delimiter: string): string[] {
  // Quoted fields ("a, b") are kept whole; "" inside quotes is a literal quote.
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE_RE = /^[+-]?(nan|inf|infinity)$/i;

export function parseCsv(text: string, where: string, options: CsvOptions = {}): Dataset {
  const delimiter = options.delimiter ?? (text.split('\n', 1)[0].includes(';') && !text.split('\n', 1)[0].includes(',') ? ';' : ',');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: { line: number; cells: string[] }[] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== '') rows.push({ line: i + 1, cells: splitLine(l, delimiter) });
  });
  if (rows.length === 0) throw new DataError(`${where}: the file is empty`);

  const width = rows[0].cells.length;
  if (width < 2) throw new DataError(`${where}, line ${rows[0].line}: found 1 column; need at least one feature column and a label column (is the delimiter '${delimiter}' right?)`);
  const looksNumeric = (s: string) => NUMBER_RE.test(s) || NON_FINITE_RE.test(s);
  const header = options.header ?? rows[0].cells.some((c) => !looksNumeric(c));
  const names = header ? rows[0].cells : rows[0].cells.map((_, i) => `column ${i + 1}`);
  const body = header ? rows.slice(1) : rows;
  if (body.length === 0) throw new DataError(`${where}: there is a header but no data rows`);

  let labelCol = width - 1;
  if (typeof options.label === 'number') labelCol = options.label;
  else if (typeof options.label === 'string') {
    labelCol = names.indexOf(options.label);
    if (labelCol < 0) throw new DataError(`${where}: no column named '${options.label}' (columns: ${names.join(', ')})`);
  }
  if (labelCol < 0 || labelCol >= width) throw new DataError(`${where}: label column ${labelCol} does not exist (the file has ${width} columns)`);

  const D = width - 1;
  const features = new Float32Array(body.length * D);
  const rawLabels: string[] = [];
  body.forEach(({ line, cells }, r) => {
    if (cells.length !== width) throw new DataError(`${where}, line ${line}: expected ${width} columns like the first row, found ${cells.length}`);
    let j = 0;
    cells.forEach((cell, c) => {
      if (c === labelCol) {
        if (cell === '') throw new DataError(`${where}, line ${line}, column ${c + 1} (${names[c]}): the label is empty`);
        rawLabels.push(cell);
        return;
      }
      const col = `${where}, line ${line}, column ${c + 1} (${names[c]})`;
      if (cell === '') throw new DataError(`${col}: empty cell; fill it in or remove the row`);
      if (NON_FINITE_RE.test(cell)) throw new DataError(`${col}: ${cell} is not a finite number; replace or remove it`);
      if (!NUMBER_RE.test(cell)) throw new DataError(`${col}: '${cell}' is not a number`);
      features[r * D + j++] = Number(cell);
    });
  });

  const numericLabels = rawLabels.every((s) => NUMBER_RE.test(s));
  const distinct = [...new Set(rawLabels)];
  const integral = numericLabels && rawLabels.every((s) => Number.isInteger(Number(s)));
  const task: Task = options.task ?? (!numericLabels || (integral && distinct.length <= 20) ? 'classification' : 'regression');
  const base = { name: options.name ?? where, inputShape: [D], size: body.length, features, featureScale: 1 };
  if (task === 'regression') {
    if (!numericLabels) {
      const bad = rawLabels.findIndex((s) => !NUMBER_RE.test(s));
      throw new DataError(`${where}, line ${body[bad].line}: regression label '${rawLabels[bad]}' is not a number`);
    }
    return { ...base, task, labels: Float32Array.from(rawLabels, Number), classNames: [], targetDim: 1 };
  }
  if (distinct.length < 2) throw new DataError(`${where}: every row has label '${distinct[0]}'; classification needs at least two classes`);
  // Numeric class labels keep their numeric order; names keep first-seen order.
  const classNames = numericLabels ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct;
  const index = new Map(classNames.map((n, i) => [n, i]));
  return { ...base, task, labels: Int32Array.from(rawLabels, (s) => index.get(s) ?? -1), classNames, targetDim: 1 };
}
