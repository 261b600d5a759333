/**
 * What the app remembers between launches: the last window bounds, the
 * recent projects, and the theme and language the renderer last reported (so
 * a new window starts in the right colour and the menus in the right
 * words). Pure functions over plain data (no Electron imports), so they are
 * tested without a display; main.ts does the reading and writing.
 */
import type { DesktopLocale, DesktopTheme } from './preload-api.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface AppState {
  bounds: Rect | null;
  maximized: boolean;
  recent: string[];
  theme: DesktopTheme | null;
  locale: DesktopLocale | null;
}

export const DEFAULT_SIZE = { width: 1280, height: 820 };
export const MIN_SIZE = { width: 800, height: 560 };
export const MAX_RECENT = 10;

export function emptyState(): AppState {
  return { bounds: null, maximized: false, recent: [], theme: null, locale: null };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads a saved state leniently: anything damaged falls back to defaults rather than failing the launch. */
export function parseState(text: string | null): AppState {
  if (!text) return emptyState();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return emptyState();
  }
  if (typeof raw !== 'object' || raw === null) return emptyState();
  const b: unknown = Reflect.get(raw, 'bounds');
  const bounds = typeof b === 'object' && b !== null && ['x', 'y', 'width', 'height'].every((k) => isNum(Reflect.get(b, k)))
    ? { x: Number(Reflect.get(b, 'x')), y: Number(Reflect.get(b, 'y')), width: Number(Reflect.get(b, 'width')), height: Number(Reflect.get(b, 'height')) }
    : null;
  const recentRaw: unknown = Reflect.get(raw, 'recent');
  const recent = Array.isArray(recentRaw) ? recentRaw.filter((r): r is string => typeof r === 'string').slice(0, MAX_RECENT) : [];
  const theme: unknown = Reflect.get(raw, 'theme');
  const locale: unknown = Reflect.get(raw, 'locale');
  return {
    bounds,
    maximized: Reflect.get(raw, 'maximized') === true,
    recent,
    theme: theme === 'light' || theme === 'dark' ? theme : null,
    locale: locale === 'en' || locale === 'zh' ? locale : null,
  };
}

/** Moves a file to the top of the recent list (no duplicates, at most MAX_RECENT). */
export function addRecent(recent: readonly string[], path: string): string[] {
  return [path, ...recent.filter((p) => p !== path)].slice(0, MAX_RECENT);
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Where a window should open: the saved bounds when they are still mostly on
 * a connected display (screens change between launches), shrunk to fit it;
 * otherwise the default size centred on the primary display. New windows of
 * an already open app are cascaded by `offset`.
 */
export function placeWindow(saved: Rect | null, workAreas: readonly Rect[], offset = 0): Rect {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  if (saved && saved.width >= MIN_SIZE.width / 2 && saved.height >= MIN_SIZE.height / 2) {
    const best = workAreas.reduce<{ area: Rect | null; o: number }>((acc, a) => {
      const o = overlap(saved, a);
      return o > acc.o ? { area: a, o } : acc;
    }, { area: null, o: 0 });
    if (best.area && best.o >= 0.5 * Math.min(saved.width * saved.height, best.area.width * best.area.height)) {
      const a = best.area;
      const width = Math.min(Math.max(saved.width, MIN_SIZE.width), a.width);
      const height = Math.min(Math.max(saved.height, MIN_SIZE.height), a.height);
      const x = Math.min(Math.max(saved.x + offset, a.x), a.x + a.width - width);
      const y = Math.min(Math.max(saved.y + offset, a.y), a.y + a.height - height);
      return { x, y, width, height };
    }
  }
  const width = Math.min(DEFAULT_SIZE.width, primary.width);
  const height = Math.min(DEFAULT_SIZE.height, primary.height);
  return { x: primary.x + Math.round((primary.width - width) / 2) + offset, y: primary.y + Math.round((primary.height - height) / 2) + offset, width, height };
}

/** The .dlab files named on a command line (argv after the app path; flags skipped). */
export function projectFilesFromArgv(argv: readonly string[]): string[] {
  return argv.filter((a) => !a.startsWith('-') && /\.dlab$/i.test(a));
}
