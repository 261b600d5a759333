import { describe, expect, it } from 'vitest';
import { DatasetImport } from '../../renderer/src/lib/dataset-import.svelte.ts';
import type { EngineEvent } from '../../engine/protocol.ts';

const progress = (done: number, total = 100): EngineEvent => ({ type: 'dataset-progress', source: '/data/pets', done, total, fraction: done / total, elapsed_s: 1, eta_s: 3 });

function engine() {
  const listeners = new Set<(e: EngineEvent) => void>();
  const requests: string[] = [];
  return {
    requests,
    emit: (e: EngineEvent) => listeners.forEach((l) => l(e)),
    onEvent: (l: (e: EngineEvent) => void) => (listeners.add(l), () => void listeners.delete(l)),
    request: async (type: string) => (requests.push(type), { state: 'cancelling' }),
  };
}

describe('a dataset import as one place shows it', () => {
  it('shows the latest progress only while its place waits, and none once the import ends', () => {
    const e = engine();
    let waiting = false;
    const imp = new DatasetImport(e as never, () => waiting);
    const stop = imp.follow();
    e.emit(progress(10));
    expect(imp.progress).toBeNull();
    waiting = true;
    e.emit(progress(20));
    e.emit({ type: 'log', level: 'info', message: 'unrelated' });
    expect(imp.progress).toMatchObject({ done: 20, total: 100, source: '/data/pets' });
    e.emit(progress(100));
    expect(imp.progress).toBeNull();
    e.emit(progress(30));
    imp.clear();
    expect(imp.progress).toBeNull();
    stop();
    e.emit(progress(40));
    expect(imp.progress).toBeNull();
  });

  it('cancels through dataset.cancel', async () => {
    const e = engine();
    new DatasetImport(e as never, () => true).cancel();
    await Promise.resolve();
    expect(e.requests).toEqual(['dataset.cancel']);
  });
});
