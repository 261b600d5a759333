/**
 * The renderer's first chunk stays under Vite's 500 kB warning, with the
 * limit left as it is: each view is a chunk of its own, so the model editor
 * with the engine's layer registry, and chart.js, load when their view is
 * first shown. In Chromium under the strict CSP, every view loads its chunk
 * and shows, with no error.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { haveChromium, repo, startLab, type Lab } from './harness.ts';
import { runProcess } from '../helpers/run-process.ts';

/** Vite's default chunkSizeWarningLimit: 500 kB, of 1000 bytes. */
const WARNING_LIMIT = 500_000;

describe('the renderer bundle', () => {
  it('has a first chunk under Vite’s warning limit, without the layer registry or chart.js, and the limit is not raised', async () => {
    expect(readFileSync(join(repo, 'renderer/vite.config.ts'), 'utf8')).not.toMatch(/chunkSizeWarningLimit/);
    const out = mkdtempSync(join(tmpdir(), 'dlab-bundle-'));
    // The build as `npm run build:renderer` makes it, into a folder of its own.
    const built = await runProcess(process.execPath, [join(repo, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--outDir', out, '--emptyOutDir', '--sourcemap'], { cwd: repo, env: { ...process.env, NODE_ENV: 'production' } });
    expect(built.status).toBe(0);
    expect(built.stdout + built.stderr).not.toMatch(/larger than 500 kB/);
    const entry = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"/.exec(readFileSync(join(out, 'index.html'), 'utf8'))![1];
    const bytes = statSync(join(out, entry)).size;
    console.log(`first chunk: ${(bytes / 1000).toFixed(1)} kB`);
    expect(bytes).toBeLessThan(WARNING_LIMIT);
    const sources: string[] = JSON.parse(readFileSync(join(out, `${entry}.map`), 'utf8')).sources;
    expect(sources.filter((f) => f.includes('engine/nn/layers/') || f.includes('node_modules/chart.js/'))).toEqual([]);
  }, 180_000);
});

describe.runIf(haveChromium)('the renderer’s view chunks in Chromium', () => {
  let lab: Lab;
  afterAll(async () => {
    await lab?.close();
  });

  it('load and show every view under the CSP, with no error', async () => {
    lab = await startLab();
    const { page, problems } = await lab.open();
    await page.getByTestId('layer-0').waitFor({ timeout: 20_000 });
    for (const view of ['data', 'train', 'modes', 'results', 'experiments', 'model']) {
      await page.getByTestId(`view-${view}`).click();
      await page.locator('main.content > section.view').waitFor({ timeout: 20_000 });
    }
    // The card's summary line comes from the layer registry, in the Model view's chunk.
    expect(await page.getByTestId('layer-0').textContent()).toMatch(/Linear.*\d+ → \d+/s);
    expect(problems).toEqual([]);
  }, 180_000);
});
