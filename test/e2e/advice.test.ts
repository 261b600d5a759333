/**
 * Issue #8's advisor and MC-dropout, acting as a user in Chromium against the real web host and
 * engine: on the MLP template, p = 0.9 brings the advisor's rate warning (in the panel and on the
 * card), its one-click fix sets p = 0.5 and silences it, Ctrl+Z brings both back; a short run
 * later, MC-dropout in Results draws its uncertainty heat-map, and the train-mode warning at the
 * export goes once the model is switched to eval. No page error and no CSP violation on the way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, startLab, type Lab } from './harness.ts';

describe.runIf(haveChromium)('placement advisor and MC-dropout in Chromium', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ threads: 2 });
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
  });

  it('warns, fixes, undoes, and measures uncertainty', async () => {
    const { page, problems } = await lab.open();
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-mlp').click();
    const dropout = page.getByTestId('layer-2');
    await expect.poll(() => dropout.textContent()).toContain('Dropout');

    // The template follows the article: nothing to say.
    const panel = page.getByTestId('advice-panel');
    await expect.poll(() => panel.textContent()).toMatch(/No suggestions/);
    const finding = page.getByTestId('advice-dropout-rate');

    // p = 0.9: a warning in the panel and a badge on the card.
    await dropout.click();
    const p = page.getByTestId('inspector').getByTestId('arg-p');
    await p.fill('0.9');
    await p.press('Tab');
    await expect.poll(() => finding.count(), { timeout: 5_000 }).toBe(1);
    expect(await finding.textContent()).toMatch(/p = 0\.9/);
    await expect.poll(() => page.getByTestId('advice-badge-2').count()).toBe(1);
    expect(await page.getByTestId('advice-count').textContent()).toMatch(/1/);

    // The explanation and its article section open on demand.
    await finding.getByRole('button', { name: 'Why?' }).click();
    expect(await finding.textContent()).toContain('§3.2');

    // One click fixes it: p = 0.5, the finding and the badge go.
    await page.getByTestId('advice-fix-dropout-rate').click();
    await expect.poll(() => dropout.textContent()).toMatch(/0\.5/);
    await expect.poll(() => finding.count(), { timeout: 5_000 }).toBe(0);
    expect(await page.getByTestId('advice-badge-2').count()).toBe(0);
    expect(await p.inputValue()).toBe('0.5');

    // Ctrl+Z undoes the fix as one edit.
    await page.getByTestId('model-canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => dropout.textContent()).toMatch(/0\.9/);
    await expect.poll(() => finding.count(), { timeout: 5_000 }).toBe(1);

    // A short run with p = 0.9, then MC-dropout in Results.
    await page.getByTestId('view-train').click();
    const epochs = page.getByTestId('setting-epochs');
    await epochs.fill('3');
    await epochs.press('Tab');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('train-state').evaluate((el) => el.classList.contains('done')), { timeout: 60_000 }).toBe(true);

    await page.getByTestId('view-results').click();
    await page.getByTestId('mc-passes').fill('8');
    await page.getByTestId('mc-run').click();
    const heat = page.getByTestId('mc-heatmap');
    await heat.waitFor({ timeout: 30_000 });
    expect(await heat.getAttribute('data-metric')).toBe('mutual_information');
    // The picture is drawn: the heat-map canvas holds more than one colour.
    const colours = () => heat.locator('canvas').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    });
    await expect.poll(colours).toBeGreaterThan(10);
    await page.getByTestId('mc-metric-entropy').click();
    expect(await heat.getAttribute('data-metric')).toBe('entropy');

    // A long MC-dropout shows its progress with an ETA and can be cancelled; the map already shown stays.
    await page.getByTestId('mc-passes').fill('1000');
    await page.getByTestId('mc-run').click();
    await expect.poll(() => page.getByTestId('mc-progress').evaluate((el) => (el as HTMLProgressElement).value), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('mc-eta').textContent()).toMatch(/ETA \d/);
    await page.getByTestId('mc-cancel').click();
    await page.getByTestId('mc-cancelled').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('mc-progress').count()).toBe(0);
    expect(await heat.getAttribute('data-metric')).toBe('entropy');
    expect(await page.getByTestId('mc-run').isEnabled()).toBe(true);

    // The Train/Eval switch still says train: exporting warns where the export button is; eval silences it.
    const exportWarning = page.getByTestId('export-run').locator('xpath=ancestor::div[contains(@class, "export")]').getByTestId('advice-train-mode-action');
    await expect.poll(() => exportWarning.count(), { timeout: 5_000 }).toBe(1);
    expect(await exportWarning.textContent()).toMatch(/train mode while you export/);
    await exportWarning.getByTestId('switch-eval').click();
    await expect.poll(() => page.getByTestId('advice-train-mode-action').count()).toBe(0);

    expect(problems).toEqual([]);
  }, 120_000);
});
