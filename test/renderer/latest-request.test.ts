/** "Latest request wins": only the newest question's answer (or error) is handed on; a delayed question waits for a pause. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LatestRequest, errorText } from '../../renderer/src/lib/latest-request.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
}

function recorder() {
  const got: string[] = [];
  return { got, outcome: { ok: (v: string) => got.push(`ok ${v}`), fail: (e: unknown) => got.push(`fail ${errorText(e)}`) } };
}

describe('LatestRequest', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('drops an answer that arrives after a newer request, in whichever order they come', async () => {
    const l = new LatestRequest();
    const { got, outcome } = recorder();
    const a = deferred<string>();
    const b = deferred<string>();
    const first = l.run(() => a.promise, outcome);
    const second = l.run(() => b.promise, outcome);
    b.resolve('new');
    a.resolve('old');
    expect(await second).toBe(true);
    expect(await first).toBe(false);
    expect(got).toEqual(['ok new']);
  });

  it('drops a stale error too, and hands on the current one', async () => {
    const l = new LatestRequest();
    const { got, outcome } = recorder();
    const a = deferred<string>();
    const b = deferred<string>();
    void l.run(() => a.promise, outcome);
    const current = l.run(() => b.promise, outcome);
    a.reject(new Error('old failure'));
    b.reject(new Error('engine busy'));
    await current;
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual(['fail engine busy']);
  });

  it('with a delay, sends only the last of a burst, once the burst pauses', async () => {
    const l = new LatestRequest();
    const { got, outcome } = recorder();
    const sent: string[] = [];
    const ask = (v: string) => () => (sent.push(v), Promise.resolve(v));
    const results = ['0.3', '0.35', '0.355'].map((v) => l.run(ask(v), outcome, 200));
    await vi.advanceTimersByTimeAsync(199);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual(['0.355']);
    expect(await Promise.all(results)).toEqual([false, false, true]);
    expect(got).toEqual(['ok 0.355']);
  });

  it('drop() forgets the request waiting and the one in flight', async () => {
    const l = new LatestRequest();
    const { got, outcome } = recorder();
    const a = deferred<string>();
    const inFlight = l.run(() => a.promise, outcome);
    l.drop();
    a.resolve('late');
    expect(await inFlight).toBe(false);
    let asked = false;
    const waiting = l.run(() => ((asked = true), Promise.resolve('x')), outcome, 100);
    l.drop();
    expect(await waiting).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(asked).toBe(false);
    expect(got).toEqual([]);
  });
});
