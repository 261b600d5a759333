/** CSV import: what loads, and every bad case with its line and column. */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../engine/data/csv.ts';

describe('parseCsv', () => {
  it('reads a header, numeric features and named classes (first-seen order)', () => {
    const d = parseCsv('a,b,species\n1,2,setosa\n3,4.5,virginica\n-1e-1,0,setosa\n', 'iris.csv');
    expect(d.inputShape).toEqual([2]);
    expect(d.size).toBe(3);
    expect([...d.features]).toEqual([1, 2, 3, 4.5, Math.fround(-0.1), 0]);
    expect(d.classNames).toEqual(['setosa', 'virginica']);
    expect([...d.labels]).toEqual([0, 1, 0]);
    expect(d.task).toBe('classification');
  });

  it('detects a missing header, picks the label by name or index, keeps numeric class order', () => {
    const noHeader = parseCsv('0.5,2\n1.5,1\n2.5,0\n', 'n.csv');
    expect(noHeader.size).toBe(3);
    expect(noHeader.classNames).toEqual(['0', '1', '2']);
    expect([...noHeader.labels]).toEqual([2, 1, 0]);
    const byName = parseCsv('label,x\nyes,1\nno,2\n', 'l.csv', { label: 'label' });
    expect([...byName.features]).toEqual([1, 2]);
    expect(byName.classNames).toEqual(['yes', 'no']);
  });

  it('treats many distinct real-valued labels as regression', () => {
    const d = parseCsv('x,y\n1,0.5\n2,1.25\n3,2.75\n', 'r.csv');
    expect(d.task).toBe('regression');
    expect([...d.labels]).toEqual([0.5, 1.25, 2.75]);
  });

  it('handles quoted fields, CRLF line ends, semicolons and a BOM', () => {
    const d = parseCsv('\uFEFF"f 1";"f;2";y\r\n1;2;"a"\r\n3;4;"b"\r\n', 'q.csv');
    expect(d.size).toBe(2);
    expect(d.classNames).toEqual(['a', 'b']);
  });

  it('reads TSV with a quoted newline inside a field and a chosen label column', () => {
    const tsv = 'x\tkind\ty\n1\t"big\ncat"\t2\n3\t"dog,\tsmall"\t4\n5\t"big\ncat"\t6\n';
    const d = parseCsv(tsv, 'p.tsv', { label: 'kind' });
    expect(d.size).toBe(3);
    expect([...d.features]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.classNames).toEqual(['big\ncat', 'dog,\tsmall']);
    expect([...d.labels]).toEqual([0, 1, 0]);
  });

  it('reads a headerless file whose class names are text', () => {
    const d = parseCsv('1,2,setosa\n3,4,virginica\n', 'h.csv');
    expect(d.size).toBe(2);
    expect(d.classNames).toEqual(['setosa', 'virginica']);
  });

  it('finds the label by name or by 1-based column number, in TSV and semicolon files', () => {
    const tsv = 'x\tkind\ty\n1\tcat\t2\n3\tdog\t4\n';
    const byName = parseCsv(tsv, 'p.tsv', { label: 'kind' });
    expect([...byName.features]).toEqual([1, 2, 3, 4]);
    expect(byName.classNames).toEqual(['cat', 'dog']);
    const byNumber = parseCsv('1;cat;2\n3;dog;4\n', 'p.csv', { label: '2' });
    expect([...byNumber.features]).toEqual([1, 2, 3, 4]);
    expect([...byNumber.labels]).toEqual([0, 1]);
  });

  it('counts lines after a record whose quoted field spans lines', () => {
    const text = 'x,note\n1,"a\nb"\n2,"c"\nfoo,d\n';
    expect(() => parseCsv(text, 'e.csv', { label: 'note' })).toThrow("e.csv, line 5, column 1 (x): 'foo' is not a number");
  });

  it('keeps commas and doubled quotes inside quoted fields', () => {
    const d = parseCsv('x,y\n1,"a, ""the"" one"\n2,b\n', 'q.csv');
    expect(d.classNames).toEqual(['a, "the" one', 'b']);
  });

  it.each([
    ['x,y\n1,a\n2,"b\n3,c\n', 'e.csv, line 3: quoted field unterminated'],
    ['', 'e.csv: the file is empty'],
    ['\n\n', 'e.csv: the file is empty'],
    ['x,y\n', 'e.csv: there is a header but no data rows'],
    ['x,y\n1,a\n2,b,3\n', 'e.csv, line 3: expected 2 columns like the first row, found 3'],
    ['x,y\n1,a\nfoo,b\n', "e.csv, line 3, column 1 (x): 'foo' is not a number"],
    ['x,y\n1,a\nNaN,b\n', 'e.csv, line 3, column 1 (x): NaN is not a finite number; replace or remove it'],
    ['x,z,y\n1,2,a\n2,-inf,b\n', 'e.csv, line 3, column 2 (z): -inf is not a finite number'],
    ['x,y\n1,a\n,b\n', 'e.csv, line 3, column 1 (x): empty cell'],
    ['x,y\n1,a\n2,a\n', "e.csv: every row has label 'a'; classification needs at least two classes"],
    ['x\n1\n2\n', 'e.csv, line 1: found 1 column'],
  ])('%j is refused: %s', (text, message) => {
    expect(() => parseCsv(text, 'e.csv')).toThrow(message);
  });

  it('names a label column that does not exist', () => {
    expect(() => parseCsv('x,y\n1,a\n2,b\n', 'e.csv', { label: 'class' })).toThrow("e.csv: no column named 'class' (columns: x, y)");
    expect(() => parseCsv('x,y\n1,a\n2,b\n', 'e.csv', { label: '3' })).toThrow('e.csv: label column 3 does not exist (the file has 2 columns)');
  });
});
