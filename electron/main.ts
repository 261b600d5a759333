/**
 * The Electron main process: windows (one per project), menus, dialogs,
 * recent files and remembered bounds, and one supervised engine utility
 * process per window. It computes nothing and never sees training traffic.
 */
import { Menu, app, dialog, ipcMain, screen, type IpcMainEvent, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildMenu } from './menu.ts';
import { ProjectWindow, type AppPaths } from './project-window.ts';
import { IPC, type MenuCommand } from './preload-api.ts';
import { installSecurity, isAppPage } from './security.ts';
import { addRecent, parseState, placeWindow, projectFilesFromArgv, type AppState } from './window-state.ts';

/** The checkout, or resources/app.asar in a packaged app. */
const root = resolve(__dirname, '..', '..');
/**
 * The engine's bundle and the files it reads (scripts/build-node.mjs). Packaged, they are
 * unpacked from the asar (package.json build.asarUnpack): plain files that Node and worker
 * threads can start and read, and a working directory outside the asar.
 */
const engineDir = app.isPackaged ? join(process.resourcesPath, 'app.asar.unpacked', 'dist', 'node') : join(root, 'dist', 'node');
const paths: AppPaths = {
  engineCwd: engineDir,
  preload: join(__dirname, 'preload.cjs'),
  rendererIndex: join(root, 'dist', 'renderer', 'index.html'),
  engineEntry: join(engineDir, 'engine.cjs'),
  checkpoints: join(app.getPath('userData'), 'checkpoints'),
};
const rendererDir = join(root, 'dist', 'renderer');
const isMac = process.platform === 'darwin';
const stateFile = join(app.getPath('userData'), 'window-state.json');
const windows = new Map<number, ProjectWindow>();
const pendingFiles: string[] = [];
let state: AppState = parseState(existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : null);

function saveState(): void {
  mkdirSync(app.getPath('userData'), { recursive: true });
  writeFileSync(stateFile, JSON.stringify(state));
}

function refreshMenu(): void {
  Menu.setApplicationMenu(buildMenu(state.recent, {
    newWindow: () => openWindow(null),
    open: () => void openWithDialog(),
    openRecent: (p) => (existsSync(p) ? openWindow(p) : dialog.showErrorBox('File not found', `${p} no longer exists; it was removed from Open Recent.`), forgetIfMissing(p)),
    clearRecent: () => {
      state = { ...state, recent: [] };
      saveState();
      app.clearRecentDocuments();
      refreshMenu();
    },
    command: (c: MenuCommand) => focused()?.command(c),
    closeWindow: () => focused()?.win.close(),
    about: () => void dialog.showMessageBox({ type: 'info', title: 'About Dropout Lab', message: `Dropout Lab ${app.getVersion()}`, detail: 'Design small networks, train them on your machine, and see what Dropout does.' }),
  }, isMac));
}

function forgetIfMissing(p: string): void {
  if (existsSync(p)) return;
  state = { ...state, recent: state.recent.filter((r) => r !== p) };
  saveState();
  refreshMenu();
}

function noteRecent(path: string): void {
  state = { ...state, recent: addRecent(state.recent, path) };
  app.addRecentDocument(path);
  saveState();
  refreshMenu();
}

function focused(): ProjectWindow | undefined {
  return [...windows.values()].find((w) => w.win.isFocused()) ?? [...windows.values()].at(-1);
}

function openWindow(file: string | null): void {
  const areas = screen.getAllDisplays().map((d) => d.workArea);
  const bounds = placeWindow(state.bounds, areas, windows.size * 24);
  const w = new ProjectWindow({
    paths,
    rememberBounds: (b, maximized) => {
      state = { ...state, bounds: b, maximized };
      saveState();
    },
    noteRecent,
    closed: (pw) => windows.delete(pw.id),
  }, file, bounds, state.maximized && windows.size === 0);
  windows.set(w.id, w);
  if (file) noteRecent(file);
}

async function openWithDialog(): Promise<void> {
  const r = await dialog.showOpenDialog({ title: 'Open Project', properties: ['openFile', 'multiSelections'], filters: [{ name: 'Dropout Lab project', extensions: ['dlab'] }] });
  if (!r.canceled) for (const p of r.filePaths) openWindow(p);
}

/** IPC only from our own page in one of our windows. */
function sender(e: IpcMainEvent | IpcMainInvokeEvent): ProjectWindow | null {
  const frame: WebFrameMain | null = e.senderFrame;
  if (!frame || !isAppPage(frame.url, rendererDir)) return null;
  return windows.get(e.sender.id) ?? null;
}

function registerIpc(): void {
  ipcMain.on(IPC.acquirePort, (e) => sender(e)?.engine.connectWindow());
  ipcMain.handle(IPC.initialFile, (e) => sender(e)?.initialFile() ?? null);
  ipcMain.handle(IPC.openDialog, (e) => sender(e)?.openDialog() ?? null);
  ipcMain.handle(IPC.saveDialog, (e, name: unknown) => sender(e)?.saveDialog(typeof name === 'string' ? name : 'Untitled.dlab') ?? null);
  ipcMain.handle(IPC.dataDialog, (e, kind: unknown) => sender(e)?.dataDialog(kind === 'idx' ? 'idx' : 'csv') ?? null);
  ipcMain.handle(IPC.exportDialog, (e, name: unknown) => sender(e)?.exportDialog(typeof name === 'string' ? name : 'export') ?? null);
  ipcMain.on(IPC.documentState, (e, s: unknown) => {
    const w = sender(e);
    if (!w || typeof s !== 'object' || s === null) return;
    const dirty: unknown = Reflect.get(s, 'dirty');
    const title: unknown = Reflect.get(s, 'title');
    const path: unknown = Reflect.get(s, 'path');
    if (typeof dirty !== 'boolean' || typeof title !== 'string') return;
    w.setDocumentState({ dirty, title: title.slice(0, 200), path: typeof path === 'string' ? path : null });
  });
  ipcMain.on(IPC.recent, (e, p: unknown) => {
    const w = sender(e);
    if (w && typeof p === 'string' && w.isGranted(p)) noteRecent(p);
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  pendingFiles.push(...projectFilesFromArgv(process.argv.slice(app.isPackaged ? 1 : 2)));
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (app.isReady()) openWindow(path);
    else pendingFiles.push(path);
  });
  app.on('second-instance', (_event, argv) => {
    const files = projectFilesFromArgv(argv.slice(1));
    if (files.length) for (const f of files) openWindow(f);
    else focused()?.win.focus();
  });
  app.on('child-process-gone', (_event, details) => {
    if (details.type !== 'Utility') return;
    for (const w of windows.values()) if (details.name === w.serviceName) w.engine.gone(w.engine.generation, `the engine process is gone (${details.reason})`, details.exitCode);
  });
  app.on('window-all-closed', () => {
    if (!isMac) app.quit();
  });
  app.on('activate', () => {
    if (windows.size === 0) openWindow(null);
  });
  void app.whenReady().then(() => {
    installSecurity(rendererDir);
    registerIpc();
    refreshMenu();
    const files = pendingFiles.splice(0);
    if (files.length) for (const f of files) openWindow(f);
    else openWindow(null);
  });
}
