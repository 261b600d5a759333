/**
 * The project as the renderer holds it: a view of the engine's document.
 * Every edit is shown at once and sent to the engine as the fields it
 * changes; Save sends a path, never the document; recovery and restarts come
 * from the engine; recent files from the host. The renderer's own storage is
 * never used.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineEvent, RequestType } from '../../engine/protocol.ts';
import { newProject, type Project } from '../../engine/project/project.ts';
import { templateSpec } from '../../engine/project/templates.ts';
import type { Host } from '../../renderer/src/host/host.ts';
import { ProjectState } from '../../renderer/src/lib/project.svelte.ts';

const SHAPE = { inputShape: [2], classes: 2 };
const doc = (name: string): Project => newProject({ name, model: templateSpec('mlp', SHAPE), dataset: { id: 'moons', samples: 200, seed: 0 } }).project;

function lab(answers: Partial<Record<RequestType, unknown>> = {}) {
  let emit: (e: EngineEvent) => void = () => {};
  const sent: [string, unknown][] = [];
  const engine = {
    restarts: 0,
    onEvent: (l: (e: EngineEvent) => void) => ((emit = l), () => {}),
    request: async (type: RequestType, params: unknown) => {
      if (type === 'validate') return { ok: true, layers: [], outputShape: [2], totalParams: 0, errors: [] };
      sent.push([type, params]);
      if (!(type in answers)) throw new Error(`unexpected ${type}`);
      return answers[type];
    },
  };
  const noted: string[] = [];
  let recent = ['/p/old.dlab'];
  const host = {
    recent: async () => recent,
    noteRecent: async (p: string) => (noted.push(p), (recent = [p, ...recent.filter((r) => r !== p)])),
    setDocumentState: () => {},
  } as Partial<Host>;
  const p = new ProjectState(engine as never, host as Host);
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { p, engine, sent, noted, settle, ready: (restarts: number) => ((engine.restarts = restarts), emit({ type: 'ready', protocol: 2, backend: 'wasm', pid: 1 })) };
}

/** Every use of localStorage while a test runs (the renderer must leave it to the host). */
const storageUse: string[] = [];
beforeEach(() => {
  storageUse.length = 0;
  const spy = new Proxy({}, { get: (_t, k) => (storageUse.push(String(k)), () => null) });
  Reflect.set(globalThis, 'localStorage', spy);
});
afterEach(() => {
  expect(storageUse).toEqual([]);
  Reflect.deleteProperty(globalThis, 'localStorage');
});

describe('the project view', () => {
  it('shows an edit at once and sends the engine only the field it changed; undo sends the old value back', async () => {
    const d = doc('P');
    const { p, sent, settle } = lab({ 'project.new': { doc: d }, 'project.edit': { dirty: true } });
    await p.newProject('mlp');
    sent.length = 0;
    const model = { ...d.model, layers: d.model.layers.slice(0, 2) };
    p.setModel(model, 'Delete layers');
    expect(p.doc?.model).toBe(model);
    expect(p.dirty).toBe(true);
    await settle();
    expect(sent.filter(([t]) => t === 'project.edit')).toEqual([['project.edit', { model }]]);
    p.setTraining({ ...d.training, epochs: 3 }, 'Epochs');
    p.undo();
    await settle();
    expect(sent.filter(([t]) => t === 'project.edit').slice(1)).toEqual([['project.edit', { training: { ...d.training, epochs: 3 } }], ['project.edit', { training: d.training }]]);
  });

  it('says so when the engine refuses an edit', async () => {
    const { p, settle } = lab({ 'project.new': { doc: doc('P') } });
    await p.newProject('mlp');
    p.edit('Rename', () => ({ name: 'Q' }));
    await settle();
    expect(p.notice).toEqual({ kind: 'error', text: 'The engine did not take the edit: unexpected project.edit' });
  });

  it('saves by path only, takes the engine’s modification time, and notes the file in the host’s recent list', async () => {
    const d = doc('P');
    const { p, sent, noted, settle } = lab({ 'project.new': { doc: d }, 'project.edit': { dirty: true }, 'project.save': { path: '/p/a.dlab', bytes: 2048, modified: '2026-12-03T12:00:00.000Z' } });
    await p.newProject('mlp');
    p.edit('Rename', () => ({ name: 'Q' }));
    p.path = '/p/a.dlab';
    expect(await p.save()).toBe(true);
    await settle();
    expect(sent.find(([t]) => t === 'project.save')).toEqual(['project.save', { path: '/p/a.dlab' }]);
    expect(p.doc).toMatchObject({ name: 'Q', modified: '2026-12-03T12:00:00.000Z' });
    expect(p.dirty).toBe(false);
    expect(noted).toEqual(['/p/a.dlab']);
    expect(p.recent).toEqual(['/p/a.dlab', '/p/old.dlab']);
  });

  it('counts a New under way, whether it is made or fails (its import shows under the New button, and only there)', async () => {
    const { p } = lab({ 'project.new': { doc: doc('P') } });
    const made = p.newProject('mlp');
    expect(p.creating).toBe(1);
    expect(await made).toBe(true);
    expect(p.creating).toBe(0);
    const failed = lab({}).p; // project.new is not answered: the engine refuses it
    const refused = failed.newProject('mlp');
    expect(failed.creating).toBe(1);
    expect(await refused).toBe(false);
    expect(failed.creating).toBe(0);
  });

  it('deletes a run through the engine', async () => {
    const d = doc('P');
    const { p, sent, settle } = lab({ 'project.new': { doc: d }, 'runs.delete': { dirty: true } });
    await p.newProject('mlp');
    p.removeRun('r1');
    await settle();
    expect(sent.at(-1)).toEqual(['runs.delete', { run_id: 'r1' }]);
  });

  it('offers the engine’s recovery at start, restores it as unsaved work, and forgets a discarded one', async () => {
    const offer = { session: 's1', name: 'closed tab', path: null, saved_at: '2026-12-03T11:00:00Z' };
    const restored = { ...doc('closed tab'), name: 'closed tab' };
    const { p, sent, settle, ready } = lab({ 'project.recovery': { offer }, 'project.recover': { doc: restored, path: null, dirty: true, missing: ['r9'], lost: [] } });
    ready(0);
    await settle();
    expect(p.recovery).toEqual(offer);
    await p.restoreRecovery();
    expect(sent.at(-1)).toEqual(['project.recover', { session: 's1', accept: true }]);
    expect(p.doc?.name).toBe('closed tab');
    expect(p.dirty).toBe(true);
    expect(p.notice?.text).toMatch(/1 run\(s\) lost their weights.*r9/);

    const second = lab({ 'project.recovery': { offer }, 'project.recover': { doc: doc('P'), path: null, dirty: false, missing: [], lost: [] } });
    second.ready(0);
    await second.settle();
    second.p.discardRecovery();
    await second.settle();
    expect(second.p.recovery).toBeNull();
    expect(second.sent.at(-1)).toEqual(['project.recover', { session: 's1', accept: false }]);
  });

  it('after an engine restart shows the project the engine took back from its journal', async () => {
    const held = { ...doc('edited'), name: 'edited' };
    const { p, sent, settle, ready } = lab({ 'project.new': { doc: doc('P') }, 'project.current': { doc: held, path: '/p/a.dlab', dirty: true, missing: [], lost: [] } });
    await p.newProject('mlp');
    ready(1);
    await settle();
    expect(sent.some(([t]) => t === 'project.recovery')).toBe(false);
    expect(p.doc?.name).toBe('edited');
    expect(p.path).toBe('/p/a.dlab');
    expect(p.dirty).toBe(true);
  });

  it('after an engine restart names the runs that lost their weights and those the journal could not bring back, with why', async () => {
    const lost = [{ run: 'r3', reason: 'its recovery entry is damaged (Unexpected end of JSON input)' }];
    const { p, settle, ready } = lab({ 'project.new': { doc: doc('P') }, 'project.current': { doc: doc('P'), path: null, dirty: true, missing: ['r2'], lost } });
    await p.newProject('mlp');
    ready(1);
    await settle();
    expect(p.notice?.kind).toBe('error');
    expect(p.notice?.text).toMatch(/1 run\(s\) lost their weights.*: r2/);
    expect(p.notice?.text).toMatch(/1 run\(s\) could not be recovered and were left out: r3 \(its recovery entry is damaged \(Unexpected end of JSON input\)\)$/);
  });
});
