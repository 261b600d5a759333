/** Remembered window bounds and recent files, as the main process uses them. */
import { describe, expect, it } from 'vitest';
import { MAX_RECENT, addRecent, parseState, placeWindow, projectFilesFromArgv } from '../../electron/window-state.ts';

const screen = { x: 0, y: 0, width: 1920, height: 1080 };
const right = { x: 1920, y: 0, width: 1280, height: 1024 };

describe('window state', () => {
  it.each([
    ['nothing saved', null],
    ['broken JSON', '{"bounds": '],
    ['not an object', '42'],
    ['wrong types', '{"bounds": {"x": "a"}, "recent": "x", "maximized": 1}'],
    ['an unknown theme and language', '{"theme": "sepia", "locale": "fr"}'],
  ])('falls back to defaults on %s', (_what, text) => {
    expect(parseState(text)).toEqual({ bounds: null, maximized: false, recent: [], theme: null, locale: null });
  });

  it('reads what it wrote, keeping only string paths', () => {
    const s = parseState(JSON.stringify({ bounds: { x: 10, y: 20, width: 900, height: 700 }, maximized: true, recent: ['/a.dlab', 3, '/b.dlab'], theme: 'dark', locale: 'zh' }));
    expect(s).toEqual({ bounds: { x: 10, y: 20, width: 900, height: 700 }, maximized: true, recent: ['/a.dlab', '/b.dlab'], theme: 'dark', locale: 'zh' });
  });

  it('keeps recent files unique, newest first, at most ten', () => {
    let r: string[] = [];
    for (let i = 0; i < 12; i++) r = addRecent(r, `/p${i}.dlab`);
    expect(r).toHaveLength(MAX_RECENT);
    expect(r[0]).toBe('/p11.dlab');
    expect(addRecent(r, '/p5.dlab').slice(0, 2)).toEqual(['/p5.dlab', '/p11.dlab']);
    expect(addRecent(r, '/p5.dlab').filter((p) => p === '/p5.dlab')).toHaveLength(1);
  });

  it('reopens where the window was when that display is still there', () => {
    expect(placeWindow({ x: 100, y: 80, width: 1000, height: 700 }, [screen])).toEqual({ x: 100, y: 80, width: 1000, height: 700 });
    expect(placeWindow({ x: 2000, y: 50, width: 1000, height: 700 }, [screen, right])).toEqual({ x: 2000, y: 50, width: 1000, height: 700 });
  });

  it('recentres when the display it was on is gone, and fits windows larger than the screen', () => {
    expect(placeWindow({ x: 2000, y: 50, width: 1000, height: 700 }, [screen])).toEqual({ x: 320, y: 130, width: 1280, height: 820 });
    const small = { x: 0, y: 0, width: 1024, height: 700 };
    const p = placeWindow({ x: 0, y: 0, width: 1600, height: 1000 }, [small]);
    expect(p.width).toBeLessThanOrEqual(1024);
    expect(p.height).toBeLessThanOrEqual(700);
  });

  it('cascades further windows', () => {
    const a = placeWindow(null, [screen], 0);
    const b = placeWindow(null, [screen], 24);
    expect([b.x - a.x, b.y - a.y]).toEqual([24, 24]);
  });

  it('finds .dlab files on a command line and skips flags', () => {
    expect(projectFilesFromArgv(['--inspect', '/home/u/a.dlab', 'notes.txt', 'B.DLAB'])).toEqual(['/home/u/a.dlab', 'B.DLAB']);
  });
});
