/** `dlab sweep`, `dlab predict --mc` and `dlab inspect --advice` as a user runs them. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../engine/io/npy.ts';
import { openProject, saveProject } from '../../engine/io/project-file.ts';
import { newProject } from '../../engine/project/project.ts';

const bin = fileURLToPath(new URL('../../bin/dlab.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dlab-exp-'));
const dlab = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
const lines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('dlab sweep', () => {
  it('runs p × seeds, saves every run into the project, and prints one JSON object per run and a recommendation', () => {
    expect(dlab('new', '-t', 'mlp', '-d', 'moons', '-o', 's.dlab').status).toBe(0);
    const r = dlab('sweep', 's.dlab', '--layer', 'dropout', '--p', '0,0.5', '--seeds', '2', '--epochs', '4', '--metric', 'val_accuracy', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = lines(r.stdout);
    const runs = out.filter((o) => o.event === 'run').sort((a, b) => Number(a.index) - Number(b.index)); // finishing order otherwise
    const rec = out.at(-1)!;
    expect(rec).toMatchObject({ event: 'recommendation', status: 'done', runs: 4, metric: 'val_accuracy', at: 'best' });
    expect((rec.table as { group: string }[]).map((t) => t.group)).toEqual(['p=0', 'p=0.5']);
    expect(rec.reasoning).toMatch(/^Recommended p = 0(\.5)?: validation accuracy \d\.\d{3} ± \d\.\d{3}/);
    const saved = new Map(openProject(join(dir, 's.dlab')).project.runs.map((x) => [x.id, x]));
    expect(runs.map((o) => { const x = saved.get(String(o.run)); return x && [x.spec.layers.find((l) => l.name === 'dropout')?.p, x.settings.seed, x.weights !== null]; })).toEqual([[0, 0, true], [0, 1, true], [0.5, 0, true], [0.5, 1, true]]);
    // The eval-mode training loss the recommendation's gap uses is kept with each saved run.
    for (const o of runs) expect(saved.get(String(o.run))?.train_eval).toEqual(o.train_eval);
    expect(typeof (runs[0].train_eval as { loss: unknown }).loss).toBe('number');
  }, 120_000);

  it('--workers 2 trains two runs at once and saves every run, with the numbers --workers 1 gives', () => {
    expect(dlab('new', '-t', 'mlp', '-d', 'spiral', '-o', 'w.dlab').status).toBe(0);
    const sweep = (workers: string) => {
      const r = dlab('sweep', 'w.dlab', '--layer', 'dropout', '--p', '0,0.3,0.6', '--seeds', '2', '--epochs', '5', '--workers', workers, '--json');
      expect(r.status, r.stderr).toBe(0);
      return lines(r.stdout).filter((o) => o.event === 'run').sort((a, b) => Number(a.index) - Number(b.index));
    };
    const two = sweep('2');
    expect(two.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const saved = openProject(join(dir, 'w.dlab')).project.runs;
    expect(saved.map((x) => x.id).sort()).toEqual(two.map((o) => String(o.run)).sort());
    expect(saved.every((x) => x.status === 'done' && x.weights && x.history.epochs.length === 5)).toBe(true);
    const numbers = (o: Record<string, unknown>) => [o.label, { ...(o.final as object), seconds: 0 }, o.test, o.train_eval];
    expect(sweep('1').map(numbers)).toEqual(two.map(numbers));
    expect(dlab('sweep', 'w.dlab', '--layer', 'dropout', '--workers', '0').stderr).toMatch(/--workers must be a whole number from 1 to 256/);
  }, 120_000);

  it('prints a table and the reasoning for people', () => {
    const r = dlab('sweep', 's.dlab', '--layer', 'dropout', '--p', '0.1,0.3', '--seeds', '1', '--epochs', '2');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/setting\s+val loss \(best\)/);
    expect(r.stdout).toMatch(/^[→ ] p=0\.1 /m);
    expect(r.stdout).toMatch(/driven by each run's best-epoch validation loss/);
    expect(r.stdout).toMatch(/done: 2 of 2 runs saved to s\.dlab/);
  }, 120_000);

  it('says what to do with a wrong layer or option', () => {
    let r = dlab('sweep', 's.dlab', '--layer', 'fc1');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/'fc1' is a Linear, which has no dropout rate to sweep; choose one of 'dropout' \(Dropout\)/);
    r = dlab('sweep', 's.dlab', '--layer', 'dropout', '--metric', 'accuracy');
    expect(r.stderr).toMatch(/--metric must be val_loss or val_accuracy/);
  });

  it('a sweep killed mid-way keeps every run that had finished, in a project that still opens', async () => {
    expect(dlab('new', '-t', 'mlp', '-d', 'moons', '-o', 'k.dlab').status).toBe(0);
    const child = spawn(process.execPath, [bin, 'sweep', 'k.dlab', '--layer', 'dropout', '--p', '0,0.2,0.4,0.6', '--seeds', '3', '--epochs', '30', '--json'], { cwd: dir });
    let seen = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (b: Buffer) => {
        seen += (b.toString().match(/"event":"run"/g) ?? []).length;
        if (seen >= 2 && child.exitCode === null) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    const runs = openProject(join(dir, 'k.dlab')).project.runs;
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThan(12);
    expect(runs.every((x) => x.status === 'done' && x.weights)).toBe(true);
  }, 120_000);
});

describe('dlab predict --mc', () => {
  it('prints mean, std, entropy and mutual information per sample, seeded', () => {
    writeFileSync(join(dir, 'x.npy'), writeNpy([3, 2], Float32Array.from([0, 0.5, 1, -0.5, 2, 0.25])));
    const r = dlab('predict', 's.dlab', '--input', 'x.npy', '--mc', '30', '--seed', '4', '-o', 'mean.npy', '--json');
    expect(r.status, r.stderr).toBe(0);
    const [head, ...rows] = lines(r.stdout);
    expect(head).toMatchObject({ mode: 'mc-dropout', passes: 30, samples: 3, task: 'classification' });
    expect(rows).toHaveLength(3);
    for (const s of rows as { mean: number[]; std: number[]; entropy: number; expected_entropy: number; mutual_information: number }[]) {
      expect(s.mean.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(s.entropy).toBeGreaterThanOrEqual(s.mutual_information);
      expect(s.mutual_information).toBeCloseTo(s.entropy - s.expected_entropy, 5);
    }
    expect(readNpy(new Uint8Array(readFileSync(join(dir, 'mean.npy'))), 'mean.npy').shape).toEqual([3, 2]);
    expect(dlab('predict', 's.dlab', '--input', 'x.npy', '--mc', '30', '--seed', '4', '--json').stdout.split('\n').slice(1)).toEqual(r.stdout.split('\n').slice(1));
    const human = dlab('predict', 's.dlab', '--input', 'x.npy', '--mc', '10');
    expect(human.stdout).toMatch(/MC-dropout, 10 passes with dropout on and everything else in eval mode/);
    expect(human.stdout).toMatch(/class \d\s+p 0\.\d{3} ± 0\.\d{3}\s+entropy \d\.\d{4}\s+MI \d\.\d{4}/);
    expect(dlab('predict', 's.dlab', '--input', 'x.npy', '--mc', '0').stderr).toMatch(/--mc must be a whole number from 1 to 1000, got '0'/);
  }, 60_000);
});

describe('dlab inspect --advice', () => {
  it('prints the findings with their article section and fix', () => {
    const model = { input_shape: [2], layers: [{ kind: 'Linear', name: 'fc1', in_features: 2, out_features: 16 }, { kind: 'BatchNorm1d', name: 'bn', num_features: 16 }, { kind: 'Dropout', name: 'drop', p: 0.9 }, { kind: 'ReLU' }, { kind: 'Linear', name: 'out', in_features: 16, out_features: 2 }] };
    saveProject(join(dir, 'a.dlab'), newProject({ model, dataset: { id: 'moons', samples: 200, seed: 0 } }));
    const r = dlab('inspect', 'a.dlab', '--advice', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(lines(r.stdout).map((f) => [f.rule, f.layer, f.severity, f.article_section])).toEqual([
      ['dropout-after-batchnorm', 'drop', 'warning', '§2.3 BatchNorm 层与 Dropout 的关系'],
      ['dropout-rate', 'drop', 'warning', '§3.2 Dropout 概率的调整'],
    ]);
    const human = dlab('inspect', 'a.dlab', '--advice').stdout;
    expect(human).toMatch(/⚠ warning \[drop\]: Dropout 'drop' comes directly after BatchNorm1d\./);
    expect(human).toMatch(/fix: Move Dropout after ReLU/);
    expect(dlab('inspect', 's.dlab', '--advice').stdout).toMatch(/nothing to report/);
  });
});
