import { describe, expect, it } from 'vitest';
import { History } from '../../renderer/src/lib/history.ts';

describe('undo history', () => {
  it('undoes and redoes edits in order, with their labels', () => {
    const h = new History<number>();
    let s = 0;
    const edit = (v: number, label: string, t: number) => {
      h.record(s, label, null, t);
      s = v;
    };
    edit(1, 'one', 0);
    edit(2, 'two', 5000);
    expect(h.undoLabel).toBe('two');
    s = h.undo(s)!.state;
    expect(s).toBe(1);
    expect(h.redoLabel).toBe('two');
    s = h.redo(s)!.state;
    expect(s).toBe(2);
    s = h.undo(s)!.state;
    s = h.undo(s)!.state;
    expect(s).toBe(0);
    expect(h.undo(s)).toBeNull();
  });

  it('a new edit after an undo drops the redo branch', () => {
    const h = new History<string>();
    h.record('a', 'to b', null, 0);
    const back = h.undo('b')!;
    expect(back.state).toBe('a');
    h.record('a', 'to c', null, 10_000);
    expect(h.redo('c')).toBeNull();
  });

  it('merges rapid edits of one field into one step, but not of different fields or slow ones', () => {
    const h = new History<number>();
    h.record(0, 'type p', 'p', 0);
    h.record(1, 'type p', 'p', 100);
    h.record(2, 'type p', 'p', 200);
    expect(h.undo(3)!.state).toBe(0);
    expect(h.undo(0)).toBeNull();

    const g = new History<number>();
    g.record(0, 'p', 'p', 0);
    g.record(1, 'q', 'q', 100);
    g.record(2, 'q', 'q', 5000);
    expect(g.undo(3)!.state).toBe(2);
    expect(g.undo(2)!.state).toBe(1);
    expect(g.undo(1)!.state).toBe(0);
  });

  it('keeps at most `limit` steps', () => {
    const h = new History<number>(3);
    for (let i = 0; i < 5; i++) h.record(i, `e${i}`, null, i * 10_000);
    expect(h.undo(5)!.state).toBe(4);
    expect(h.undo(4)!.state).toBe(3);
    expect(h.undo(3)!.state).toBe(2);
    expect(h.undo(2)).toBeNull();
  });
});
