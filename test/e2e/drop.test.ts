/**
 * Files dropped on the lab in a browser tab (the web host): a tab never learns
 * where a dropped file lives and the engine reads files by path, so the lab
 * says so, in the user's language, and changes nothing. The model editor's own
 * drags (no files) are left alone: blocks.test.ts drags cards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, startLab, type Lab } from './harness.ts';

describe.runIf(haveChromium)('dropping files in a browser tab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab();
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
  });

  it('explains that dropped files cannot be opened here', async () => {
    const { page, problems } = await lab.open({ locale: 'zh' });
    const title = await page.getByTestId('project-title').textContent();
    // What a drag from a file manager delivers: dragover (refused unless prevented), then drop.
    const handled = await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['a,b\n1,2\n'], 'iris.csv', { type: 'text/csv' }));
      const over = new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true });
      document.body.dispatchEvent(over);
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      return over.defaultPrevented;
    });
    expect(handled).toBe(true);
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/浏览器标签页无法按路径读取拖入的文件/);
    expect(await page.getByTestId('project-title').textContent()).toBe(title);
    expect(problems).toEqual([]);
  });
});
