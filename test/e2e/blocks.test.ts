/**
 * Blocks on the canvas, acting as a user in Chromium against the real web
 * host and engine: a Residual block dragged in from the palette, a card moved
 * into it and back out by its buttons, the same by keys (Alt+→ into the block
 * above, Alt+← out), and every move undone as one step. The model stays valid
 * throughout; no page error and no CSP violation on the way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dragTo, haveChromium, startLab, type Lab } from './harness.ts';

/** The kinds down the canvas, a block's inner kinds in brackets after it. */
const outline = (page: Page) =>
  page.getByTestId('model-canvas').evaluate((canvas) => {
    const kind = (slot: Element) => slot.querySelector(':scope > .card .kind')?.textContent ?? '?';
    const walk = (list: Element): string[] =>
      [...list.querySelectorAll(':scope > [data-path]')].map((slot) => {
        const inner = slot.querySelector(':scope > .card > .inner > [role="listbox"]');
        return inner ? `${kind(slot)}[${walk(inner).join(' ')}]` : kind(slot);
      });
    const top = canvas.querySelector('[role="listbox"]');
    return top ? walk(top).join(' ') : '';
  });

describe.runIf(haveChromium)('blocks on the canvas in Chromium', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ threads: 1 });
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
  });

  it('moves cards into and out of a block by buttons and by keys, each move one undo step', async () => {
    const { page, problems } = await lab.open();
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-mlp').click();
    await expect.poll(() => outline(page)).toBe('Linear ReLU Dropout Linear');

    // A Residual block from the palette, after the ReLU: it starts with a shape-keeping Linear and a ReLU.
    await dragTo(page, page.getByTestId('palette-Residual'), page.getByTestId('layer-2'), 'top');
    await expect.poll(() => outline(page)).toBe('Linear ReLU Residual[Linear ReLU] Dropout Linear');
    await expect.poll(() => page.getByTestId('shape-2.0').textContent()).toMatch(/128/);

    // The Dropout card's button moves it into the block above, at its end; the selection and focus follow it.
    await page.getByTestId('layer-3').click();
    expect(await page.getByTestId('move-in-4').count()).toBe(0); // the last Linear has no block just above it
    expect(await page.getByTestId('move-out-3').count()).toBe(0); // nor is the Dropout in one
    await page.getByTestId('move-in-3').click();
    await expect.poll(() => outline(page)).toBe('Linear ReLU Residual[Linear ReLU Dropout] Linear');
    expect(await page.getByTestId('layer-2.2').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.getByTestId('shape-2.2').textContent()).toMatch(/128/);
    // Its button inside the block moves it out again, to just after the block.
    await page.getByTestId('move-out-2.2').click();
    await expect.poll(() => outline(page)).toBe('Linear ReLU Residual[Linear ReLU] Dropout Linear');
    expect(await page.getByTestId('layer-3').getAttribute('aria-selected')).toBe('true');

    // The same by keys on the focused card: Alt+→ in, Alt+← out.
    await page.getByTestId('layer-3').focus();
    await page.keyboard.press('Alt+ArrowRight');
    await expect.poll(() => outline(page)).toBe('Linear ReLU Residual[Linear ReLU Dropout] Linear');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-path'))).toBe('2.2');
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(() => outline(page)).toBe('Linear ReLU Residual[Linear ReLU] Dropout Linear');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-path'))).toBe('3');
    // Plain arrows still walk the cards: → enters a block, ← leaves it.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-path'))).toBe('2.0');

    // Out of the block at its first card: it lands right after the block.
    await page.keyboard.press('Alt+ArrowLeft');
    await expect.poll(() => outline(page)).toBe('Linear ReLU Residual[ReLU] Linear Dropout Linear');

    // Nothing is wrong with the model at any point: no card shows an error.
    expect(await page.getByTestId(/^layer-error-/).count()).toBe(0);

    // Each move is one undo step, newest first.
    await page.getByTestId('model-canvas').click({ position: { x: 5, y: 5 } });
    const undone = [
      'Linear ReLU Residual[Linear ReLU] Dropout Linear', // the inner Linear moved out
      'Linear ReLU Residual[Linear ReLU Dropout] Linear', // Alt+←
      'Linear ReLU Residual[Linear ReLU] Dropout Linear', // Alt+→
      'Linear ReLU Residual[Linear ReLU Dropout] Linear', // the out button
      'Linear ReLU Residual[Linear ReLU] Dropout Linear', // the in button
      'Linear ReLU Dropout Linear', // the block from the palette
    ];
    for (const expected of undone) {
      await page.keyboard.press('Control+z');
      await expect.poll(() => outline(page)).toBe(expected);
    }
    expect(problems).toEqual([]);
  });
});
