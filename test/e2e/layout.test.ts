/**
 * Issue #19: the lab's layouts hold on a 1280×720 laptop screen. Every view,
 * in English and Chinese, after a run and a small sweep have filled the
 * tables and charts: the page does not scroll sideways, nothing in the view
 * spills out of its box or is cut off by it, no box that scrolls does so
 * sideways, and no table cell wraps its line (the LR cell did: "1.00e-" / "3").
 * Ellipsised text is cut on purpose and not counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { enter, haveChromium, startLab, type Lab } from './harness.ts';

const VIEWS = ['model', 'data', 'train', 'modes', 'results', 'experiments'] as const;

/** What breaks the layout in the shown view, one line each (empty when it holds). */
function problems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) out.push(`the page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
    const view = document.querySelector('main.content');
    if (!view) return ['no view'];
    const name = (el: Element) => {
      const id = el.getAttribute('data-testid');
      const cls = typeof el.className === 'string' ? el.className.split(/\s+/).filter((c) => c && !c.startsWith('svelte-')).join('.') : '';
      return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}${cls ? `.${cls}` : ''}`;
    };
    for (const el of view.querySelectorAll('*')) {
      // Not rendered, or decoration (the arrows between cards reach a few px past their 1px line by design).
      if (!(el instanceof HTMLElement) || el.offsetParent === null || el.closest('[aria-hidden="true"]')) continue;
      const s = getComputedStyle(el);
      const over = el.scrollWidth - el.clientWidth;
      if (over > 1 && el.clientWidth > 0 && s.display !== 'inline') {
        const ellipsis = s.textOverflow === 'ellipsis' && s.overflowX !== 'visible' && s.overflowX !== 'auto' && s.overflowX !== 'scroll';
        if (s.overflowX === 'auto' || s.overflowX === 'scroll') out.push(`${name(el)} scrolls sideways by ${over}px`);
        else if (!ellipsis && s.overflowX !== 'visible') out.push(`${name(el)} cuts off ${over}px`);
        else if (s.overflowX === 'visible') out.push(`${name(el)} spills ${over}px out of its box`);
      }
      if (el.tagName === 'TD' || el.tagName === 'TH') {
        // A wrapped line: one text node laid out on more than one line (stacked blocks in a cell are not wraps).
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!n.textContent?.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push(`${name(el)} "${n.textContent.trim()}" wraps onto ${lines.size} lines`);
        }
      }
    }
    return out;
  });
}

describe.runIf(haveChromium)('layouts at 1280×720', { timeout: 300_000 }, () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ viewport: { width: 1280, height: 720 }, threads: 2 });
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
  });

  it.each(['en', 'zh'] as const)('every view holds in %s', async (locale) => {
    const { page, problems: pageErrors } = await lab.open({ locale });
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-mlp').click();
    await page.getByTestId('layer-0').waitFor();
    // A run fills the Train view's tables and charts, Train/Eval and Results.
    await page.getByTestId('view-train').click();
    await enter(page.getByTestId('setting-epochs'), '30');
    await page.getByTestId('train-start').click();
    await page.locator('[data-testid="train-state"].done').waitFor({ timeout: 120_000 });
    // A small sweep fills Experiments' table and charts.
    await page.getByTestId('view-experiments').click();
    await enter(page.getByTestId('sweep-p'), '0, 0.5');
    await enter(page.getByTestId('sweep-seeds'), '1');
    await enter(page.getByTestId('sweep-epochs'), '10');
    await page.getByTestId('sweep-start').click();
    await page.locator('[data-testid="sweep-state"].done').waitFor({ timeout: 120_000 });

    const found: Record<string, string[]> = {};
    for (const view of VIEWS) {
      await page.getByTestId(`view-${view}`).click();
      await page.waitForTimeout(700); // charts and traces drawn
      found[view] = await problems(page);
    }
    expect(found).toEqual(Object.fromEntries(VIEWS.map((v) => [v, []])));
    expect(pageErrors).toEqual([]);
  });
});
