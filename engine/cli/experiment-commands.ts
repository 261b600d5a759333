/**
 * `dlab sweep`, `dlab predict --mc` and `dlab inspect --advice`: the CLI side
 * of engine/experiments. Sweeps train up to --workers variants at once in
 * worker threads and save every finished run into the project at once (atomic
 * write), so an interrupted sweep keeps all runs but those in progress.
 */
import { nodeFiles } from '../io/node-files.ts';
import { openProject, saveProject } from '../io/project-file.ts';
import { loadDataset } from '../data/catalog.ts';
import { kernels } from '../kernels/registry.ts';
import { newRunId, recordRun } from '../project/runs.ts';
import type { Project } from '../project/project.ts';
import { TrainingSettingsSchema, describeZodError } from '../train/settings.ts';
import { expandSweep, PLACEMENTS, SweepError, SweepRunner, type Placement } from '../experiments/sweep.ts';
import { recommend, type SweepEntry, type SweepMetric } from '../experiments/recommend.ts';
import { advise, type Finding } from '../experiments/advisor.ts';
import { ADVICE_EN, renderFinding } from '../experiments/advice-text.ts';
import type { McStats } from '../experiments/mc-dropout.ts';
import { defaultSweepWorkers, WorkerTrainPool } from '../host/node/worker-train-pool.ts';
import { UsageError, type Parsed } from './args.ts';
import type { COMMANDS } from './commands.ts';
import { out, print, untilStopped } from './output.ts';

const isPlacement = (x: string): x is Placement => (PLACEMENTS as readonly string[]).includes(x);

function numberList(s: string, what: string): number[] {
  const v = s.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  if (!v.length || v.some((x) => !Number.isFinite(x))) throw new UsageError(`${what} must be a comma-separated list of numbers, got '${s}'`);
  return v;
}

export async function cmdSweep({ values, project: path }: Parsed<(typeof COMMANDS)['sweep']>): Promise<void> {
  const metric: SweepMetric = values.metric;
  const named = values.placements ? values.placements.split(',').map((s) => s.trim()) : [];
  const bad = named.find((x) => !isPlacement(x));
  if (bad !== undefined) throw new UsageError(`unknown placement '${bad}'; choose from ${PLACEMENTS.join(', ')}`);
  const placements = named.filter(isPlacement);
  const workersWanted = values.workers ?? defaultSweepWorkers();

  const bundle = openProject(path);
  const p = bundle.project;
  const parsed = TrainingSettingsSchema.safeParse(p.training);
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error));
  const settings = parsed.data;
  const seeds = Array.from({ length: values.seeds }, (_, i) => settings.seed + i);
  let variants;
  try {
    variants = expandSweep(p.model, settings, {
      layers: values.layer.flatMap((l) => l.split(',').map((s) => s.trim()).filter(Boolean)),
      tie: values.independent ? 'independent' : 'tied',
      ...(values.p ? { p: numberList(values.p, '--p') } : {}),
      placements, seeds, ...(values.epochs !== undefined ? { epochs: values.epochs } : {}),
    });
  } catch (e) {
    if (e instanceof SweepError) throw new UsageError(e.message);
    throw e;
  }
  const json = values.json;
  const data = loadDataset(p.dataset, nodeFiles);
  const sweepId = newRunId().replace(/^run-/, 'sweep-');
  const entries: SweepEntry[] = [];
  const workers = Math.min(workersWanted, variants.length);
  if (!json) process.stderr.write(`${sweepId}: ${variants.length} runs (${new Set(variants.map((v) => v.group)).size} settings × ${seeds.length} seeds), ${variants[0].settings.epochs} epochs each, ${workers === 1 ? 'one at a time' : `${workers} at once`}; each is saved to ${path} as it finishes\n`);
  const tty = !json && process.stderr.isTTY;
  let lastDraw = 0;
  const runner = new SweepRunner({
    // One worker gains nothing over training here, where the kernels may use every core.
    variants, data, dataset: p.dataset, pool: workers > 1 ? new WorkerTrainPool(workers, kernels().name) : undefined,
    onProgress: (g) => {
      if (!tty || performance.now() - lastDraw < 200) return;
      lastDraw = performance.now();
      process.stderr.write(`\r  ${(g.fraction * 100).toFixed(1)}% (run ${g.run_index + 1}/${g.runs_total} ${g.label})   `);
    },
    onRun: (r) => {
      const id = newRunId();
      const record = recordRun(bundle, {
        id, name: `${sweepId} ${r.variant.label}`, created: new Date().toISOString(), status: r.status, spec: r.variant.spec, dataset: p.dataset,
        settings: r.variant.settings, history: r.history, test: r.test, normalizer: r.normalizer, checkpoint: r.checkpoint, model: r.model, train_eval: r.train_eval,
      });
      saveProject(path, bundle);
      const entry: SweepEntry = { group: r.variant.group, p: r.variant.p, placement: r.variant.placement, seed: r.variant.seed, history: r.history, train_eval: r.train_eval, run_id: record.id };
      entries.push(entry);
      const last = r.history.epochs.at(-1);
      if (tty) process.stderr.write('\r\x1b[K');
      out(json, { event: 'run', sweep: sweepId, index: r.index, runs_total: variants.length, label: r.variant.label, group: r.variant.group, p: r.variant.p, placement: r.variant.placement, seed: r.variant.seed, run: id, seconds: r.seconds, final: last ?? null, train_eval: r.train_eval, test: r.test },
        `  ${String(r.index + 1).padStart(3)}/${variants.length} ${r.variant.label.padEnd(28)} val loss ${last?.val_loss?.toFixed(4) ?? '–'}${last?.val_accuracy != null ? ` acc ${last.val_accuracy.toFixed(3)}` : ''}  ${r.seconds.toFixed(1)} s  saved ${id}`);
    },
  });
  const res = await untilStopped(() => runner.cancel(), () => runner.run());
  const rec = recommend(entries, metric, { at: values.at });
  if (json) {
    out(true, { event: 'recommendation', sweep: sweepId, status: res.status, runs: res.finished, metric, at: rec.at, best: rec.best, table: rec.table, reasoning: rec.reasoning, project: path }, '');
    return;
  }
  const m = metric === 'val_loss' ? 'val loss' : 'val acc';
  print(`\n  ${'setting'.padEnd(24)} ${`${m} (${rec.at})`.padStart(16)}  ${'± s.e.'.padStart(7)}  ${'gap'.padStart(7)}  seeds`);
  for (const r of rec.table) print(`${r === rec.best ? '→' : ' '} ${r.group.padEnd(24)} ${r.mean.toFixed(4).padStart(16)}  ${r.se.toFixed(4).padStart(7)}  ${r.gap.toFixed(4).padStart(7)}  ${r.seeds.length}`);
  print(`\n${rec.reasoning}`);
  print(`${res.status === 'cancelled' ? 'cancelled' : 'done'}: ${res.finished} of ${variants.length} runs saved to ${path}`);
}

/** Per-sample MC-dropout statistics, as lines or JSON objects. */
export function printMc(s: McStats, json: boolean, classNames: string[]): void {
  const K = s.width;
  for (let i = 0; i < s.samples; i++) {
    const mean = Array.from(s.mean.subarray(i * K, (i + 1) * K));
    const std = Array.from(s.std.subarray(i * K, (i + 1) * K));
    if (s.task === 'regression') {
      out(json, { sample: i, mean, std }, `  ${String(i).padStart(4)}  mean ${mean.map((v) => v.toFixed(4)).join(' ')}  std ${std.map((v) => v.toFixed(4)).join(' ')}`);
      continue;
    }
    const top = mean.indexOf(Math.max(...mean));
    const obj = { sample: i, predicted: top, mean, std, entropy: s.entropy![i], expected_entropy: s.expected_entropy![i], mutual_information: s.mutual_information![i] };
    out(json, obj, `  ${String(i).padStart(4)}  ${(classNames[top] ?? `class ${top}`).padEnd(12)} p ${mean[top].toFixed(3)} ± ${std[top].toFixed(3)}  entropy ${obj.entropy.toFixed(4)}  MI ${obj.mutual_information.toFixed(4)}`);
  }
}

/** The advisor's findings for the project's model, with the latest run's history as context. */
export function adviceFor(p: Project): Finding[] {
  const last = [...p.runs].reverse().find((r) => r.history.epochs.length > 0);
  return advise(p.model, { history: last?.history.epochs });
}

export function printAdvice(findings: Finding[], json: boolean): void {
  if (json) {
    for (const f of findings) out(true, { ...f }, '');
    return;
  }
  if (!findings.length) print('advice: nothing to report — dropout placement follows the article');
  for (const f of findings) {
    const text = renderFinding(ADVICE_EN, f);
    print(`${f.severity === 'warning' ? '⚠' : 'ℹ'} ${f.severity}${f.layer ? ` [${f.layer}]` : ''}: ${text.message}`);
    print(`    ${text.explanation}`);
    if (f.article_section) print(`    article: ${f.article_section}`);
    if (text.fix) print(`    fix: ${text.fix}`);
  }
}
