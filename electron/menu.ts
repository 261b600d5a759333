/**
 * The native menu bar, in the app's language (native-text.ts). Commands that
 * act on a document go to the focused window's renderer. Roles keep their
 * native behaviour; their labels are given so they follow the language too.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';
import type { NativeText } from './native-text.ts';
import type { MenuCommand } from './preload-api.ts';

export interface MenuActions {
  newWindow(): void;
  open(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  command(c: MenuCommand): void;
  closeWindow(): void;
  showCrashReports(): void;
  about(): void;
}

export function buildMenu(recent: readonly string[], a: MenuActions, tx: NativeText, isMac: boolean): Menu {
  const cmd = (label: string, c: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({ label, accelerator, click: () => a.command(c) });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: tx.file,
      submenu: [
        { label: tx.newProject, accelerator: 'CmdOrCtrl+N', click: () => a.newWindow() },
        { label: tx.open, accelerator: 'CmdOrCtrl+O', click: () => a.open() },
        {
          label: tx.openRecent,
          submenu: [
            ...recent.map((p): MenuItemConstructorOptions => ({ label: basename(p), sublabel: p, click: () => a.openRecent(p) })),
            ...(recent.length ? [{ type: 'separator' as const }] : []),
            { label: tx.clearRecent, enabled: recent.length > 0, click: () => a.clearRecent() },
          ],
        },
        { type: 'separator' },
        cmd(tx.save, 'save', 'CmdOrCtrl+S'),
        cmd(tx.saveAs, 'save-as', 'CmdOrCtrl+Shift+S'),
        cmd(tx.export, 'export', 'CmdOrCtrl+E'),
        { type: 'separator' },
        { label: tx.closeWindow, accelerator: 'CmdOrCtrl+W', click: () => a.closeWindow() },
        ...(isMac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const, label: tx.quit }]),
      ],
    },
    {
      label: tx.edit,
      submenu: [
        cmd(tx.undo, 'undo', 'CmdOrCtrl+Z'),
        cmd(tx.redo, 'redo', isMac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        { role: 'cut', label: tx.cut },
        { role: 'copy', label: tx.copy },
        { role: 'paste', label: tx.paste },
        { role: 'selectAll', label: tx.selectAll },
      ],
    },
    {
      label: tx.view,
      submenu: [
        { role: 'resetZoom', label: tx.resetZoom },
        { role: 'zoomIn', label: tx.zoomIn },
        { role: 'zoomOut', label: tx.zoomOut },
        { type: 'separator' },
        { role: 'togglefullscreen', label: tx.fullScreen },
      ],
    },
    {
      label: tx.help,
      submenu: [
        cmd(tx.article, 'article'),
        { label: tx.crashReports, click: () => a.showCrashReports() },
        { type: 'separator' },
        { label: tx.about, click: () => a.about() },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
