/**
 * A drop on the window, from the UI state's side, with a fake host: a CSV
 * file waits in the Data view, a project opens through the usual Open, what
 * was refused is explained, and a host without paths (a browser tab) says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionStatus, DropResult, Host, RunReport } from '../../renderer/src/host/host.ts';
import { i18n } from '../../renderer/src/i18n/index.svelte.ts';
import { AppState } from '../../renderer/src/lib/app.svelte.ts';

class FakeHost implements Host {
  readonly kind = 'electron';
  readonly preferences = { read: () => null, save: () => {} };
  dropped: string[][] = [];
  constructor(private readonly answer: DropResult | null) {}
  connect(h: { status(s: ConnectionStatus): void }): void {
    h.status({ state: 'connecting' });
  }
  post(): void {}
  chooseOpenPath = async () => null;
  chooseSavePath = async () => null;
  chooseDataPath = async () => null;
  chooseExportDir = async () => null;
  initialPath = async () => null;
  onMenuCommand = () => () => {};
  setDocumentState(): void {}
  recent = async () => [];
  noteRecent = async () => [];
  openRecent = async (path: string) => path;
  async openDropped(files: readonly File[]): Promise<DropResult | null> {
    this.dropped.push(files.map((f) => f.name));
    return this.answer;
  }
  reportRun(_r: RunReport): void {}
  setAppearance(): void {}
}

const none: DropResult = { project: null, openedElsewhere: 0, data: null, refused: [] };
const files = (...names: string[]) => names.map((n) => new File(['x'], n));

describe('dropping files on the window', () => {
  afterEach(() => i18n.set('en'));
  i18n.set('en');

  it('offers a CSV file to the Data view and shows it there', async () => {
    const host = new FakeHost({ ...none, data: { kind: 'csv', path: '/data/iris.csv' } });
    const app = new AppState(host);
    await app.dropFiles(files('iris.csv'));
    expect(host.dropped).toEqual([['iris.csv']]);
    expect(app.view).toBe('data');
    expect(app.dataOffer).toEqual({ kind: 'csv', path: '/data/iris.csv' });
    expect(app.project.notice).toEqual({ kind: 'info', text: 'iris.csv is ready in the Data view: check its options, then Load.' });
  });

  it('opens a dropped project through Open, without asking when nothing is unsaved', async () => {
    const app = new AppState(new FakeHost({ ...none, project: '/p/a.dlab', refused: [{ name: 'x.png', reason: 'unsupported' }] }));
    const opened: (string | undefined)[] = [];
    app.project.open = async (p) => {
      opened.push(p);
      app.project.notice = { kind: 'info', text: `Opened ${p}` };
      return true;
    };
    await app.dropFiles(files('a.dlab', 'x.png'));
    expect(opened).toEqual(['/p/a.dlab']);
    expect(app.view).toBe('model');
    // Open's own notice stays, the refusal follows it.
    expect(app.project.notice?.kind).toBe('error');
    expect(app.project.notice?.text).toMatch(/^Opened \/p\/a\.dlab Not opened: x\.png \(drop a \.dlab project/);
  });

  it('says, in the user’s language, that a browser tab cannot open dropped files', async () => {
    i18n.set('zh');
    const app = new AppState(new FakeHost(null));
    await app.dropFiles(files('iris.csv'));
    expect(app.dataOffer).toBeNull();
    expect(app.project.notice?.text).toMatch(/^浏览器标签页无法按路径读取拖入的文件/);
  });
});
