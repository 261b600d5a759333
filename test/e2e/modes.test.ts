/**
 * The Train/Eval view after a run trained at p = 0, acting as a user in Chromium against the real web host and
 * engine: in train mode the dropout row says p = 0 makes it the identity (not "Eval mode"), in eval mode it says
 * eval mode; both in English and in Chinese, where the new project's title is 未命名 too. Screenshots of both
 * languages go to DLAB_SHOTS (or the temp folder) to look at by eye.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enter, haveChromium, startLab, type Lab } from './harness.ts';

const SHOTS = process.env.DLAB_SHOTS ?? tmpdir();

describe.runIf(haveChromium)('Train/Eval after a run at p = 0', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab();
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
  });

  it('calls the dropout the identity in train mode at p = 0, in both languages', async () => {
    const { page, problems } = await lab.open();
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-mlp').click();
    const dropout = page.getByTestId('layer-2');
    await expect.poll(() => dropout.textContent()).toContain('Dropout');
    await dropout.click();
    await enter(page.getByTestId('inspector').getByTestId('arg-p'), '0');
    await expect.poll(() => dropout.textContent()).toMatch(/\b0\b/);

    await page.getByTestId('view-train').click();
    await enter(page.getByTestId('setting-epochs'), '1');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('run-row').count(), { timeout: 60_000 }).toBe(1);

    await page.getByTestId('view-modes').click();
    const toggle = page.getByTestId('mode-toggle');
    await expect.poll(() => toggle.textContent()).toMatch(/Train/);
    const quiet = page.getByTestId('dropout-quiet');
    await expect.poll(() => quiet.textContent()).toMatch(/^p = 0: even in train mode nothing is dropped or scaled, so this layer is the identity/);
    await page.screenshot({ path: join(SHOTS, 'modes-p0-train.png') });

    await toggle.click();
    await expect.poll(() => quiet.textContent()).toMatch(/^Eval mode: identity/);
    await toggle.click();

    await page.getByTestId('locale').selectOption('zh');
    await expect.poll(() => quiet.textContent()).toMatch(/^p = 0：即使在训练模式下也不丢弃、不缩放，所以这一层是恒等映射/);
    await expect.poll(() => page.getByTestId('project-title').textContent()).toContain('未命名');
    await page.screenshot({ path: join(SHOTS, 'modes-p0-train-zh.png') });

    expect(problems).toEqual([]);
    await page.close();
  });
});
