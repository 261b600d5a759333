/**
 * The web host in Debian's Chromium, as a person uses it: open the printed
 * URL, see the engine connect and the layer catalog, validate a spec (good,
 * then broken), with no CSP violation or page error. Leaves a screenshot in
 * docs/screenshots/web-host.png.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { chromium, type BrowserContext } from 'playwright-core';
import { startWebHost, type WebHost } from '../../web/web-host.ts';

const CHROMIUM = '/usr/bin/chromium';
const repo = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'dlab-browser-'));
// CI installs chromium (.ci/run); elsewhere the test says why it did not run.
const haveChromium = existsSync(CHROMIUM) || process.env.CI === 'true';

describe.runIf(haveChromium)('web host in Chromium', () => {
  let host: WebHost;
  let browser: BrowserContext;
  beforeAll(async () => {
    const dist = join(tmp, 'renderer');
    await build({ configFile: join(repo, 'renderer/vite.config.ts'), logLevel: 'error', build: { outDir: dist, emptyOutDir: true } });
    host = await startWebHost({ root: tmp, distDir: dist, engineEnv: { DLAB_THREADS: '1' } });
    // A fresh profile per run (playwright passes it to Chromium as --user-data-dir).
    browser = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 860 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('connects, lists the catalog, validates specs and shows per-layer errors', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(host.url);
    await page.getByTestId('status').filter({ hasText: 'connected' }).waitFor();
    await page.getByTestId('layer').first().waitFor();
    const kinds = await page.getByTestId('layer').locator('b').allTextContents();
    expect(kinds).toEqual(expect.arrayContaining(['Linear', 'Dropout', 'Dropout2d', 'Conv2d', 'BatchNorm1d']));
    expect(await page.getByRole('heading', { name: 'Dropout family' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => page.getByTestId('validate-summary').textContent()).toContain('Valid · 101,770 parameters · output 10');

    const spec = { input_shape: [784], layers: [{ kind: 'Linear', name: 'fc1', in_features: 784, out_features: 128 }, { kind: 'ReLU' }, { kind: 'Dropout', p: 0.5 }, { kind: 'Linear', name: 'fc2', in_features: 100, out_features: 10 }] };
    await page.getByLabel('Model spec (JSON)').fill(JSON.stringify(spec, null, 2));
    await page.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => page.getByTestId('validate-summary').textContent()).toContain('1 error(s)');
    expect(await page.locator('tr.bad').textContent()).toContain('set in_features to 128');
    await page.getByLabel('Model spec (JSON)').fill(JSON.stringify(spec, null, 2).replace('100', '128'));
    await page.getByRole('button', { name: 'Validate' }).click();
    await expect.poll(() => page.getByTestId('validate-summary').textContent()).toContain('Valid');

    await page.screenshot({ path: join(repo, 'docs/screenshots/web-host.png'), fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a page without the token is told how to get in and the engine stays closed to it', async () => {
    const page = await browser.newPage();
    await page.goto(host.url.replace(/#.*/, ''));
    await expect.poll(() => page.getByTestId('status').textContent()).toContain('no token');
    await page.close();
  });
});
