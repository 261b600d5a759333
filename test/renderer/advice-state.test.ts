/** The advisor asks once per pause in editing, keeps only the latest answer, and places findings on the editor's cards. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Advisor, findingsByLayer, historyContext, layerPath, ordered, severityCounts, type AskAdvice, type Finding } from '../../renderer/src/lib/advice.svelte.ts';
import type { ModelSpec, RunRecord } from '../../renderer/src/lib/project.svelte.ts';

const spec = (p: number): ModelSpec => ({ input_shape: [2], layers: [{ kind: 'Linear', in_features: 2, out_features: 4 }, { kind: 'Dropout', name: 'drop', p }, { kind: 'Linear', in_features: 4, out_features: 2 }] });
const finding = (o: Partial<Finding>): Finding => ({ id: 'r:x', rule: 'r', severity: 'info', layer: null, variant: null, vars: {}, article_section: null, fix: null, ...o });

/** An engine whose answers the test releases by hand, in any order. */
function engine() {
  const calls: { spec: ModelSpec; context: unknown; answer: (f: Finding[]) => void; fail: (e: Error) => void }[] = [];
  const ask: AskAdvice = (params) => new Promise((resolve, reject) => {
    calls.push({ spec: params.spec as ModelSpec, context: params.context, answer: (findings) => resolve({ findings }), fail: reject });
  });
  return { calls, ask };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('Advisor', () => {
  it('asks at once for the first model, then once after a burst of edits settles', async () => {
    const e = engine();
    const a = new Advisor(e.ask, 300);
    a.update(spec(0.1));
    expect(e.calls).toHaveLength(1);
    e.calls[0].answer([]);
    await vi.advanceTimersByTimeAsync(0);
    for (const p of [0.2, 0.3, 0.35]) {
      a.update(spec(p));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(e.calls).toHaveLength(1);
    expect(a.pending).toBe(true);
    await vi.advanceTimersByTimeAsync(300);
    expect(e.calls).toHaveLength(2);
    expect(e.calls[1].spec.layers[1].p).toBe(0.35);
  });

  it('drops an answer that arrives after a newer question', async () => {
    const e = engine();
    const a = new Advisor(e.ask, 300);
    const first = spec(0.9);
    a.update(first);
    const second = spec(0.3);
    a.update(second);
    await vi.advanceTimersByTimeAsync(300);
    e.calls[1].answer([]);
    await vi.advanceTimersByTimeAsync(0);
    e.calls[0].answer([finding({ rule: 'dropout-rate', layer: 'drop' })]);
    await vi.advanceTimersByTimeAsync(0);
    expect(a.findings).toEqual([]);
    expect(a.about).toBe(second);
    expect(a.isCurrent(second)).toBe(true);
    expect(a.isCurrent(first)).toBe(false);
  });

  it('is not current while a newer model waits for its answer, so a stale fix cannot undo an edit', async () => {
    const e = engine();
    const a = new Advisor(e.ask, 300);
    const s = spec(0.9);
    a.update(s);
    e.calls[0].answer([finding({ layer: 'drop' })]);
    await vi.advanceTimersByTimeAsync(0);
    expect(a.isCurrent(s)).toBe(true);
    a.update(spec(0.95));
    expect(a.isCurrent(s)).toBe(false);
    expect(a.findings).toHaveLength(1); // still shown, dimmed, until the answer comes
  });

  it('passes the context along and reports a failure as an error, not as "no findings"', async () => {
    const e = engine();
    const a = new Advisor(e.ask, 300);
    a.update(spec(0.5), { mode: 'train', action: 'export' });
    expect(e.calls[0].context).toEqual({ mode: 'train', action: 'export' });
    e.calls[0].fail(new Error('engine stopped'));
    await vi.advanceTimersByTimeAsync(0);
    expect(a.error).toBe('engine stopped');
    expect(a.pending).toBe(false);
  });

  it('forgets everything when there is no model', async () => {
    const e = engine();
    const a = new Advisor(e.ask, 300);
    a.update(spec(0.9));
    e.calls[0].answer([finding({})]);
    await vi.advanceTimersByTimeAsync(0);
    a.update(null);
    expect(a.findings).toEqual([]);
    expect(a.about).toBeNull();
    expect(a.pending).toBe(false);
  });

  it('asks nothing more once disposed', async () => {
    const e = engine();
    const a = new Advisor(e.ask, 300);
    a.update(spec(0.3));
    e.calls[0].answer([]);
    await vi.advanceTimersByTimeAsync(0);
    a.update(spec(0.9));
    a.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    expect(e.calls).toHaveLength(1);
  });
});

describe('placing findings', () => {
  const nested: ModelSpec = {
    input_shape: [4],
    layers: [
      { kind: 'Linear', in_features: 4, out_features: 4 },
      { kind: 'Residual', name: 'res', layers: [{ kind: 'Linear', in_features: 4, out_features: 4 }, { kind: 'Dropout', name: 'inner', p: 0.9 }] },
      { kind: 'Dropout', p: 0.9 },
    ],
  };

  it('maps the engine\'s name paths to the editor\'s index paths', () => {
    expect(layerPath(nested, '0')).toEqual([0]);
    expect(layerPath(nested, 'res')).toEqual([1]);
    expect(layerPath(nested, 'res.inner')).toEqual([1, 1]);
    expect(layerPath(nested, 'res.0')).toEqual([1, 0]);
    expect(layerPath(nested, '2')).toEqual([2]);
    expect(layerPath(nested, '1')).toBeNull(); // index 1 has a name, so "1" is not it
    expect(layerPath(nested, 'res.inner.0')).toBeNull();
    expect(layerPath(nested, 'gone')).toBeNull();
  });

  it('groups findings by card and leaves whole-model ones to the panel', () => {
    const fs = [finding({ id: 'a', layer: 'res.inner' }), finding({ id: 'b', layer: 'res.inner' }), finding({ id: 'c', layer: '2' }), finding({ id: 'd', layer: null }), finding({ id: 'e', layer: 'gone' })];
    const by = findingsByLayer(nested, fs);
    expect([...by.keys()]).toEqual(['1.1', '2']);
    expect(by.get('1.1')!.map((f) => f.id)).toEqual(['a', 'b']);
  });

  it('counts and orders warnings first, keeping the engine\'s order within each', () => {
    const fs = [finding({ id: 'i1' }), finding({ id: 'w1', severity: 'warning' }), finding({ id: 'i2' }), finding({ id: 'w2', severity: 'warning' })];
    expect(ordered(fs).map((f) => f.id)).toEqual(['w1', 'w2', 'i1', 'i2']);
    expect(severityCounts(fs)).toEqual({ warning: 2, info: 2 });
  });

  it('reads the widening gap from the newest finished run with epochs', () => {
    const run = (id: string, status: RunRecord['status'], losses: [number, number | null][]) =>
      ({ id, status, history: { epochs: losses.map(([train_loss, val_loss]) => ({ train_loss, val_loss, epoch: 1 })) } }) as unknown as RunRecord;
    expect(historyContext([])).toEqual({});
    const runs = [run('old', 'done', [[1, 1]]), run('new', 'cancelled', [[0.5, 0.6], [0.4, null]]), run('live', 'running', [[9, 9]]), run('empty', 'failed', [])];
    expect(historyContext(runs)).toEqual({ history: [{ train_loss: 0.5, val_loss: 0.6 }, { train_loss: 0.4, val_loss: null }] });
  });
});
