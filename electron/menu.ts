/** The native menu bar. Commands that act on a document go to the focused window's renderer. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { basename } from 'node:path';
import type { MenuCommand } from './preload-api.ts';

export interface MenuActions {
  newWindow(): void;
  open(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  command(c: MenuCommand): void;
  closeWindow(): void;
  about(): void;
}

export function buildMenu(recent: readonly string[], a: MenuActions, isMac: boolean): Menu {
  const cmd = (label: string, c: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({ label, accelerator, click: () => a.command(c) });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project', accelerator: 'CmdOrCtrl+N', click: () => a.newWindow() },
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => a.open() },
        {
          label: 'Open Recent',
          submenu: [
            ...recent.map((p): MenuItemConstructorOptions => ({ label: basename(p), sublabel: p, click: () => a.openRecent(p) })),
            ...(recent.length ? [{ type: 'separator' as const }] : []),
            { label: 'Clear Recent', enabled: recent.length > 0, click: () => a.clearRecent() },
          ],
        },
        { type: 'separator' },
        cmd('Save', 'save', 'CmdOrCtrl+S'),
        cmd('Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
        cmd('Export to PyTorch…', 'export', 'CmdOrCtrl+E'),
        { type: 'separator' },
        { label: 'Close Window', accelerator: 'CmdOrCtrl+W', click: () => a.closeWindow() },
        ...(isMac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
      ],
    },
    {
      label: 'Edit',
      submenu: [
        cmd('Undo', 'undo', 'CmdOrCtrl+Z'),
        cmd('Redo', 'redo', isMac ? 'Cmd+Shift+Z' : 'Ctrl+Y'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    {
      label: 'Help',
      submenu: [
        cmd('Dropout in PyTorch (the article)', 'article'),
        { label: 'About Dropout Lab', click: () => a.about() },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
