/**
 * The exported train.py is the lab's training loop: from the same initial
 * weights, on the exported split, with the lab's shuffling (and augmentation)
 * reproduced, one epoch with dropout at 0 gives the lab's per-step losses
 * within 1e-4; under torchrun with two gloo processes it completes and still
 * follows the lab (gradients are averaged over an even split of each batch).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../engine/nn/spec.ts';
import type { DatasetChoice } from '../../engine/data/catalog.ts';
import { loadDataset } from '../../engine/data/catalog.ts';
import { nodeFiles } from '../../engine/io/node-files.ts';
import { newProject } from '../../engine/project/project.ts';
import { Trainer } from '../../engine/train/trainer.ts';
import { TrainingSettingsSchema } from '../../engine/train/settings.ts';
import { exportPytorch, exportSource } from '../../engine/export/pytorch.ts';
import { python, tempDir, torchMissing, writeFiles } from './helpers.ts';
import { writePng } from '../engine/data/image-folder-fixture.ts';

interface Case {
  name: string;
  spec: ModelSpec;
  dataset: DatasetChoice;
  training: Record<string, unknown>;
}

const cases: Case[] = [
  {
    name: 'MLP on spiral, SGD with Nesterov momentum, weight decay, StepLR, gradient clipping',
    spec: { input_shape: [2], layers: [
      { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 32 },
      { kind: 'ReLU', name: 'relu' },
      { kind: 'Dropout', name: 'dropout', p: 0 },
      { kind: 'Linear', name: 'fc2', in_features: 32, out_features: 2 },
    ] },
    dataset: { id: 'spiral', samples: 400, seed: 0 },
    training: { epochs: 1, batch_size: 32, seed: 5, optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true }, weight_decay: 1e-3, lr_schedule: { type: 'step', step_size: 1, gamma: 0.5 }, grad_clip: 1 },
  },
  {
    name: 'small CNN on bundled MNIST bytes, Adam, label smoothing, shift/flip/noise augmentation',
    spec: { input_shape: [1, 28, 28], layers: [
      { kind: 'Conv2d', name: 'conv', in_channels: 1, out_channels: 4, kernel_size: 3, padding: 1 },
      { kind: 'ReLU', name: 'relu' },
      { kind: 'MaxPool2d', name: 'pool', kernel_size: 2 },
      { kind: 'Dropout2d', name: 'drop2d', p: 0 },
      { kind: 'Flatten', name: 'flatten' },
      { kind: 'Linear', name: 'fc', in_features: 4 * 14 * 14, out_features: 10 },
    ] },
    dataset: { id: 'mnist' },
    training: { epochs: 1, batch_size: 50, seed: 2, optimizer: { type: 'adam', lr: 1e-3 }, label_smoothing: 0.1, split: { val_fraction: 0.1, test_fraction: 0.1, train_fraction: 0.04 }, augment: { shift: 2, hflip: true, noise: 0.1 } },
  },
  {
    name: 'CNN on a 3×12×12 colour image folder, per-channel normalisation, random crop (pad 4) and horizontal flip',
    spec: { input_shape: [3, 12, 12], layers: [
      { kind: 'Conv2d', name: 'conv', in_channels: 3, out_channels: 6, kernel_size: 3, padding: 1 },
      { kind: 'ReLU', name: 'relu' },
      { kind: 'MaxPool2d', name: 'pool', kernel_size: 2 },
      { kind: 'Dropout2d', name: 'drop2d', p: 0 },
      { kind: 'Flatten', name: 'flatten' },
      { kind: 'Linear', name: 'fc', in_features: 6 * 6 * 6, out_features: 3 },
    ] },
    dataset: { id: 'images', path: colourFolder(), size: 12, gray: false },
    training: { epochs: 1, batch_size: 8, seed: 7, optimizer: { type: 'adam', lr: 3e-3 }, augment: { shift: 4, hflip: true, noise: 0 } },
  },
  {
    name: 'Transformer on the sequence task (token ids, no normalisation), Adam',
    spec: { input_shape: [8], layers: [
      { kind: 'Embedding', name: 'embed', num_embeddings: 8, embedding_dim: 16 },
      { kind: 'LearnedPositionalEmbedding', name: 'pos', max_len: 8, embedding_dim: 16 },
      { kind: 'TransformerEncoderBlock', name: 'block', d_model: 16, nhead: 2, dim_feedforward: 32, dropout: 0 },
      { kind: 'SequenceMean', name: 'pool' },
      { kind: 'Linear', name: 'head', in_features: 16, out_features: 2 },
    ] },
    dataset: { id: 'sequence', samples: 300, length: 8, vocab: 8, seed: 0 },
    training: { epochs: 1, batch_size: 32, seed: 1, optimizer: { type: 'adam', lr: 3e-3 } },
  },
  {
    name: 'regression (MSE) on a sine curve',
    spec: { input_shape: [1], layers: [
      { kind: 'Linear', name: 'fc1', in_features: 1, out_features: 32 },
      { kind: 'Tanh', name: 'tanh' },
      { kind: 'Linear', name: 'fc2', in_features: 32, out_features: 1 },
    ] },
    dataset: { id: 'sine', samples: 200, noise: 0.1, seed: 0 },
    training: { epochs: 1, batch_size: 16, seed: 4, optimizer: { type: 'sgd', lr: 0.05, momentum: 0.5 } },
  },
  {
    name: 'CSV file with named classes, standardised per feature',
    spec: { input_shape: [3], layers: [
      { kind: 'Linear', name: 'fc1', in_features: 3, out_features: 8 },
      { kind: 'ReLU', name: 'relu' },
      { kind: 'Linear', name: 'fc2', in_features: 8, out_features: 3 },
    ] },
    dataset: { id: 'csv', path: csvFile() },
    training: { epochs: 1, batch_size: 10, seed: 6, optimizer: { type: 'adam', lr: 0.01 } },
  },
];

/** A small CSV: three numeric features on different scales and a text label. */
function csvFile(): string {
  const path = join(tempDir('csv'), 'flowers.csv');
  const rows = ['width,height,weight,kind'];
  for (let i = 0; i < 90; i++) {
    const k = i % 3;
    rows.push(`${(1 + k + ((i * 7) % 10) / 10).toFixed(2)},${(20 * k + ((i * 13) % 17)).toFixed(1)},${(300 - 50 * k + ((i * 31) % 40)).toFixed(0)},${['rose', 'tulip', 'iris'][k]}`);
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

/**
 * Three classes of 12×12 RGB pictures, each a left-to-right ramp in its own
 * channel over a textured background, so crops and flips change the inputs.
 */
function colourFolder(): string {
  const dir = tempDir('colour');
  const size = 12;
  ['red', 'green', 'blue'].forEach((name, k) => {
    for (let i = 0; i < 30; i++) {
      const data = new Uint8Array(size * size * 3);
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          for (let c = 0; c < 3; c++) data[(y * size + x) * 3 + c] = c === k ? 20 * x + ((i * 7) % 15) : (x * 31 + y * 17 + i * 13 + c * 53) % 120;
        }
      }
      writePng(join(dir, name, `${i}.png`), { width: size, height: size, data, channels: 3, depth: 8 });
    }
  });
  return dir;
}

async function labRun(c: Case): Promise<number[]> {
  const settings = TrainingSettingsSchema.parse(c.training);
  const trainer = new Trainer({ spec: c.spec, data: loadDataset(c.dataset, nodeFiles), settings, yieldEveryMs: 1e9 });
  return (await trainer.run()).history.step_losses;
}

function exportUntrained(c: Case): string {
  const dir = tempDir('export-train');
  const b = newProject({ name: c.name, model: c.spec, dataset: c.dataset, training: c.training });
  writeFiles(dir, exportPytorch(exportSource(b, null), nodeFiles).files);
  return dir;
}

const losses = (dir: string, file: string) => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { step_losses: number[] }).step_losses;

describe.skipIf(torchMissing)('PyTorch export: train.py', () => {
  it.each(cases)('$name: one epoch with dropout 0 gives the lab per-step losses within 1e-4', async (c) => {
    const dir = exportUntrained(c);
    const lab = await labRun(c);
    const r = python(dir, ['train.py', '--epochs', '1', '--log', 'log.json']);
    expect(r.status, r.stderr).toBe(0);
    const torch = losses(dir, 'log.json');
    expect(torch).toHaveLength(lab.length);
    expect(lab.length).toBeGreaterThan(5);
    const worst = Math.max(...torch.map((v, i) => Math.abs(v - lab[i])));
    expect(worst).toBeLessThan(1e-4);
    expect(r.stdout).toMatch(/"test_loss": \d/);
  });

  it('several epochs: AdamW, cosine LR, early stopping and a dropout schedule follow the lab epoch by epoch', async () => {
    const c: Case = {
      name: 'schedules',
      spec: { input_shape: [2], layers: [
        { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 16 },
        { kind: 'Tanh', name: 'tanh' },
        // p stays 0 (so losses can match) while the schedule's bookkeeping runs: linear from 0 to 0 over 2 epochs.
        { kind: 'Dropout', name: 'dropout', p: 0, schedule: { type: 'linear', start: 0, end: 0, epochs: 2 } },
        { kind: 'GaussianNoise', name: 'noise', stddev: 0, schedule: { type: 'step', start: 0, milestones: [[1, 0]] } },
        { kind: 'Linear', name: 'fc2', in_features: 16, out_features: 2 },
      ] },
      dataset: { id: 'moons', samples: 200, seed: 1 },
      training: { epochs: 6, batch_size: 40, seed: 9, optimizer: { type: 'adamw', lr: 0.05 }, weight_decay: 0.01, lr_schedule: { type: 'cosine', eta_min: 0.001 }, early_stopping: { monitor: 'val_accuracy', patience: 2, restore_best: true } },
    };
    const dir = exportUntrained(c);
    const settings = TrainingSettingsSchema.parse(c.training);
    const res = await new Trainer({ spec: c.spec, data: loadDataset(c.dataset, nodeFiles), settings, yieldEveryMs: 1e9 }).run();
    const r = python(dir, ['train.py', '--log', 'log.json']);
    expect(r.status, r.stderr).toBe(0);
    const log = JSON.parse(readFileSync(join(dir, 'log.json'), 'utf8')) as { step_losses: number[]; epochs: { lr: number; val_accuracy: number; dropout_p: Record<string, number> }[]; best_epoch: number; test: { loss: number } };
    expect(res.history.stopped_early).toBe(true); // patience ran out before epoch 6
    expect(log.epochs).toHaveLength(res.history.epochs.length);
    expect(Math.max(...log.step_losses.map((v, i) => Math.abs(v - res.history.step_losses[i])))).toBeLessThan(1e-4);
    log.epochs.forEach((e, i) => {
      const lab = res.history.epochs[i];
      expect(e.lr).toBeCloseTo(lab.lr, 9);
      expect(e.val_accuracy).toBe(lab.val_accuracy);
      expect(e.dropout_p).toEqual(lab.dropout_p);
    });
    expect(log.best_epoch).toBe(res.history.best_epoch);
    expect(log.test.loss).toBeCloseTo(res.test?.loss as number, 4);
  });

  it('logs the eval-mode training loss on the lab\'s fixed sample of a large training split, epoch by epoch', async () => {
    const c: Case = {
      name: 'train-eval',
      spec: { input_shape: [1, 28, 28], layers: [
        { kind: 'Flatten', name: 'flatten' },
        { kind: 'Linear', name: 'fc1', in_features: 784, out_features: 32 },
        { kind: 'ReLU', name: 'relu' },
        { kind: 'Dropout', name: 'dropout', p: 0 },
        { kind: 'Linear', name: 'fc2', in_features: 32, out_features: 10 },
      ] },
      dataset: { id: 'mnist' },
      // 10,000 digits, 10% test, 10% of the rest for validation, 30% of what is left: 2,430 training samples, over the 2,000 measured.
      training: { epochs: 2, batch_size: 100, seed: 8, optimizer: { type: 'adam', lr: 1e-3 }, split: { val_fraction: 0.1, test_fraction: 0.1, train_fraction: 0.3 } },
    };
    const dir = exportUntrained(c);
    const t = new Trainer({ spec: c.spec, data: loadDataset(c.dataset, nodeFiles), settings: TrainingSettingsSchema.parse(c.training), yieldEveryMs: 1e9 });
    const res = await t.run();
    expect(t.splits.train.size).toBeGreaterThan(2000);
    const r = python(dir, ['train.py', '--log', 'log.json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/"train_eval_loss": \d/);
    const log = JSON.parse(readFileSync(join(dir, 'log.json'), 'utf8')) as { epochs: { train_loss: number; train_eval_loss: number; train_eval_accuracy: number }[] };
    expect(log.epochs).toHaveLength(2);
    log.epochs.forEach((e, i) => {
      const lab = res.history.epochs[i];
      expect(e.train_eval_loss, `epoch ${i + 1}`).toBeCloseTo(lab.train_eval_loss!, 4);
      expect(e.train_eval_accuracy, `epoch ${i + 1}`).toBe(lab.train_eval_accuracy);
      expect(e.train_eval_loss).not.toBe(e.train_loss); // measured after the epoch, not the steps' running mean
    });
  });

  it('dropout schedules set the same rates as the lab at every epoch end', async () => {
    const c: Case = {
      name: 'schedules',
      spec: { input_shape: [2], layers: [
        { kind: 'Linear', name: 'fc1', in_features: 2, out_features: 16 },
        { kind: 'ReLU', name: 'relu' },
        { kind: 'Dropout', name: 'dropout', p: 0.5, schedule: { type: 'linear', start: 0, end: 0.5, epochs: 3 } },
        { kind: 'GaussianDropout', name: 'gauss', rate: 0.2, schedule: { type: 'cosine', start: 0.4, end: 0.1, steps: 7 } },
        { kind: 'Sequential', name: 'head', layers: [
          { kind: 'GaussianNoise', name: 'noise', stddev: 0.1, schedule: { type: 'step', start: 0.3, step_size: 2, gamma: 0.5 } },
          { kind: 'Linear', name: 'fc2', in_features: 16, out_features: 2 },
        ] },
      ] },
      dataset: { id: 'circles', samples: 200, seed: 1 },
      training: { epochs: 4, batch_size: 50, seed: 3 },
    };
    const dir = exportUntrained(c);
    const res = await new Trainer({ spec: c.spec, data: loadDataset(c.dataset, nodeFiles), settings: TrainingSettingsSchema.parse(c.training), yieldEveryMs: 1e9 }).run();
    const r = python(dir, ['train.py', '--log', 'log.json']);
    expect(r.status, r.stderr).toBe(0);
    const log = JSON.parse(readFileSync(join(dir, 'log.json'), 'utf8')) as { epochs: { dropout_p: Record<string, number> }[] };
    expect(log.epochs.map((e) => Object.keys(e.dropout_p))).toEqual(res.history.epochs.map((e) => Object.keys(e.dropout_p)));
    expect(Object.keys(log.epochs[0].dropout_p)).toEqual(['dropout', 'gauss', 'head.noise']);
    log.epochs.forEach((e, i) => {
      for (const [k, v] of Object.entries(res.history.epochs[i].dropout_p)) expect(e.dropout_p[k], `${k} after epoch ${i + 1}`).toBeCloseTo(v, 12);
    });
    expect(new Set(log.epochs.map((e) => e.dropout_p.dropout)).size).toBe(4); // the ramp moved
  });

  it('runs unchanged under torchrun with 2 processes on CPU (gloo), printing the lab losses', async () => {
    const c = cases[0];
    const dir = exportUntrained(c);
    const lab = await labRun(c);
    // --redirects/--tee: Debian's torch 1.13 launcher cannot parse its own default "0" under Python 3.11.
    const r = python(dir, ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2', '--redirects', '1', '--tee', '1', 'train.py', '--epochs', '1', '--log', 'ddp.json'], 180_000);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch 1 step 1 loss \d/);
    const ddp = losses(dir, 'ddp.json');
    expect(ddp).toHaveLength(lab.length);
    expect(Math.max(...ddp.map((v, i) => Math.abs(v - lab[i])))).toBeLessThan(1e-4);
  }, 240_000);
});
