/**
 * Bring your own pictures, end to end in Chromium against the web host: a
 * generated 3-class colour PNG folder inside the host's root is chosen in the
 * Data view (the web host's prompt), previewed at 16×16 with its classes,
 * counts and skipped file, then the CNN template trains two epochs on it. A
 * long import shows its progress in the Data view and in the Train view, and
 * is cancelled from either; cancelled, it stays so through every other view
 * (Import again brings it back), and a New of the same folder shows one bar
 * for the one import. A saved project whose folder then moved reopens
 * with a banner naming the folder, is pointed at the folder's new place, and
 * trains. A CIFAR-10 binary layout is chosen the same way (its parent
 * folder, as the archive extracts) and previewed. MC-dropout in the Results
 * view, and the Train/Eval view's trace, on a run whose folder the engine no
 * longer holds show the import's bar and Cancel, and Import again.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { enter, haveChromium, startLab, type Lab } from './harness.ts';
import { writeColourFolder } from '../engine/data/image-folder-fixture.ts';
import { writeCifar } from '../engine/data/cifar-layout.ts';

/** Screenshots to look at by eye (DLAB_SHOTS, or the temp folder). */
const SHOTS = process.env.DLAB_SHOTS ?? tmpdir();
const trainState = (page: Page) => page.getByTestId('train-state').evaluate((el) => ['idle', 'starting', 'running', 'paused', 'cancelled', 'done', 'failed'].find((s) => el.classList.contains(s)));
const points = async (page: Page, id: string) => Number(await page.getByTestId(id).getAttribute('data-points'));
/** The engine processes (one per page) of the lab whose checkpoint folder is `checkpoints`. */
function enginePids(checkpoints: string): number[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).filter((n) => {
    try {
      const args = readFileSync(join('/proc', n, 'cmdline'), 'utf8').split('\0');
      return args.some((a) => a.includes('entry.')) && args[args.indexOf('--checkpoints') + 1] === checkpoints;
    } catch {
      return false; // gone since the listing
    }
  }).map(Number);
}
/** In the Data view, picks a source kind and browses for it (the page's prompt answers with the folder). */
async function chooseInDataView(page: Page, kind: 'images' | 'cifar10'): Promise<void> {
  await page.getByTestId('view-data').click();
  await page.getByTestId(`dataset-${kind}`).click();
  await page.getByTestId('dataset-browse').click();
}

describe.runIf(haveChromium)('the Data view with an image folder', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ threads: 1 });
    writeColourFolder(join(lab.root, 'colours'), { red: [220, 30, 30], green: [30, 200, 40], blue: [30, 40, 220] }, 10, 20);
    mkdirSync(join(lab.root, 'colours', 'red'), { recursive: true });
    writeFileSync(join(lab.root, 'colours', 'red', 'broken.png'), 'not a picture');
    // Large enough that its import takes a few seconds: long enough to see progress and cancel it.
    writeColourFolder(join(lab.root, 'many'), { cyan: [30, 200, 200], magenta: [200, 30, 200], yellow: [220, 220, 30] }, 2500, 32);
  }, 240_000);
  afterAll(async () => {
    await lab?.close();
  });

  it('chooses the folder, previews it and trains the CNN template on it', async () => {
    const { page, problems } = await lab.open();
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'colours' : undefined));

    await chooseInDataView(page, 'images');
    await expect.poll(() => page.getByTestId('dataset-shape').textContent(), { timeout: 30_000 }).toBe('3 × 32 × 32');
    await enter(page.getByTestId('dataset-img-size'), '16');
    await expect.poll(() => page.getByTestId('dataset-shape').textContent(), { timeout: 30_000 }).toBe('3 × 16 × 16');
    expect(await page.getByTestId('dataset-size').textContent()).toBe('30');
    const preview = page.getByTestId('dataset-preview');
    for (const name of ['blue', 'green', 'red']) expect(await preview.textContent()).toContain(name);
    const skipped = page.getByTestId('dataset-skipped');
    await skipped.locator('summary').click();
    expect(await skipped.textContent()).toContain('broken.png');

    // The CNN template keeps the chosen folder and adapts to 3×16×16 and 3 classes: nothing to fix.
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-cnn').click();
    await page.getByTestId('view-data').click();
    await expect.poll(() => page.getByTestId('dataset-shape').textContent(), { timeout: 30_000 }).toBe('3 × 16 × 16');
    expect(await page.getByTestId('dataset-mismatch').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'data-view.png') });

    await page.getByTestId('view-train').click();
    await enter(page.getByTestId('setting-epochs'), '2');
    await enter(page.getByTestId('setting-batch'), '8');
    await page.getByTestId('train-start').click();
    await expect.poll(() => trainState(page), { timeout: 120_000, interval: 100 }).toBe('done');
    await expect.poll(() => points(page, 'chart-loss')).toBe(2);
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'data-view-trained.png') });
    expect(problems).toEqual([]);
  }, 300_000);

  it('shows a long import with its progress and ETA, and cancels it', async () => {
    const { page, problems } = await lab.open();
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'many' : undefined));
    await chooseInDataView(page, 'images');
    const bar = page.getByTestId('dataset-import');
    await bar.waitFor({ timeout: 30_000 });
    expect(await bar.textContent()).toMatch(/of 7,500 files/);
    await expect.poll(() => page.getByTestId('dataset-import-eta').textContent(), { timeout: 20_000, interval: 50 }).toMatch(/about \d+s left/);
    await page.screenshot({ path: join(SHOTS, 'data-view-import.png') });
    await page.getByTestId('dataset-import-cancel').click();
    await page.getByTestId('dataset-import-cancelled').waitFor({ timeout: 20_000 });
    expect(await bar.count()).toBe(0);
    expect(await page.getByTestId('dataset-shape').count()).toBe(0);

    // Nothing was kept, so a training start imports the folder again: the Train view shows it, and cancels it.
    await page.getByTestId('view-train').click();
    await page.getByTestId('train-start').click();
    const trainBar = page.getByTestId('dataset-import');
    await trainBar.waitFor({ timeout: 30_000 });
    expect(await trainBar.textContent()).toMatch(/Importing many.*of 7,500 files/);
    await page.screenshot({ path: join(SHOTS, 'train-view-import.png') });
    await page.getByTestId('dataset-import-cancel').click();
    await expect.poll(() => page.getByTestId('train-error').textContent(), { timeout: 20_000 }).toMatch(/import of .*many cancelled/);
    expect(await trainBar.count()).toBe(0);
    expect(await trainState(page)).toBe('failed');
    expect(problems).toEqual([]);
  }, 120_000);

  // Before the New’s test, which lets 'many' import whole (cached, it would show no bar).
  it('keeps a cancelled import cancelled when the view is left and come back to, and shows one bar for one import', async () => {
    const { page, problems } = await lab.open();
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'many' : undefined));
    await chooseInDataView(page, 'images');
    const bar = page.getByTestId('dataset-import');
    await bar.waitFor({ timeout: 30_000 });
    await page.getByTestId('dataset-import-cancel').click();
    const cancelled = page.getByTestId('dataset-import-cancelled');
    await cancelled.waitFor({ timeout: 20_000 });

    // Away (through every other view) and back: still cancelled, with Import again, and no import under way.
    for (const view of ['model', 'train', 'modes', 'results', 'experiments']) {
      await page.getByTestId(`view-${view}`).click();
      // The Train/Eval view would import the data for its sample: it says why it has none and offers Import again.
      if (view === 'modes') expect(await page.getByTestId('modes-import-cancelled').textContent()).toMatch(/Import cancelled.*Import again/);
      if (view === 'modes') await page.screenshot({ path: join(SHOTS, 'modes-import-cancelled.png') });
      await page.waitForTimeout(700);
      expect(await bar.count()).toBe(0);
      await page.getByTestId('view-data').click();
      await cancelled.waitFor({ timeout: 5_000 });
      await page.waitForTimeout(700); // past the preview's debounce, when an import would have started
      expect(await bar.count()).toBe(0);
    }
    expect(await cancelled.textContent()).toMatch(/Import cancelled.*Import again/);
    await page.screenshot({ path: join(SHOTS, 'data-view-import-cancelled.png') });

    // Import again, then a New of the same folder while the Data view still waits for it: one import, one bar.
    await page.getByTestId('dataset-import-again').click();
    await bar.waitFor({ timeout: 30_000 });
    expect(await cancelled.count()).toBe(0);
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-cnn').click();
    await expect.poll(() => page.getByRole('banner').getByTestId('dataset-import').count(), { timeout: 20_000, interval: 50 }).toBe(1);
    await page.waitForTimeout(500);
    expect(await bar.count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'data-view-new-import.png') });
    await page.getByTestId('dataset-import-cancel').click();
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 20_000 }).toMatch(/Could not create a project: import of .*many cancelled/);
    await cancelled.waitFor({ timeout: 20_000 });
    expect(await bar.count()).toBe(0);
    expect(problems).toEqual([]);
  }, 180_000);

  it('shows a New’s import under the New button; its Cancel keeps the project before it, and a New let run makes the CNN', async () => {
    const { page, problems } = await lab.open();
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'many' : undefined));
    expect(await page.getByTestId('layer-0').textContent()).toContain('Linear');
    await chooseInDataView(page, 'images');
    // The preview's import is cancelled first, so nothing is kept and the New imports the folder itself.
    await page.getByTestId('dataset-import').waitFor({ timeout: 30_000 });
    await page.getByTestId('dataset-import-cancel').click();
    await page.getByTestId('dataset-import-cancelled').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('dirty').count()).toBe(1);

    await page.getByTestId('project-new').click();
    await page.getByTestId('template-cnn').click();
    const bar = page.getByTestId('dataset-import');
    await bar.waitFor({ timeout: 30_000 });
    expect(await page.getByRole('banner').getByTestId('dataset-import').count()).toBe(1); // under the New button, in the toolbar
    expect(await bar.textContent()).toMatch(/Importing many.*of 7,500 files/);
    await expect.poll(() => page.getByTestId('dataset-import-eta').textContent(), { timeout: 20_000, interval: 50 }).toMatch(/about \d+s left/);
    await page.screenshot({ path: join(SHOTS, 'new-import.png') });
    await page.getByTestId('dataset-import-cancel').click();
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 20_000 }).toMatch(/Could not create a project: import of .*many cancelled/);
    expect(await bar.count()).toBe(0);
    // The project before is as it was: the view the user was in, its folder, its unsaved changes, its model.
    expect(await page.getByTestId('view-data').getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('dataset-path').inputValue()).toBe('many');
    expect(await page.getByTestId('dirty').count()).toBe(1);
    await page.getByTestId('view-model').click();
    expect(await page.getByTestId('layer-0').textContent()).toContain('Linear');

    // Let run, the New imports all 7,500 pictures and makes the CNN for 3×32×32 and 3 classes.
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-cnn').click();
    await bar.waitFor({ timeout: 30_000 });
    // The user goes to Train/Eval while it imports: once done, the New leaves them there (it used to pull them back to Model).
    await page.getByTestId('view-modes').click();
    await expect.poll(() => bar.count(), { timeout: 180_000, interval: 200 }).toBe(0);
    expect(await page.getByTestId('view-modes').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('view-model').click();
    await expect.poll(() => page.getByTestId('layer-0').textContent(), { timeout: 30_000, interval: 200 }).toContain('Conv2d');
    expect(await page.getByTestId('dirty').count()).toBe(0);
    await page.getByTestId('view-data').click();
    await expect.poll(() => page.getByTestId('dataset-size').textContent(), { timeout: 30_000 }).toBe('7,500');
    expect(await page.getByTestId('dataset-shape').textContent()).toBe('3 × 32 × 32');
    expect(problems).toEqual([]);
  }, 300_000);

  it('reopens a project whose folder moved: says so, keeps its run, and trains once the folder is chosen again', async () => {
    writeColourFolder(join(lab.root, 'pets'), { cats: [200, 120, 40], dogs: [90, 60, 30], fish: [40, 120, 220] }, 8, 16);
    const { page, problems } = await lab.open();
    const answers = ['pets', 'pets.dlab', 'pets.dlab'];
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? answers.shift() : undefined));
    await chooseInDataView(page, 'images');
    await expect.poll(() => page.getByTestId('dataset-size').textContent(), { timeout: 30_000 }).toBe('24');
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-cnn').click();
    await page.getByTestId('view-train').click();
    await enter(page.getByTestId('setting-epochs'), '1');
    await enter(page.getByTestId('setting-batch'), '8');
    await page.getByTestId('train-start').click();
    await expect.poll(() => trainState(page), { timeout: 120_000, interval: 100 }).toBe('done');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(1);
    await page.getByTestId('project-save').click();
    await expect.poll(() => page.getByTestId('dirty').count()).toBe(0);

    renameSync(join(lab.root, 'pets'), join(lab.root, 'pets-moved'));
    await page.reload();
    await page.locator('[data-testid="status"].connected').waitFor();
    await page.getByTestId('project-open').click();
    await expect.poll(() => page.getByTestId('project-title').textContent()).toContain('pets');
    expect(await page.getByTestId('notice').textContent()).toContain(`Its data is not where it was (${join(lab.root, 'pets')})`);
    await page.getByTestId('view-train').click();
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(1);

    await page.getByTestId('view-data').click();
    const banner = page.getByTestId('dataset-missing');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain(`The folder ${join(lab.root, 'pets')} is not there: it may have been moved, renamed or deleted.`);
    expect(await banner.textContent()).toContain('the runs and their weights are all kept');
    expect(await page.getByTestId('dataset-error').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'data-view-missing.png') });

    answers.push('pets-moved');
    await page.getByTestId('dataset-missing-choose').click();
    await expect.poll(() => page.getByTestId('dataset-size').textContent(), { timeout: 30_000 }).toBe('24');
    expect(await banner.count()).toBe(0);
    expect(await page.getByTestId('dataset-path').inputValue()).toBe('pets-moved');
    await page.getByTestId('view-train').click();
    await page.getByTestId('train-start').click();
    await expect.poll(() => trainState(page), { timeout: 120_000, interval: 100 }).toBe('done');
    await expect.poll(() => page.getByTestId('run-row').count()).toBe(2);
    expect(problems).toEqual([]);

    // The same banner in Chinese.
    const zh = await lab.open({ locale: 'zh' });
    zh.page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'pets.dlab' : undefined));
    renameSync(join(lab.root, 'pets-moved'), join(lab.root, 'pets-gone'));
    await zh.page.getByTestId('project-open').click();
    await zh.page.getByTestId('view-data').click();
    await zh.page.getByTestId('dataset-missing').waitFor({ timeout: 30_000 });
    expect(await zh.page.getByTestId('dataset-missing').textContent()).toContain('重新选择文件夹');
    await zh.page.screenshot({ path: join(SHOTS, 'data-view-missing-zh.png') });
    expect(zh.problems).toEqual([]);
  }, 300_000);

  it('chooses a CIFAR-10 layout through the prompt and previews its pictures, classes and counts', async () => {
    // 5 batches of 20 records and a test batch, every picture its class's colour: red 25·label, green 255 − 25·label, blue 100.
    const NAMES = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
    const batch = (k: number) => Array.from({ length: 20 }, (_, i) => (i + k) % 10);
    const colour = (_r: number, j: number, y: number) => [25 * y, 255 - 25 * y, 100][Math.floor(j / 1024)];
    writeCifar(join(lab.root, 'downloads', 'cifar-10-batches-bin'), 'cifar10', {
      'data_batch_1.bin': batch(0), 'data_batch_2.bin': batch(1), 'data_batch_3.bin': batch(2), 'data_batch_4.bin': batch(3), 'data_batch_5.bin': batch(4), 'test_batch.bin': batch(5),
    }, NAMES, colour);
    const { page, problems } = await lab.open();
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'downloads' : undefined));
    await chooseInDataView(page, 'cifar10');
    await expect.poll(() => page.getByTestId('dataset-size').textContent(), { timeout: 30_000 }).toBe('100');
    expect(await page.getByTestId('dataset-shape').textContent()).toBe('3 × 32 × 32');
    const tiles = page.getByTestId('preview-images').locator('figure');
    expect(await tiles.count()).toBe(48);
    const captions = await tiles.locator('figcaption').allTextContents();
    expect(new Set(captions)).toEqual(new Set(NAMES));
    // Each tile shows its class's colour, so labels and the planes' order (red, green, blue) came through.
    const firstOf = async (name: string) => tiles.nth(captions.indexOf(name)).locator('canvas').evaluate((c) => [...(c as HTMLCanvasElement).getContext('2d')!.getImageData(5, 5, 1, 1).data]);
    expect(await firstOf('plane')).toEqual([0, 255, 100, 255]);
    expect(await firstOf('truck')).toEqual([225, 30, 100, 255]);

    // One colour per class in the whole view: each tile's swatch is the colour of its class's bar, and the ten differ.
    const background = (el: Locator) => el.evaluate((e) => getComputedStyle(e).backgroundColor);
    const bars = page.getByTestId('class-counts').locator('li');
    expect(await bars.locator('.name').allTextContents()).toEqual(NAMES);
    const colours = async () => {
      const out: string[] = [];
      for (const [k, name] of NAMES.entries()) {
        const bar = await background(bars.nth(k).getByTestId('class-bar'));
        expect(await background(tiles.nth(captions.indexOf(name)).getByTestId('class-swatch')), name).toBe(bar);
        out.push(bar);
      }
      return out;
    };
    const light = await colours();
    expect(new Set(light).size).toBe(10);
    // plane: the theme's first series colour (#2563eb); ship and truck: Tableau 10's olive and cyan.
    expect([light[0], light[8], light[9]]).toEqual(['rgb(37, 99, 235)', 'rgb(188, 189, 34)', 'rgb(23, 190, 207)']);
    await page.screenshot({ path: join(SHOTS, 'data-view-cifar10.png') });
    // The theme's colours follow a theme change, bars and swatches alike (dark: #60a5fa).
    await page.getByTestId('theme-toggle').click();
    await expect.poll(async () => (await colours())[0]).toBe('rgb(96, 165, 250)');
    await page.screenshot({ path: join(SHOTS, 'data-view-cifar10-dark.png') });
    expect(problems).toEqual([]);
  }, 120_000);
  it('imports a run’s folder the engine no longer holds with a bar and Cancel in MC-dropout and in the Train/Eval view, and Import again answers', async () => {
    writeColourFolder(join(lab.root, 'mc-pics'), { cyan: [30, 200, 200], magenta: [200, 30, 200], yellow: [220, 220, 30] }, 2500, 16);
    const before = enginePids(lab.checkpoints);
    const { page, problems } = await lab.open();
    const [pid] = enginePids(lab.checkpoints).filter((p) => !before.includes(p));
    expect(pid, 'the page’s engine process').toBeGreaterThan(0);
    page.on('dialog', (d) => void d.accept(d.type() === 'prompt' ? 'mc-pics' : undefined));
    await chooseInDataView(page, 'images');
    await expect.poll(() => page.getByTestId('dataset-size').textContent(), { timeout: 60_000 }).toBe('7,500');
    await enter(page.getByTestId('dataset-img-size'), '8');
    await expect.poll(() => page.getByTestId('dataset-shape').textContent(), { timeout: 60_000 }).toBe('3 × 8 × 8');
    await page.getByTestId('project-new').click();
    await page.getByTestId('template-cnn').click();
    await page.getByTestId('view-train').click();
    await enter(page.getByTestId('setting-epochs'), '1');
    await enter(page.getByTestId('setting-batch'), '64');
    await page.getByTestId('train-start').click();
    await expect.poll(() => trainState(page), { timeout: 120_000, interval: 100 }).toBe('done');
    await page.getByTestId('view-results').click();
    const panel = page.getByTestId('mc-panel');
    await panel.waitFor({ timeout: 60_000 });

    // The engine loses the pictures: its decoded copy on disk is gone and it restarts (its memory with it).
    rmSync(join(lab.checkpoints, 'datasets'), { recursive: true, force: true });
    process.kill(pid, 'SIGKILL');
    await expect.poll(() => page.locator('[data-testid="status"].connected').count(), { timeout: 60_000 }).toBe(0);
    await page.locator('[data-testid="status"].connected').waitFor({ timeout: 60_000 });

    await page.getByTestId('mc-run').click();
    const bar = panel.getByTestId('dataset-import');
    await bar.waitFor({ timeout: 30_000 });
    expect(await bar.textContent()).toMatch(/Importing mc-pics.*of 7,500 files/);
    await expect.poll(() => panel.getByTestId('dataset-import-eta').textContent(), { timeout: 20_000, interval: 50 }).toMatch(/about \d+s left/);
    expect(await panel.getByTestId('mc-progress').count()).toBe(0); // one bar: the import's, not the passes' too
    await panel.screenshot({ path: join(SHOTS, 'results-mc-import.png') });
    await panel.getByTestId('dataset-import-cancel').click();
    const cancelled = panel.getByTestId('mc-import-cancelled');
    await cancelled.waitFor({ timeout: 20_000 });
    expect(await cancelled.textContent()).toMatch(/Import cancelled.*no pass ran.*Import again/);
    expect(await bar.count()).toBe(0);
    expect(await panel.getByTestId('mc-cancelled').count()).toBe(0);
    await panel.screenshot({ path: join(SHOTS, 'results-mc-import-cancelled.png') });

    await panel.getByTestId('mc-import-again').click();
    await bar.waitFor({ timeout: 30_000 });
    await expect.poll(() => panel.textContent(), { timeout: 120_000 }).toMatch(/The \d+ most uncertain of [\d,]+ samples, 30 passes each/);
    expect([await cancelled.count(), await bar.count()]).toEqual([0, 0]);
    await panel.screenshot({ path: join(SHOTS, 'results-mc-imported.png') });

    // Again lost; now the Train/Eval view traces a sample of the run: the same bar, Cancel and Import again.
    rmSync(join(lab.checkpoints, 'datasets'), { recursive: true, force: true });
    const [pid2] = enginePids(lab.checkpoints).filter((p) => !before.includes(p));
    expect(pid2, 'the restarted engine process').toBeGreaterThan(0);
    process.kill(pid2, 'SIGKILL');
    await expect.poll(() => page.locator('[data-testid="status"].connected').count(), { timeout: 60_000 }).toBe(0);
    await page.locator('[data-testid="status"].connected').waitFor({ timeout: 60_000 });
    await page.getByTestId('view-modes').click();
    const modes = page.locator('section.modes');
    const modesBar = modes.getByTestId('dataset-import');
    await modesBar.waitFor({ timeout: 30_000 });
    expect(await modesBar.textContent()).toMatch(/Importing mc-pics.*of 7,500 files/);
    await expect.poll(() => modes.getByTestId('dataset-import-eta').textContent(), { timeout: 20_000, interval: 50 }).toMatch(/about \d+s left/);
    await page.screenshot({ path: join(SHOTS, 'modes-import.png') });
    await modes.getByTestId('dataset-import-cancel').click();
    const modesCancelled = modes.getByTestId('modes-import-cancelled');
    await modesCancelled.waitFor({ timeout: 20_000 });
    expect(await modesCancelled.textContent()).toMatch(/Import cancelled.*no sample to show.*Import again/);
    expect([await modesBar.count(), await modes.locator('[role="alert"]').count(), await modes.getByTestId('run-history').locator('li').count()]).toEqual([0, 0, 0]);
    // Nothing is imported behind the user's back: Run again asks nothing.
    await page.getByTestId('run-again').click();
    await page.waitForTimeout(500);
    expect(await modesBar.count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'modes-import-cancelled.png') });

    await modes.getByTestId('modes-import-again').click();
    await modesBar.waitFor({ timeout: 30_000 });
    await expect.poll(() => modes.getByTestId('run-history').locator('li').count(), { timeout: 120_000 }).toBe(1);
    expect([await modesCancelled.count(), await modesBar.count()]).toEqual([0, 0]);
    expect(await modes.getByTestId('sample-index').getAttribute('max')).toBe(String(7500 - 1));
    // MC-dropout on the sample reads the imported pictures from the engine's cache: no bar.
    await modes.getByTestId('mc-predict').click();
    await modes.getByTestId('mc-predict-result').waitFor({ timeout: 60_000 });
    expect(await modesBar.count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'modes-imported.png') });
    expect(problems).toEqual([]);
  }, 420_000);

  it('gives a class its bar’s colour in the points plot and the token rows too', async () => {
    const { page, problems } = await lab.open();
    await page.getByTestId('view-data').click();
    const bars = page.getByTestId('class-counts').locator('li');
    const barColours = async () => {
      const out = new Map<string, string>();
      for (const li of await bars.all()) out.set((await li.locator('.name').textContent()) ?? '', await li.getByTestId('class-bar').evaluate((e) => getComputedStyle(e).backgroundColor));
      return out;
    };
    // The spiral's points: each class's bar colour is drawn on the canvas (a CSS variable would not be: a canvas cannot read one).
    await page.getByTestId('dataset-spiral').click();
    const plot = page.getByTestId('preview-points').locator('canvas');
    await plot.waitFor({ timeout: 30_000 });
    await expect.poll(() => bars.count()).toBeGreaterThan(1);
    const rgb = (css: string) => (css.match(/\d+/g) ?? []).slice(0, 3).map(Number);
    const drawn = (colours: number[][]) => plot.evaluate((c, want) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      return want.map((w) => {
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && Math.abs(d[i] - w[0]) <= 2 && Math.abs(d[i + 1] - w[1]) <= 2 && Math.abs(d[i + 2] - w[2]) <= 2) n++;
        return n;
      });
    }, colours);
    const spiral = [...(await barColours()).values()];
    expect(new Set(spiral).size).toBe(spiral.length);
    await expect.poll(async () => Math.min(...(await drawn(spiral.map(rgb))))).toBeGreaterThan(20);

    // The sequence task's rows: each row's swatch is its class's bar colour.
    await page.getByTestId('dataset-sequence').click();
    const rows = page.getByTestId('preview-tokens').locator('li');
    await rows.first().waitFor({ timeout: 30_000 });
    const byName = await barColours();
    expect(byName.size).toBeGreaterThan(1);
    for (const row of (await rows.all()).slice(0, 8)) {
      const name = (await row.locator('.label').textContent()) ?? '';
      expect(await row.getByTestId('class-swatch').evaluate((e) => getComputedStyle(e).backgroundColor), name).toBe(byName.get(name));
    }
    await page.screenshot({ path: join(SHOTS, 'data-view-tokens.png') });
    expect(problems).toEqual([]);
  }, 120_000);
});
