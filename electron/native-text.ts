/**
 * The words of native menus and dialogs in the app's two languages, as the
 * renderer's i18n tables hold its own. Main shows them in the language the
 * renderer last reported (see setAppearance), falling back to the system's.
 * Electron-free, so both tables are checked for the same keys.
 */
import type { DesktopLocale } from './preload-api.ts';

const en = {
  file: 'File',
  newProject: 'New Project',
  open: 'Open…',
  openRecent: 'Open Recent',
  clearRecent: 'Clear Recent',
  save: 'Save',
  saveAs: 'Save As…',
  export: 'Export to PyTorch…',
  closeWindow: 'Close Window',
  quit: 'Quit Dropout Lab',
  edit: 'Edit',
  undo: 'Undo',
  redo: 'Redo',
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  selectAll: 'Select All',
  view: 'View',
  resetZoom: 'Actual Size',
  zoomIn: 'Zoom In',
  zoomOut: 'Zoom Out',
  fullScreen: 'Toggle Full Screen',
  help: 'Help',
  article: 'Dropout in PyTorch (the article)',
  crashReports: 'Show Crash Reports',
  about: 'About Dropout Lab',
  aboutDetail: 'Design small networks, train them on your machine, and see what Dropout does.',
  openProject: 'Open Project',
  saveProject: 'Save Project',
  projectFilter: 'Dropout Lab project',
  chooseCsv: 'Choose a CSV file',
  csvFilter: 'CSV or TSV',
  chooseIdx: 'Choose a folder of IDX files',
  chooseNpz: 'Choose a NumPy .npz file',
  npzFilter: 'NumPy arrays',
  chooseDataFolder: 'Choose a data folder',
  exportTitle: 'Export to folder',
  exportButton: 'Export',
  saveChanges: 'Save the changes to {name}?',
  saveChangesDetail: "Your changes will be lost if you don't save them.",
  saveButton: 'Save',
  dontSave: "Don't Save",
  cancel: 'Cancel',
  fileMissing: 'File not found',
  fileMissingDetail: '{path} no longer exists; it was removed from Open Recent.',
  crashReportsFailed: 'Could not open the crash reports folder',
  crashReportsFailedDetail: '{path}: {error}. Open it from a file manager instead.',
};

export type NativeText = typeof en;

const zh: NativeText = {
  file: '文件',
  newProject: '新建项目',
  open: '打开…',
  openRecent: '最近打开',
  clearRecent: '清除最近记录',
  save: '保存',
  saveAs: '另存为…',
  export: '导出为 PyTorch…',
  closeWindow: '关闭窗口',
  quit: '退出 Dropout Lab',
  edit: '编辑',
  undo: '撤销',
  redo: '重做',
  cut: '剪切',
  copy: '复制',
  paste: '粘贴',
  selectAll: '全选',
  view: '视图',
  resetZoom: '实际大小',
  zoomIn: '放大',
  zoomOut: '缩小',
  fullScreen: '切换全屏',
  help: '帮助',
  article: 'PyTorch 中的 Dropout（原文）',
  crashReports: '显示崩溃报告',
  about: '关于 Dropout Lab',
  aboutDetail: '设计小型网络，在本机上训练，看看 Dropout 的作用。',
  openProject: '打开项目',
  saveProject: '保存项目',
  projectFilter: 'Dropout Lab 项目',
  chooseCsv: '选择 CSV 文件',
  csvFilter: 'CSV 或 TSV',
  chooseIdx: '选择存放 IDX 文件的文件夹',
  chooseNpz: '选择 NumPy .npz 文件',
  npzFilter: 'NumPy 数组',
  chooseDataFolder: '选择数据文件夹',
  exportTitle: '导出到文件夹',
  exportButton: '导出',
  saveChanges: '要保存对 {name} 的更改吗？',
  saveChangesDetail: '如果不保存，你的更改将会丢失。',
  saveButton: '保存',
  dontSave: '不保存',
  cancel: '取消',
  fileMissing: '找不到文件',
  fileMissingDetail: '{path} 已不存在，已从“最近打开”中移除。',
  crashReportsFailed: '无法打开崩溃报告文件夹',
  crashReportsFailedDetail: '{path}：{error}。请改用文件管理器打开。',
};

export const NATIVE_TEXT: Record<DesktopLocale, NativeText> = { en, zh };

/** The app's language before the renderer has said: Chinese when the system prefers it, else English (as the renderer decides). */
export function systemLocale(preferred: readonly string[]): DesktopLocale {
  return preferred[0]?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Fills `{name}` placeholders. */
export function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}
