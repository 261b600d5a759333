/** The preload's API with a fake ipcRenderer: the nonce-checked port hand-off and the checks on what main sends. */
import { describe, expect, it } from 'vitest';
import { createDesktopApi, type IpcLike } from '../../electron/desktop-api.ts';
import { IPC, type EngineLostInfo, type MenuCommand } from '../../electron/preload-api.ts';

type Ev = { ports: string[] };
type Listener = (e: Ev, ...args: unknown[]) => void;

class FakeIpc implements IpcLike<Ev> {
  sent: unknown[][] = [];
  listeners = new Map<string, Set<Listener>>();
  replies = new Map<string, unknown>();
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.sent.push([channel, ...args]);
    return this.replies.get(channel);
  }
  on(channel: string, l: Listener): this {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(l);
    return this;
  }
  off(channel: string, l: Listener): this {
    this.listeners.get(channel)?.delete(l);
    return this;
  }
  fromMain(channel: string, event: Ev, ...args: unknown[]): void {
    for (const l of this.listeners.get(channel) ?? []) l(event, ...args);
  }
}

/** Where the fake disk keeps each dropped file (webUtils.getPathForFile gives '' for a file not on disk). */
const ON_DISK: Record<string, string> = { 'a.dlab': '/home/u/a.dlab', 'iris.csv': '/data/iris.csv', 'photo.png': '/home/u/photo.png', 'mnist': '/data/mnist' };

function setup() {
  const ipc = new FakeIpc();
  const posted: { nonce: string; ports: string[] }[] = [];
  const asked: string[] = [];
  const pathOf = (f: File) => {
    asked.push(f.name);
    return ON_DISK[f.name] ?? '';
  };
  const api = createDesktopApi(ipc, (nonce, ports) => posted.push({ nonce, ports: [...ports] }), 'linux', pathOf);
  return { ipc, posted, api, asked };
}

const NONCE = 'f3c1a2b4-5d6e-4f70-8a9b-0c1d2e3f4a5b';

describe('preload API', () => {
  it('hands the engine port to the page with the nonce it asked with, once', () => {
    const { ipc, posted, api } = setup();
    ipc.fromMain(IPC.port, { ports: ['early'] }); // nobody asked: dropped
    api.acquireEnginePort(NONCE);
    expect(ipc.sent).toEqual([[IPC.acquirePort]]);
    ipc.fromMain(IPC.port, { ports: ['p1'] });
    ipc.fromMain(IPC.port, { ports: ['p2'] }); // a second port without a new request: dropped
    expect(posted).toEqual([{ nonce: NONCE, ports: ['p1'] }]);
  });

  it('refuses a guessable nonce and a delivery with the wrong number of ports', () => {
    const { ipc, posted, api } = setup();
    expect(() => api.acquireEnginePort('123')).toThrow(/nonce/);
    api.acquireEnginePort(NONCE);
    ipc.fromMain(IPC.port, { ports: [] });
    ipc.fromMain(IPC.port, { ports: ['a', 'b'] });
    expect(posted).toEqual([]);
  });

  it('passes on engine losses and menu commands in their typed shape only', () => {
    const { ipc, api } = setup();
    const lost: EngineLostInfo[] = [];
    const commands: MenuCommand[] = [];
    const offLost = api.onEngineLost((i) => lost.push(i));
    api.onMenuCommand((c) => commands.push(c));
    ipc.fromMain(IPC.engineLost, { ports: [] }, { reason: 'crashed', exitCode: 9, restarted: true });
    ipc.fromMain(IPC.engineLost, { ports: [] }, 'garbage');
    ipc.fromMain(IPC.menu, { ports: [] }, 'save');
    ipc.fromMain(IPC.menu, { ports: [] }, 'rm -rf');
    offLost();
    ipc.fromMain(IPC.engineLost, { ports: [] }, { reason: 'again', restarted: true });
    expect(lost).toEqual([{ reason: 'crashed', exitCode: 9, restarted: true }, { reason: 'unknown', exitCode: null, restarted: false }]);
    expect(commands).toEqual(['save']);
  });

  it('returns dialog results as paths or null', async () => {
    const { ipc, api } = setup();
    ipc.replies.set(IPC.openDialog, { path: '/home/u/a.dlab' });
    ipc.replies.set(IPC.saveDialog, { path: 42 });
    expect(await api.showOpenDialog()).toEqual({ path: '/home/u/a.dlab' });
    expect(await api.showSaveDialog('x.dlab')).toBeNull();
    expect(await api.initialFile()).toBeNull();
    ipc.replies.set(IPC.exportDialog, { path: '/home/u/export-run1' });
    expect(await api.showExportDialog('export-run1')).toEqual({ path: '/home/u/export-run1' });
    ipc.replies.set(IPC.dataDialog, { path: '/data/fashion' });
    expect(await api.showDataDialog('idx')).toEqual({ path: '/data/fashion' });
  });

  it('asks main for the data chooser kind it names, and a CSV file for anything else', async () => {
    const { ipc, api } = setup();
    ipc.replies.set(IPC.dataDialog, { path: '/data/pets' });
    for (const kind of ['folder', 'npz', 'idx', 'csv'] as const) await api.showDataDialog(kind);
    await api.showDataDialog('../../etc' as 'csv');
    expect(ipc.sent).toEqual([[IPC.dataDialog, 'folder'], [IPC.dataDialog, 'npz'], [IPC.dataDialog, 'idx'], [IPC.dataDialog, 'csv'], [IPC.dataDialog, 'csv']]);
  });

  it('asks paths only for names that could be a project, a table or a folder, and lets main decide', async () => {
    const { ipc, api, asked } = setup();
    const answer = { project: '/home/u/a.dlab', openedElsewhere: 0, data: { kind: 'csv', path: '/data/iris.csv' }, refused: [{ name: 'mnist', reason: 'one-data-source' }] };
    ipc.replies.set(IPC.dropped, answer);
    const files = ['a.dlab', 'photo.png', 'iris.csv', 'mnist', 'pasted.csv'].map((n) => new File(['x'], n));
    const r = await api.openDropped(files);
    expect(asked).toEqual(['a.dlab', 'iris.csv', 'mnist', 'pasted.csv']); // never photo.png's path
    expect(ipc.sent).toEqual([[IPC.dropped, ['/home/u/a.dlab', '/data/iris.csv', '/data/mnist']]]);
    expect(r).toEqual({ ...answer, refused: [{ name: 'photo.png', reason: 'unsupported' }, { name: 'pasted.csv', reason: 'unsupported' }, ...answer.refused] });
  });

  it('does not bother main when nothing dropped has a path, and drops an answer of the wrong shape', async () => {
    const { ipc, api } = setup();
    expect(await api.openDropped([new File(['x'], 'photo.png')])).toEqual({ project: null, openedElsewhere: 0, data: null, refused: [{ name: 'photo.png', reason: 'unsupported' }] });
    expect(ipc.sent).toEqual([]);
    ipc.replies.set(IPC.dropped, { project: 42, openedElsewhere: 0, data: null, refused: [] });
    expect(await api.openDropped([new File(['x'], 'a.dlab')])).toEqual({ project: null, openedElsewhere: 0, data: null, refused: [] });
  });

  it('sends run reports and appearance in their checked shape, and throws on a wrong one', () => {
    const { ipc, api } = setup();
    api.reportRun({ state: 'running', fraction: 0.5 });
    api.setAppearance({ theme: 'dark', locale: 'zh' });
    expect(ipc.sent).toEqual([[IPC.run, { state: 'running', fraction: 0.5 }], [IPC.appearance, { theme: 'dark', locale: 'zh' }]]);
    expect(() => api.reportRun({ state: 'running', fraction: 1.5 })).toThrow();
    expect(() => api.setAppearance({ theme: 'sepia' as 'dark', locale: 'zh' })).toThrow();
    expect(ipc.sent).toHaveLength(2);
  });

  it('asks main for Open Recent, notes a file and opens a recent one, and takes only answers of the right shape', async () => {
    const { ipc, api } = setup();
    ipc.replies.set(IPC.recentList, ['/home/u/a.dlab']);
    ipc.replies.set(IPC.recent, ['/home/u/b.dlab', '/home/u/a.dlab']);
    ipc.replies.set(IPC.openRecent, { path: '/home/u/a.dlab' });
    expect(await api.recentFiles()).toEqual(['/home/u/a.dlab']);
    expect(await api.noteRecentFile('/home/u/b.dlab')).toEqual(['/home/u/b.dlab', '/home/u/a.dlab']);
    expect(await api.openRecentFile('/home/u/a.dlab')).toEqual({ path: '/home/u/a.dlab' });
    expect(ipc.sent).toEqual([[IPC.recentList], [IPC.recent, '/home/u/b.dlab'], [IPC.openRecent, '/home/u/a.dlab']]);
    ipc.replies.set(IPC.recentList, ['/a.dlab', 7]);
    expect(await api.recentFiles()).toEqual([]);
    ipc.replies.set(IPC.openRecent, null);
    expect(await api.openRecentFile('/gone.dlab')).toBeNull();
  });
});
