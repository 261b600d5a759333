/**
 * CSV and TSV import: numeric feature columns and one label column (class
 * names or numbers). Splitting follows RFC 4180 through papaparse (quoted
 * delimiters, "" and newlines inside quotes); every problem is reported with
 * its line and column so the user can fix the file.
 */
import Papa from 'papaparse';
import { DataError, type Dataset, type Task } from './dataset.ts';

export interface CsvOptions {
  /** Column name (with a header), 1-based column number as text ("3", as errors count them), or 0-based index; default: the last column. */
  label?: string | number;
  /** Force header detection on or off; default: detected (first row has a non-numeric feature cell). */
  header?: boolean;
  /** Default: classification when labels are not all numeric or have ≤ 20 distinct integer values. */
  task?: Task;
  delimiter?: string;
  name?: string;
}

/** Delimiters a file may use; papaparse picks the one that splits the first rows most consistently. */
const DELIMITERS = [',', '\t', ';'];

interface Row {
  /** 1-based line where the record starts (a quoted field may span lines). */
  line: number;
  cells: string[];
}

/** RFC 4180 records through papaparse, each with the line it starts on, blank lines dropped. */
function readRows(text: string, where: string, delimiter?: string): { rows: Row[]; delimiter: string } {
  const sep = delimiter ?? Papa.parse<string[]>(text, { preview: 20, skipEmptyLines: 'greedy', delimitersToGuess: DELIMITERS }).meta.delimiter;
  const parsed = Papa.parse<string[]>(text, { delimiter: sep });
  const rows: Row[] = [];
  let line = 1;
  const lineOf: number[] = [];
  for (const cells of parsed.data) {
    lineOf.push(line);
    if (cells.some((c) => c.trim() !== '')) rows.push({ line, cells: cells.map((c) => c.trim()) });
    line += 1 + cells.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0);
  }
  const quoteError = parsed.errors.find((e) => e.type === 'Quotes');
  if (quoteError) {
    const at = quoteError.row !== undefined ? lineOf[quoteError.row] : undefined;
    throw new DataError(`${where}${at ? `, line ${at}` : ''}: ${quoteError.message.toLowerCase()}; close the quote with " (a quote inside a quoted field is written "")`);
  }
  return { rows, delimiter: sep };
}

const shownDelimiter = (d: string) => (d === '\t' ? 'tab' : `'${d}'`);

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE_RE = /^[+-]?(nan|inf|infinity)$/i;

export function parseCsv(text: string, where: string, options: CsvOptions = {}): Dataset {
  const { rows, delimiter } = readRows(text.replace(/^\uFEFF/, ''), where, options.delimiter);
  if (rows.length === 0) throw new DataError(`${where}: the file is empty`);

  const width = rows[0].cells.length;
  if (width < 2) throw new DataError(`${where}, line ${rows[0].line}: found 1 column; need at least one feature column and a label column (is the delimiter ${shownDelimiter(delimiter)} right?)`);
  const looksNumeric = (s: string) => NUMBER_RE.test(s) || NON_FINITE_RE.test(s);
  const first = rows[0].cells;
  // Digits name a column by number ("3", as errors count columns); anything else names it by its header.
  const numbered = typeof options.label === 'string' && /^\d+$/.test(options.label);
  const named = typeof options.label === 'string' && !numbered && first.includes(options.label);
  let labelCol = width - 1;
  if (typeof options.label === 'number') labelCol = options.label;
  else if (named) labelCol = first.indexOf(options.label as string);
  else if (numbered) labelCol = Number(options.label) - 1;
  // A header is a first row naming the label, or with a feature cell that is not a number (class names are not a sign).
  const header = options.header ?? (named || first.some((c, i) => i !== labelCol && !looksNumeric(c)));
  const names = header ? first : first.map((_, i) => `column ${i + 1}`);
  if (typeof options.label === 'string' && !named && !numbered) throw new DataError(`${where}: no column named '${options.label}' (columns: ${names.join(', ')})`);
  if (labelCol < 0 || labelCol >= width) throw new DataError(`${where}: label column ${labelCol + 1} does not exist (the file has ${width} columns)`);
  const body = header ? rows.slice(1) : rows;
  if (body.length === 0) throw new DataError(`${where}: there is a header but no data rows`);

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
