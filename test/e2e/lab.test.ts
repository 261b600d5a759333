/**
 * Issue #7's acceptance, acting as a user in Debian's Chromium against the
 * real web host and engine process: start from the MLP template, drag a
 * Dropout in after the first ReLU, edit p, train 3 epochs on the spiral while
 * the charts grow and the progress bar moves, pause and resume, see eval-mode
 * runs repeat and train-mode runs differ, save, reload, reopen and find the
 * run and its curves, undo an edit. No page error and no CSP violation on the
 * way.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dragTo, enter, haveChromium, startLab, type Lab } from './harness.ts';

const points = async (page: Page, id: string) => Number(await page.getByTestId(id).getAttribute('data-points'));
const progressValue = (page: Page) => page.getByTestId('train-progress').evaluate((el) => (el as HTMLProgressElement).value);
/** The trainer state the badge shows (its class names the state, whatever the language). */
const trainState = (page: Page) => page.getByTestId('train-state').evaluate((el) => ['idle', 'starting', 'running', 'paused', 'cancelled', 'done', 'failed'].find((s) => el.classList.contains(s)));
const cards = (page: Page) => page.getByTestId(/^layer-\d+$/);

// One retry: once in about ten parallel runs on a loaded 2-core machine the long walk-through failed early and
// did not fail again; a retry repeats every step and every assertion from a fresh page.
describe.runIf(haveChromium)('the lab in Chromium, used as a person would', { retry: 1 }, () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ threads: 1 });
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
  });

  it('builds, trains, switches train/eval, saves, reopens and undoes', async () => {
    const { page, problems } = await lab.open();
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'e2e-spiral.dlab' : undefined));

    // The MLP template on the spiral: Linear(2,128), ReLU, Dropout, Linear(128,2).
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-mlp').click();
    await expect.poll(() => cards(page).count()).toBe(4);
    await expect.poll(() => page.getByTestId('model-params').textContent()).toMatch(/642/); // 2·128+128 + 128·2+2

    // Drag a Dropout from the palette to just after the first ReLU.
    await dragTo(page, page.getByTestId('palette-Dropout'), page.getByTestId('layer-2'), 'top');
    await expect.poll(() => cards(page).count()).toBe(5);
    const inserted = page.getByTestId('layer-2');
    expect(await inserted.textContent()).toContain('Dropout');
    await expect.poll(() => page.getByTestId('shape-2').textContent()).toMatch(/128/);
    expect(await inserted.textContent()).toMatch(/\b0\b/); // no parameters
    expect(await page.getByTestId('layer-1').textContent()).toContain('ReLU');

    // Edit its p in the inspector; a value outside [0, 1) is refused.
    await inserted.click();
    const p = page.getByTestId('inspector').getByTestId('arg-p');
    await p.fill('1.5');
    expect(await p.getAttribute('aria-invalid')).toBe('true');
    await p.fill('0.3');
    await expect.poll(() => inserted.textContent()).toMatch(/0\.3/);

    // Enough work that three epochs take a few seconds even on the fast kernels: 60,000 points, batches of 2 (72,000 steps).
    await page.getByTestId('view-data').click();
    await enter(page.getByTestId('dataset-opt-samples'), '60000');
    await page.getByTestId('view-train').click();
    await enter(page.getByTestId('setting-epochs'), '3');
    await enter(page.getByTestId('setting-batch'), '2');
    await enter(page.getByTestId('setting-lr'), '0.001'); // tens of thousands of small steps at the template's 0.01 can kill every ReLU

    await page.getByTestId('train-start').click();
    // Pause as soon as the bar has moved: it holds still; resume: it moves on while the charts grow.
    await expect.poll(async () => (await trainState(page)) === 'running' && (await progressValue(page)) > 0, { timeout: 60_000, interval: 20 }).toBe(true);
    await page.getByTestId('train-pause').click();
    await expect.poll(() => trainState(page), { timeout: 20_000 }).toBe('paused');
    const held = await progressValue(page);
    await page.waitForTimeout(600);
    expect(await progressValue(page)).toBe(held);
    expect(held).toBeLessThan(0.5);
    await page.getByTestId('train-resume').click();
    const seenProgress = new Set<number>();
    const seenSteps = new Set<number>();
    const seenEpochs = new Set<number>();
    await expect.poll(async () => {
      seenProgress.add(await progressValue(page));
      seenSteps.add(await points(page, 'chart-steps'));
      seenEpochs.add(await points(page, 'chart-loss'));
      return trainState(page);
    }, { timeout: 120_000, interval: 50 }).toBe('done');
    expect(seenProgress.size, 'distinct progress values seen while training').toBeGreaterThanOrEqual(3);
    expect(seenSteps.size, 'distinct per-step chart sizes seen while training').toBeGreaterThanOrEqual(3);
    expect(seenEpochs.size, 'distinct per-epoch chart sizes seen while training').toBeGreaterThanOrEqual(2);
    expect(await progressValue(page)).toBe(1);
    await expect.poll(() => points(page, 'chart-loss')).toBe(3);
    await expect.poll(() => points(page, 'chart-accuracy')).toBe(3);
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(1); // the run joins once the engine has recorded and journaled it

    // Every chart leaves as PNG, the metrics table as CSV (#9).
    const download = async (testid: string) => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
      return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
    };
    const png = await download('chart-loss-export');
    expect(png.name).toMatch(/\.png$/);
    expect([...png.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const csv = await download('metrics-csv');
    const lines = csv.bytes.toString('utf8').trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^epoch,train_loss,/);
    expect(lines).toHaveLength(4);

    // Results: the confusion matrix, then File › Export's panel writes the PyTorch files into the web host's folder.
    await page.getByTestId('view-results').click();
    await page.getByTestId('results-confusion').waitFor();
    await page.getByTestId('export-dir').fill('exported');
    await page.getByTestId('export-run').click();
    await expect.poll(() => page.getByTestId('export-files').textContent(), { timeout: 30_000 }).toContain('model.py');
    for (const f of ['model.py', 'weights.safetensors', 'train.py', 'README.md']) expect(existsSync(join(lab.root, 'exported', f)), f).toBe(true);

    // Train/Eval: eval runs repeat exactly, train runs draw new masks.
    await page.getByTestId('view-modes').click();
    const toggle = page.getByTestId('mode-toggle');
    if (!/eval/i.test((await toggle.textContent()) ?? '')) await toggle.click();
    await expect.poll(() => toggle.textContent()).toMatch(/eval/i);
    const twoRuns = async () => {
      const before = await page.getByTestId('run-output').count();
      await page.getByTestId('run-again').click();
      await page.getByTestId('run-again').click();
      await expect.poll(() => page.getByTestId('run-output').count()).toBeGreaterThanOrEqual(Math.min(before + 2, 6));
      await page.waitForTimeout(300);
      return (await page.getByTestId('run-output').allTextContents()).slice(-2);
    };
    const [e1, e2] = await twoRuns();
    expect(e1).toBe(e2);
    await toggle.click();
    await expect.poll(() => toggle.textContent()).toMatch(/train/i);
    const [t1, t2] = await twoRuns();
    expect(t1).not.toBe(t2);

    // Save (the web host asks for a name), reload, reopen from Recent (the web host's list): the run and its curves are there.
    await page.getByTestId('project-save').click();
    await expect.poll(() => page.getByTestId('dirty').count()).toBe(0);
    await page.reload();
    await page.locator('[data-testid="status"].connected').waitFor();
    await page.getByTestId('project-recent').click();
    await page.getByRole('menuitem', { name: /e2e-spiral/ }).click();
    await expect.poll(() => page.getByTestId('project-title').textContent()).toContain('e2e-spiral');
    await page.getByTestId('view-train').click();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(1);
    await page.getByTestId('run-show').first().click();
    await expect.poll(() => points(page, 'chart-loss')).toBe(3);
    expect(await points(page, 'chart-steps')).toBeGreaterThan(100);

    // The model came back with p = 0.3; an edit, then undo brings it back.
    await page.getByTestId('view-model').click();
    const card = page.getByTestId('layer-2');
    expect(await card.textContent()).toMatch(/0\.3/);
    await card.click();
    await page.getByTestId('inspector').getByTestId('arg-p').fill('0.6');
    await expect.poll(() => card.textContent()).toMatch(/0\.6/);
    await page.getByTestId('model-canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => card.textContent()).toMatch(/0\.3/);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => card.textContent()).toMatch(/0\.6/);

    expect(problems).toEqual([]);
    await page.close();
  });

  it('unsaved work survives a closed tab: the next start offers the recovery copy and restores it', async () => {
    const first = await lab.open();
    await first.page.getByTestId('layer-2').click();
    await first.page.getByTestId('inspector').getByTestId('arg-p').fill('0.45');
    await expect.poll(() => first.page.getByTestId('layer-2').textContent()).toMatch(/0\.45/);
    await first.page.waitForTimeout(500); // the engine journals the edit as it handles it; let the request get there
    await first.page.close();

    const { page, problems } = await lab.open({ fresh: false });
    await page.getByTestId('recovery').waitFor();
    expect(await page.getByTestId('layer-2').textContent()).toMatch(/0\.5/); // a new project until restored
    await page.getByTestId('recovery').getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => page.getByTestId('layer-2').textContent()).toMatch(/0\.45/);
    expect(await page.getByTestId('dirty').count()).toBe(1);
    expect(await page.getByTestId('recovery').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a damaged recovery copy is refused with a message and the open project is left alone', async () => {
    const first = await lab.open();
    await first.page.close();
    // A journal left by an engine that is gone (no process has this pid), holding a document that is not a project.
    const journal = { format: 'dropout-lab-journal', version: 2, session: 'gone', pid: 2 ** 22 + 17, scope: `root:${lab.root}`, path: null, dirty: true, saved_at: '2026-11-26T10:00:00Z', doc: { format: 'dropout-lab-project', version: 1, model: 'garbage' }, runs: [] };
    mkdirSync(join(lab.checkpoints, 'recovery', 'gone'), { recursive: true });
    writeFileSync(join(lab.checkpoints, 'recovery', 'gone', 'journal.json'), JSON.stringify(journal));
    const { page } = await lab.open({ fresh: false });
    await page.getByTestId('recovery').getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/Could not restore the project:.*model/);
    expect(await cards(page).count()).toBe(4);
    expect(existsSync(join(lab.checkpoints, 'recovery', 'gone'))).toBe(false);
    await page.close();
  });

  it('a page without the token is told how to get in and the engine stays closed to it', async () => {
    const page = await lab.browser.newPage();
    await page.goto(lab.host.url.replace(/#.*/, ''));
    await expect.poll(() => page.locator('footer').textContent()).toContain('no token');
    await page.close();
  });
});
