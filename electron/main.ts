/**
 * The Electron main process: windows (one per project), menus, dialogs,
 * recent files and remembered bounds, theme and language, files dropped on
 * a window, local crash reports, and one supervised engine utility process
 * per window. It computes nothing and never sees training traffic (the
 * renderer reports its run's progress for the taskbar).
 */
import { Menu, app, crashReporter, dialog, ipcMain, nativeTheme, screen, shell, type IpcMainEvent, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startTheme } from './appearance.ts';
import { AppearanceMessage, DataDialogKind, DocumentStateMessage, DroppedPaths, RecentPath, RunReportMessage, SuggestedName } from './ipc-messages.ts';
import { buildMenu } from './menu.ts';
import { NATIVE_TEXT, fill, systemLocale, type NativeText } from './native-text.ts';
import { ProjectWindow, type AppPaths } from './project-window.ts';
import { IPC, type DesktopLocale, type DesktopTheme, type MenuCommand } from './preload-api.ts';
import { installSecurity, isAppPage } from './security.ts';
import { addRecent, parseState, placeWindow, projectFilesFromArgv, type AppState } from './window-state.ts';

// Crash dumps stay on this machine (app.getPath('crashDumps')); Help › Show Crash Reports opens the folder.
crashReporter.start({ uploadToServer: false });

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

/** Native words in the language the renderer last reported, else the system's. */
function text(): NativeText {
  return NATIVE_TEXT[state.locale ?? systemLocale([app.getLocale()])];
}

function theme(): DesktopTheme {
  return startTheme(state.theme, nativeTheme.shouldUseDarkColors);
}

async function showCrashReports(): Promise<void> {
  const dir = app.getPath('crashDumps');
  mkdirSync(dir, { recursive: true });
  const error = await shell.openPath(dir);
  if (error) dialog.showErrorBox(text().crashReportsFailed, fill(text().crashReportsFailedDetail, { path: dir, error }));
}

function refreshMenu(): void {
  const tx = text();
  Menu.setApplicationMenu(buildMenu(state.recent, {
    newWindow: () => openWindow(null),
    open: () => void openWithDialog(),
    openRecent: (p) => (existsSync(p) ? openWindow(p) : dialog.showErrorBox(tx.fileMissing, fill(tx.fileMissingDetail, { path: p })), forgetIfMissing(p)),
    clearRecent: () => {
      state = { ...state, recent: [] };
      saveState();
      app.clearRecentDocuments();
      refreshMenu();
    },
    command: (c: MenuCommand) => focused()?.command(c),
    closeWindow: () => focused()?.win.close(),
    showCrashReports: () => void showCrashReports(),
    about: () => void dialog.showMessageBox({ type: 'info', title: tx.about, message: `Dropout Lab ${app.getVersion()}`, detail: tx.aboutDetail }),
  }, tx, isMac));
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
    openElsewhere: (p) => openWindow(p),
    text,
    theme,
  }, file, bounds, state.maximized && windows.size === 0);
  windows.set(w.id, w);
  if (file) noteRecent(file);
}

async function openWithDialog(): Promise<void> {
  const tx = text();
  const r = await dialog.showOpenDialog({ title: tx.openProject, properties: ['openFile', 'multiSelections'], filters: [{ name: tx.projectFilter, extensions: ['dlab'] }] });
  if (!r.canceled) for (const p of r.filePaths) openWindow(p);
}

/** IPC only from our own page in one of our windows. */
function sender(e: IpcMainEvent | IpcMainInvokeEvent): ProjectWindow | null {
  const frame: WebFrameMain | null = e.senderFrame;
  if (!frame || !isAppPage(frame.url, rendererDir)) return null;
  return windows.get(e.sender.id) ?? null;
}

/** The renderer's theme and language: the window's background now, new windows and the menus from now on. */
function setAppearance(w: ProjectWindow, a: { theme: DesktopTheme; locale: DesktopLocale }): void {
  w.setTheme(a.theme);
  if (a.theme === state.theme && a.locale === state.locale) return;
  const relabel = a.locale !== state.locale;
  state = { ...state, theme: a.theme, locale: a.locale };
  saveState();
  if (relabel) refreshMenu();
}

/** Every message is parsed (ipc-messages.ts); one that does not parse is dropped, or answered with nothing. */
function registerIpc(): void {
  ipcMain.on(IPC.acquirePort, (e) => sender(e)?.engine.connectWindow());
  ipcMain.handle(IPC.initialFile, (e) => sender(e)?.initialFile() ?? null);
  ipcMain.handle(IPC.openDialog, (e) => sender(e)?.openDialog() ?? null);
  ipcMain.handle(IPC.saveDialog, (e, name: unknown) => sender(e)?.saveDialog(SuggestedName.catch('Untitled.dlab').parse(name)) ?? null);
  ipcMain.handle(IPC.dataDialog, (e, kind: unknown) => sender(e)?.dataDialog(DataDialogKind.catch('csv').parse(kind)) ?? null);
  ipcMain.handle(IPC.exportDialog, (e, name: unknown) => sender(e)?.exportDialog(SuggestedName.catch('export').parse(name)) ?? null);
  ipcMain.on(IPC.documentState, (e, s: unknown) => {
    const m = DocumentStateMessage.safeParse(s);
    if (m.success) sender(e)?.setDocumentState(m.data);
  });
  ipcMain.handle(IPC.recentList, (e) => (sender(e) ? state.recent : []));
  // Only a file this window was granted (it opened or saved it) joins the list.
  ipcMain.handle(IPC.recent, (e, p: unknown) => {
    const w = sender(e);
    const m = RecentPath.safeParse(p);
    if (w && m.success && w.isGranted(m.data)) noteRecent(m.data);
    return w ? state.recent : [];
  });
  ipcMain.handle(IPC.openRecent, (e, p: unknown) => {
    const w = sender(e);
    const m = RecentPath.safeParse(p);
    if (!w || !m.success || !state.recent.includes(m.data)) return null;
    forgetIfMissing(m.data);
    return existsSync(m.data) ? w.grantRecent(m.data) : null;
  });
  ipcMain.handle(IPC.dropped, (e, paths: unknown) => {
    const m = DroppedPaths.safeParse(paths);
    return m.success ? (sender(e)?.openDropped(m.data) ?? null) : null;
  });
  ipcMain.on(IPC.run, (e, r: unknown) => {
    const m = RunReportMessage.safeParse(r);
    if (m.success) sender(e)?.reportRun(m.data);
  });
  ipcMain.on(IPC.appearance, (e, a: unknown) => {
    const w = sender(e);
    const m = AppearanceMessage.safeParse(a);
    if (w && m.success) setAppearance(w, m.data);
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
