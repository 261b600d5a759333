/**
 * Importing an image folder through the real engine process: progress events
 * with an ETA while it decodes, a dataset.cancel that fails the pending
 * preview with 'cancelled', the skipped files in the preview, and a second
 * preview served from the engine's cache (no progress, no decoding).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineProcess } from '../../engine/host/node/engine-process.ts';
import type { EngineEvent } from '../../engine/protocol.ts';
import { writeColourFolder } from '../engine/data/image-folder-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'dlab-import-'));
const COLOURS: Record<string, [number, number, number]> = { red: [220, 30, 30], green: [30, 200, 40], blue: [30, 40, 220] };

describe('dataset import over the protocol', () => {
  let engine: EngineProcess;
  const events: EngineEvent[] = [];
  beforeAll(async () => {
    writeColourFolder(join(root, 'small'), COLOURS, 150, 24);
    writeFileSync(join(root, 'small', 'red', 'broken.png'), 'not a png');
    writeColourFolder(join(root, 'large'), COLOURS, 1500, 24);
    engine = new EngineProcess({ root, checkpointDir: join(root, 'ckpt'), env: { DLAB_THREADS: '1' } });
    await engine.ready();
    engine.onEvent((e) => events.push(e));
  }, 120_000);
  afterAll(() => engine.close());

  const progress = () => events.filter((e): e is Extract<EngineEvent, { type: 'dataset-progress' }> => e.type === 'dataset-progress');

  it('sends progress with done/total and an ETA while a folder imports, then previews it with its skipped files', async () => {
    events.length = 0;
    const p = await engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'small'), size: 16 }, count: 12 });
    const seen = progress();
    expect(seen.length).toBeGreaterThan(0);
    const last = seen[seen.length - 1];
    expect(last.total).toBe(451);
    expect(last.done).toBe(451);
    expect(last.fraction).toBe(1);
    expect(seen.some((e) => e.eta_s !== null && e.eta_s >= 0)).toBe(true);
    expect(p.class_names).toEqual(['blue', 'green', 'red']);
    expect(p.class_counts).toEqual([150, 150, 150]);
    expect(p.input_shape).toEqual([3, 16, 16]);
    // A few pictures of each class, not the first class's only.
    expect(p.labels).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(p.features.shape).toEqual([12, 3, 16, 16]);
    expect(p.skipped_total).toBe(1);
    expect(p.skipped[0].path).toContain('broken.png');
    expect(p.skipped[0].reason.length).toBeGreaterThan(0);
  }, 60_000);

  it('previews the same folder again from the cache: no progress, the same answer', async () => {
    events.length = 0;
    const t0 = performance.now();
    const p = await engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'small'), size: 16 }, count: 12 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(progress()).toEqual([]);
    expect(p.class_counts).toEqual([150, 150, 150]);
  });

  it('cancels an import in progress: the preview fails with cancelled, the engine answers again, and nothing is cached', async () => {
    events.length = 0;
    const pending = engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'large'), size: 16 }, count: 4 });
    const failed = pending.then(() => null, (e: unknown) => e);
    await new Promise<void>((resolve) => {
      const off = engine.onEvent((e) => {
        if (e.type === 'dataset-progress') (off(), resolve());
      });
    });
    expect(await engine.request('dataset.cancel', {})).toEqual({ state: 'cancelling' });
    expect(await failed).toMatchObject({ code: 'cancelled' });
    const beforeDone = progress().at(-1);
    expect(beforeDone && beforeDone.done < beforeDone.total).toBe(true);
    expect(await engine.request('dataset.cancel', {})).toEqual({ state: 'idle' });
    // Not cached: the next preview imports again (progress from the start).
    events.length = 0;
    const again = engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'large'), size: 16 }, count: 4 });
    const ok = again.then(() => null, (e: unknown) => e);
    await new Promise<void>((resolve) => {
      const off = engine.onEvent((e) => {
        if (e.type === 'dataset-progress') (off(), resolve());
      });
    });
    await engine.request('dataset.cancel', {});
    expect(await ok).toMatchObject({ code: 'cancelled' });
    expect(progress().length).toBeGreaterThan(0);
  }, 120_000);

  it('joins an import in progress when the same data is asked for again (one import, both answered)', async () => {
    events.length = 0;
    const dataset = { id: 'images', path: join(root, 'large'), size: 12 } as const;
    const [a, b] = await Promise.all([
      engine.request('dataset.preview', { dataset, count: 3 }),
      new Promise((r) => setTimeout(r, 100)).then(() => engine.request('dataset.preview', { dataset, count: 6 })),
    ]);
    expect(a.class_counts).toEqual([1500, 1500, 1500]);
    expect(b.labels).toEqual([0, 0, 1, 1, 2, 2]);
    // One pass over the files: progress only climbs, and ends once at the total.
    const done = progress().map((e) => e.done);
    expect(done).toEqual([...done].sort((x, y) => x - y));
    expect(done.filter((d) => d === 4500)).toHaveLength(1);
  }, 120_000);

  it('lets a newer preview take over from an import in progress: the older one fails with cancelled', async () => {
    const older = engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'large'), size: 16 }, count: 4 }).then(() => null, (e: unknown) => e);
    await new Promise<void>((resolve) => {
      const off = engine.onEvent((e) => {
        if (e.type === 'dataset-progress') (off(), resolve());
      });
    });
    const newer = await engine.request('dataset.preview', { dataset: { id: 'images', path: join(root, 'small'), size: 8, gray: true }, count: 3 });
    expect(await older).toMatchObject({ code: 'cancelled' });
    expect(newer.input_shape).toEqual([1, 8, 8]);
    expect(newer.labels).toEqual([0, 1, 2]);
  }, 120_000);
});
