/** Static promises about electron/: no `any`, the window's security settings, the one page it may show. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../electron/', import.meta.url));
const sources = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => ({ f, text: readFileSync(dir + f, 'utf8') }));

describe('electron/ sources', () => {
  it('has no any escape hatches', () => {
    for (const { f, text } of sources) expect({ f, hits: text.match(/(:\s*any\b|\bas any\b|<any>|@ts-ignore|@ts-expect-error)/g) ?? [] }).toEqual({ f, hits: [] });
  });

  it('creates windows isolated, sandboxed, without Node and without webviews', () => {
    const win = sources.find((s) => s.f === 'project-window.ts')!.text;
    for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'nodeIntegrationInWorker: false', 'nodeIntegrationInSubFrames: false', 'webSecurity: true', 'webviewTag: false', "disableBlinkFeatures: 'Auxclick'"]) expect(win).toContain(setting);
  });

  it('denies permissions, new windows and navigation away from the app', () => {
    const sec = sources.find((s) => s.f === 'security.ts')!.text;
    expect(sec).toContain('setPermissionRequestHandler((_wc, _permission, callback) => callback(false))');
    expect(sec).toContain("setWindowOpenHandler(() => ({ action: 'deny' }))");
    expect(sec).toMatch(/will-navigate[\s\S]*preventDefault/);
    expect(sec).toContain('app.enableSandbox()');
  });

  it('exposes only the typed API through contextBridge', () => {
    const preload = sources.find((s) => s.f === 'preload.ts')!.text;
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toContain("contextBridge.exposeInMainWorld('dropoutLab', api)");
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });

  it('keeps the renderer CSP strict in the page itself', () => {
    const html = readFileSync(fileURLToPath(new URL('../../renderer/index.html', import.meta.url)), 'utf8');
    expect(html).toContain("default-src 'none'; script-src 'self'; style-src 'self'");
    expect(html).not.toMatch(/unsafe-(inline|eval)/);
  });
});
