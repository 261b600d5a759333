/**
 * Issue #19: a layer dropped on the canvas's free area, below the cards, or on
 * the Output box lands at the end of the model, and while the pointer is there
 * the same drop indicator shows as over the cards. A pointer drag in small
 * steps, as a mouse makes, in Chromium against the real web host and engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dragToPoint, haveChromium, startLab, type Lab } from './harness.ts';

/** The kinds of the top-level cards, in order. */
const kinds = (page: Page) =>
  page.getByTestId('model-canvas').evaluate((canvas) =>
    [...canvas.querySelectorAll('[role="listbox"] > [data-path]')].map((slot) => slot.querySelector(':scope > .card .kind')?.textContent ?? '?').join(' '));

/** Where the drop indicator stands in the top-level list ('last' after every card), or null when none shows. */
const indicator = (page: Page) =>
  page.getByTestId('model-canvas').evaluate((canvas) => {
    const list = canvas.querySelector('[role="listbox"]');
    const slot = list?.querySelector(':scope > .incoming');
    if (!list || !slot) return null;
    const r = slot.getBoundingClientRect();
    const output = canvas.querySelector('[data-testid="model-totals"]')!.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(slot).visibility !== 'visible') return null;
    // Seen: the list's drop outline is drawn (around the cards), and the placeholder sits above the Output box.
    const outlined = getComputedStyle(list.parentElement!).outlineStyle === 'dashed';
    return { text: slot.textContent?.trim() ?? '', last: list.lastElementChild === slot, aboveOutput: r.bottom <= output.top, outlined };
  });

describe.runIf(haveChromium)('dropping a layer off the cards in Chromium', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ threads: 1 });
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
  });

  it('appends a layer dropped on the free canvas below the cards and one dropped on the Output box, showing where it goes', async () => {
    const { page, problems } = await lab.open();
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-mlp').click();
    await expect.poll(() => kinds(page)).toBe('Linear ReLU Dropout Linear');

    // The free canvas: below the Output box, near the bottom of the view.
    const canvas = (await page.getByTestId('model-canvas').boundingBox())!;
    const output = (await page.getByTestId('model-totals').boundingBox())!;
    const free = { x: output.x + output.width / 2, y: canvas.y + canvas.height - 30 };
    expect(free.y - (output.y + output.height)).toBeGreaterThan(60); // truly below everything
    let seen: Awaited<ReturnType<typeof indicator>> = null;
    await dragToPoint(page, page.getByTestId('palette-GELU'), free, async () => void (seen = await indicator(page)));
    expect(seen).toEqual({ text: 'Insert GELU here', last: true, aboveOutput: true, outlined: true });
    await expect.poll(() => kinds(page)).toBe('Linear ReLU Dropout Linear GELU');

    // The Output box itself.
    const box = (await page.getByTestId('model-totals').boundingBox())!;
    seen = null;
    await dragToPoint(page, page.getByTestId('palette-Dropout'), { x: box.x + box.width / 2, y: box.y + box.height / 2 }, async () => void (seen = await indicator(page)));
    expect(seen).toEqual({ text: 'Insert Dropout here', last: true, aboveOutput: true, outlined: true });
    await expect.poll(() => kinds(page)).toBe('Linear ReLU Dropout Linear GELU Dropout');
    await expect.poll(() => page.getByTestId('model-output').textContent()).toMatch(/2/);

    // Each drop is one undo step.
    await page.getByTestId('undo').click();
    await expect.poll(() => kinds(page)).toBe('Linear ReLU Dropout Linear GELU');
    expect(problems).toEqual([]);
  });
});
