/**
 * Issue #8's acceptance for the Experiments view, acting as a user in Debian's
 * Chromium against the real web host and engine: from the MLP template on the
 * spiral, sweep its dropout layer over p = 0, 0.3, 0.6 (one seed, a few
 * epochs), read the recommendation, find the three runs in the compare table
 * and in the project, switch the metric, and compare again after saving and
 * reopening the project. No page error and no CSP violation on the way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enter, haveChromium, startLab, type Lab } from './harness.ts';

/** Polls wait this long: three Chromiums building and training side by side (the e2e files run in parallel) are slow. */
const slow = { timeout: 20_000 };

describe.runIf(haveChromium)('a dropout sweep from the Experiments view', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ threads: 1 });
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
  });

  it('runs a 3-value sweep, recommends one of its settings in words and keeps every run', async () => {
    const { page, problems } = await lab.open();
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'e2e-sweep.dlab' : undefined));

    await page.getByTestId('project-new').click();
    await page.getByTestId('template-mlp').click();
    // New shows the Model view once the project has loaded: Linear, ReLU, Dropout, Linear.
    await expect.poll(() => page.getByTestId(/^layer-\d+$/).count(), slow).toBe(4);
    await page.getByTestId('view-experiments').click();
    await page.getByTestId('compare-empty').waitFor();

    // The template's one dropout layer, three rates, one seed, a few epochs.
    const layer = page.locator('[data-testid^="sweep-layer-"]');
    expect(await layer.count()).toBe(1);
    await layer.check();
    await enter(page.getByTestId('sweep-p'), '0, 0.3, 0.6');
    expect(await page.getByTestId('sweep-p-chips').textContent()).toMatch(/0\D+0\.3\D+0\.6/);
    await enter(page.getByTestId('sweep-seeds'), '1');
    await enter(page.getByTestId('sweep-epochs'), '12');
    await expect.poll(() => page.getByTestId('sweep-count').getAttribute('data-runs'), slow).toBe('3');

    // A value of p outside [0, 1) is refused and leaves the last good list.
    await page.getByTestId('sweep-p').fill('0, 1.2');
    expect(await page.getByTestId('sweep-p').getAttribute('aria-invalid')).toBe('true');
    await enter(page.getByTestId('sweep-p'), '0, 0.3, 0.6');

    await page.getByTestId('sweep-start').click();
    await page.locator('[data-testid="sweep-state"].done').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('sweep-progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(1);

    // The recommendation names a swept setting and the metric that chose it.
    const rec = page.getByTestId('sweep-recommendation');
    const text = (await rec.textContent()) ?? '';
    expect(text).toMatch(/Recommended: p = (0|0\.3|0\.6)\b/);
    expect(text).toMatch(/validation loss/);
    expect(['p=0', 'p=0.3', 'p=0.6']).toContain(await rec.getAttribute('data-setting'));
    expect(await page.getByTestId('compare-table').getByTestId('compare-row').count()).toBe(3);
    expect(await page.getByTestId('chart-sweep-metric').getAttribute('data-points')).toBe('3');

    // Accuracy re-ranks and says so.
    await page.getByTestId('sweep-metric').getByRole('radio', { name: /accuracy/i }).click();
    await expect.poll(() => rec.getAttribute('data-metric'), slow).toBe('val_accuracy');
    expect(await rec.textContent()).toMatch(/validation accuracy/);

    // Every run is in the project.
    await page.getByTestId('view-train').click();
    await expect.poll(() => page.getByTestId('run-row').count(), slow).toBe(3);

    // Saved and reopened, the comparison is rebuilt from the saved runs.
    await page.getByTestId('project-save').click();
    await expect.poll(() => page.getByTestId('dirty').count(), slow).toBe(0);
    await page.reload();
    await page.locator('[data-testid="status"].connected').waitFor();
    await page.getByTestId('project-open').click();
    await expect.poll(() => page.getByTestId('project-title').textContent(), slow).toContain('e2e-sweep');
    await page.getByTestId('view-experiments').click();
    await expect.poll(() => page.getByTestId('compare-row').count(), slow).toBe(3);
    expect(await page.getByTestId('sweep-recommendation').textContent()).toMatch(/Recommended: p = (0|0\.3|0\.6)\b.*validation loss/s);

    expect(problems).toEqual([]);
    await page.close();
  });
});
