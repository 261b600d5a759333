/**
 * `npm run screenshots`: every view of the lab in light and dark, English and
 * Chinese, written to docs/screenshots/ (linked from the README). Drives the
 * real web host and engine in Debian's Chromium: starts from the MLP
 * template, trains a few epochs so the charts and results have something to
 * show, then visits each view.
 */
import { join } from 'node:path';
import { startLab, repo } from '../test/e2e/harness.ts';

const VIEWS = ['model', 'data', 'train', 'modes', 'results', 'experiments'] as const;
const out = join(repo, 'docs/screenshots');

async function main(): Promise<void> {
  const lab = await startLab({ viewport: { width: 1440, height: 900 }, threads: 2 });
  try {
    for (const theme of ['light', 'dark'] as const) {
      for (const locale of ['en', 'zh'] as const) {
        const { page, problems } = await lab.open({ theme, locale });
        await page.getByTestId('view-train').click();
        await page.getByTestId('train-start').click();
        await page.locator('[data-testid="train-start"]:not([disabled])').waitFor({ timeout: 120_000 });
        await page.getByTestId('view-model').click();
        await page.getByTestId('layer-2').click();
        for (const view of VIEWS) {
          await page.getByTestId(`view-${view}`).click();
          if (view === 'modes') {
            await page.getByTestId('run-again').click();
            await page.getByTestId('run-again').click();
          }
          if (view === 'results') {
            await page.getByTestId('mc-run').click();
            await page.getByTestId('mc-heatmap').waitFor({ timeout: 60_000 });
          }
          if (view === 'experiments') {
            await page.getByTestId('sweep-p').fill('0, 0.3, 0.6');
            await page.getByTestId('sweep-seeds').fill('2');
            await page.getByTestId('sweep-epochs').fill('60');
            await page.getByTestId('sweep-epochs').press('Tab');
            await page.getByTestId('sweep-start').click();
            await page.locator('[data-testid="sweep-state"].done').waitFor({ timeout: 120_000 });
          }
          await page.waitForTimeout(view === 'results' || view === 'experiments' ? 1500 : 600);
          const file = join(out, `${view}-${theme}-${locale}.png`);
          await page.screenshot({ path: file });
          console.log(file);
        }
        if (problems.length) console.warn(`page problems (${theme}, ${locale}):\n  ${problems.join('\n  ')}`);
        await page.close();
      }
    }
  } finally {
    await lab.close();
  }
}

await main();
