/**
 * The lab in Debian's Chromium against the real web host and engine process,
 * for end-to-end tests and the screenshot script: builds the renderer once
 * into a temp folder, starts `npm run web`'s server there, launches Chromium
 * with a fresh profile. Page errors and CSP violations are collected so tests
 * can assert there were none.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startWebHost, type WebHost } from '../../web/web-host.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const repo = fileURLToPath(new URL('../..', import.meta.url));
/** CI installs chromium (.ci/run); elsewhere tests say why they did not run. */
export const haveChromium = existsSync(CHROMIUM) || process.env.CI === 'true';

export interface Lab {
  host: WebHost;
  browser: BrowserContext;
  /** The folder the web host serves projects from. */
  root: string;
  /** The engines' checkpoint folder; their recovery journals are in `recovery/` inside it. */
  checkpoints: string;
  /** A fresh page on the lab, connected to its engine; `problems` collects console errors and page errors. */
  /** `fresh` (default true) forgets the recent files and the unsaved work (recovery journals) left by earlier pages. */
  open(opts?: { theme?: 'light' | 'dark'; locale?: 'en' | 'zh'; fresh?: boolean }): Promise<{ page: Page; problems: string[] }>;
  close(): Promise<void>;
}

export async function startLab(o: { viewport?: { width: number; height: number }; threads?: number } = {}): Promise<Lab> {
  const tmp = mkdtempSync(join(tmpdir(), 'dlab-e2e-'));
  const dist = join(tmp, 'renderer');
  const root = join(tmp, 'projects');
  await build({ configFile: join(repo, 'renderer/vite.config.ts'), logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(root);
  const checkpoints = join(tmp, 'checkpoints');
  const data = join(tmp, 'web-data');
  const host = await startWebHost({ root, distDir: dist, checkpointDir: checkpoints, dataDir: data, engineEnv: { DLAB_THREADS: String(o.threads ?? 1) } });
  const browser = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: o.viewport ?? { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    host, browser, root, checkpoints,
    async open(opts = {}) {
      if (opts.fresh ?? true) for (const d of [join(checkpoints, 'recovery'), data]) rmSync(d, { recursive: true, force: true });
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      // Runs in the page before its scripts (no DOM types here: this file is also compiled for Node).
      const prefs = (a: { theme: string; locale: string }) => {
        const store = Reflect.get(globalThis, 'localStorage') as { setItem(k: string, v: string): void };
        store.setItem('dlab.theme', a.theme);
        store.setItem('dlab.locale', a.locale);
      };
      await page.addInitScript(prefs, { theme: opts.theme ?? 'light', locale: opts.locale ?? 'en' });
      await page.goto(host.url);
      await page.locator('[data-testid="status"].connected').waitFor();
      await page.getByTestId('project-title').waitFor();
      return { page, problems };
    },
    async close() {
      await browser.close();
      await host.close();
    },
  };
}

/** Types a value into a field and leaves it (Tab), as a user does; the app commits number fields on change. */
export async function enter(field: Locator, value: string): Promise<void> {
  await field.fill(value);
  await field.press('Tab');
}

/** Presses, moves in small steps and releases, as a hand does (the drag library follows pointer events). */
export async function dragTo(page: Page, from: Locator, to: Locator, where: 'top' | 'bottom'): Promise<void> {
  const b = await to.boundingBox();
  if (!b) throw new Error('drag target is not on screen');
  await dragToPoint(page, from, { x: b.x + b.width / 2, y: where === 'top' ? b.y + 6 : b.y + b.height - 6 });
}

/** The same drag to a point on the page; `whileHeld` runs at the end of the move, before the release (to see the drop indicator). */
export async function dragToPoint(page: Page, from: Locator, to: { x: number; y: number }, whileHeld?: () => Promise<void>): Promise<void> {
  await from.scrollIntoViewIfNeeded();
  const a = await from.boundingBox();
  if (!a) throw new Error('drag source is not on screen');
  const x0 = a.x + a.width / 2;
  const y0 = a.y + a.height / 2;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= 15; i++) {
    await page.mouse.move(x0 + ((to.x - x0) * i) / 15, y0 + ((to.y - y0) * i) / 15);
    await page.waitForTimeout(25);
  }
  await page.waitForTimeout(150);
  await whileHeld?.();
  await page.mouse.up();
}
