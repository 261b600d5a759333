/**
 * `dlab new`, `train`, `eval`, `predict`, `inspect` and `datasets`: a project
 * file's life from the command line. Options arrive parsed and checked
 * against their declarations in commands.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Generator } from '../tensor/random.ts';
import { noGrad } from '../tensor/grad-mode.ts';
import { shown, validateSpec } from '../nn/spec.ts';
import { DATASET_INFO, DatasetChoiceSchema, loadDataset, type DatasetChoice, type LoadedData } from '../data/catalog.ts';
import { parseDatasetArg } from './dataset-arg.ts';
import { classCounts, type Dataset } from '../data/dataset.ts';
import { getBatch, normalize } from '../data/pipeline.ts';
import { evaluate, type TrainEvent } from '../train/trainer.ts';
import { splitsOf } from '../train/run-splits.ts';
import { TrainingSettingsSchema, describeZodError } from '../train/settings.ts';
import { newProject } from '../project/project.ts';
import { DEFAULT_DATASET, templateSpec, templateTraining } from '../project/templates.ts';
import { findRun, loadRunModel, newRunId } from '../project/runs.ts';
import { TrainingRun } from '../host/training-session.ts';
import { nodeFiles } from '../io/node-files.ts';
import { openProject, saveProject } from '../io/project-file.ts';
import { readNpy, writeNpy } from '../io/npy.ts';
import { mcPredict } from '../experiments/mc-dropout.ts';
import { UsageError, type Parsed } from './args.ts';
import type { COMMANDS } from './commands.ts';
import { adviceFor, printAdvice, printMc } from './experiment-commands.ts';
import { out, print, untilStopped } from './output.ts';

type Args<K extends keyof typeof COMMANDS> = Parsed<(typeof COMMANDS)[K]>;

/** Loads a source, drawing progress on a terminal while a folder of pictures is decoded. */
function loadSource(choice: DatasetChoice, json = false): LoadedData {
  const tty = !json && process.stderr.isTTY;
  let last = 0;
  const loaded = loadDataset(choice, nodeFiles, { onProgress: tty ? (p) => {
    if (Date.now() - last < 200 && p.done < p.total) return;
    last = Date.now();
    const eta = p.eta_s === null ? '' : `  ETA ${Math.ceil(p.eta_s)} s`;
    process.stderr.write(`\r  decoding ${p.done}/${p.total}${eta}   `);
  } : undefined });
  if (tty && last > 0) process.stderr.write('\r\x1b[K');
  return loaded;
}

function dataShape(d: Dataset): { inputShape: number[]; classes: number; vocab?: number } {
  return { inputShape: d.inputShape, classes: d.task === 'classification' ? d.classNames.length : d.targetDim, vocab: d.vocabSize };
}

export function cmdNew({ values }: Args<'new'>): void {
  const t = values.template;
  const { label, size, gray } = values;
  if (!values.dataset && (label !== undefined || size !== undefined || gray)) throw new UsageError(`--${label !== undefined ? 'label' : size !== undefined ? 'size' : 'gray'} needs -d with a source from your files`);
  const dataset = values.dataset ? parseDatasetArg(values.dataset, { label, size, gray }) : DEFAULT_DATASET[t];
  const data = loadSource(dataset, values.json).data;
  const outPath = values.output ?? `${t}.dlab`;
  if (existsSync(outPath) && !values.force) throw new UsageError(`${outPath} already exists; choose another -o or pass --force`);
  const model = templateSpec(t, dataShape(data));
  const bundle = newProject({ name: `${t.toUpperCase()} on ${data.name}`, model, dataset, training: templateTraining(t, dataShape(data)) });
  saveProject(outPath, bundle);
  const report = validateSpec(model);
  out(values.json, { project: outPath, template: t, dataset, parameters: report.totalParams, valid: report.ok }, `wrote ${outPath}: ${t} on ${data.name} (${data.size} samples), ${report.totalParams.toLocaleString('en')} parameters`);
}

export async function cmdTrain({ values, project: path }: Args<'train'>): Promise<void> {
  const bundle = openProject(path);
  const p = bundle.project;
  const overrides: Record<string, unknown> = { ...p.training };
  if (values.epochs !== undefined) overrides.epochs = values.epochs;
  if (values.seed !== undefined) overrides.seed = values.seed;
  const parsed = TrainingSettingsSchema.safeParse(overrides);
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error));
  const settings = parsed.data;
  const report = validateSpec(p.model);
  if (!report.ok) throw new UsageError(`the model has errors:\n${report.errors.join('\n')}`);
  const data = loadSource(p.dataset, values.json);
  const json = values.json;
  const id = newRunId();
  const origin = { run_id: id, name: values.name ?? `run ${p.runs.length + 1}`, created: new Date().toISOString(), spec: p.model, dataset: p.dataset, settings };
  const tty = !json && process.stderr.isTTY;
  let lastDraw = 0;
  const onEvent = (run: TrainingRun, e: TrainEvent) => {
    if (e.type === 'progress' && tty && performance.now() - lastDraw > 200) {
      lastDraw = performance.now();
      const eta = e.eta_s === null ? '' : `  ETA ${Math.floor(e.eta_s / 60)}m${String(Math.round(e.eta_s % 60)).padStart(2, '0')}s`;
      process.stderr.write(`\r  epoch ${e.epoch + 1}/${settings.epochs}  ${(e.fraction * 100).toFixed(1)}%${eta}   `);
      return;
    }
    if (e.type === 'epoch') {
      if (tty) process.stderr.write('\r\x1b[K');
      const m = e.metrics;
      const fmt = (v: number | null, d = 4) => (v === null ? '–' : v.toFixed(d));
      out(json, { event: 'epoch', run: id, ...m }, `epoch ${m.epoch}/${settings.epochs}  train loss ${fmt(m.train_loss)} acc ${fmt(m.train_accuracy)}  val loss ${fmt(m.val_loss)} acc ${fmt(m.val_accuracy)}  ${m.seconds.toFixed(1)} s`);
    } else if (e.type === 'checkpoint') {
      run.recordCheckpoint(bundle, e.checkpoint);
      saveProject(path, bundle); // a crash now loses at most the epoch in progress
    }
  };
  const t0 = performance.now();
  const run = new TrainingRun(origin, data, { onEvent });
  const res = await untilStopped(() => run.trainer.cancel(), () => run.trainer.run());
  run.recordEnd(bundle, res);
  saveProject(path, bundle);
  const secs = (performance.now() - t0) / 1000;
  const t = res.test;
  out(json, { event: 'done', run: id, status: res.status, seconds: secs, test_loss: t?.loss ?? null, test_accuracy: t?.accuracy ?? null, best_epoch: res.history.best_epoch, stopped_early: res.history.stopped_early, project: path },
    `${res.status === 'done' ? 'done' : 'cancelled'} in ${secs.toFixed(1)} s${t ? `; test loss ${t.loss.toFixed(4)}${t.accuracy !== null ? `, test accuracy ${(t.accuracy * 100).toFixed(2)}%` : ''}` : ''}; saved run ${id} to ${path}`);
}

export function cmdEval({ values, project }: Args<'eval'>): void {
  const bundle = openProject(project);
  const run = findRun(bundle, values.run);
  const { model, normalizer } = loadRunModel(bundle, run);
  const splits = splitsOf(loadDataset(run.dataset, nodeFiles), run.settings);
  const d = normalize(values.split === 'val' ? splits.val : splits.test, normalizer);
  const r = evaluate(model, d, 256);
  out(values.json, { run: run.id, split: values.split, samples: d.size, loss: r.loss, accuracy: r.accuracy, mode: 'eval' },
    `${run.id} on the ${values.split} split (${d.size} samples, eval mode): loss ${r.loss.toFixed(4)}${r.accuracy !== null ? `, accuracy ${(r.accuracy * 100).toFixed(2)}%` : ''}`);
}

export function cmdPredict({ values, project }: Args<'predict'>): void {
  const { mc, seed, input, output } = values;
  const job = mc !== undefined ? { passes: mc, output } : output ? { passes: null, output } : null;
  if (!job) throw new UsageError('predict needs -o y.npy for the outputs, or --mc T for MC-dropout statistics');
  const bundle = openProject(project);
  const run = findRun(bundle, values.run);
  const { model, normalizer } = loadRunModel(bundle, run);
  const x = readNpy(new Uint8Array(readFileSync(input)), input);
  const D = run.spec.input_shape.reduce((a, b) => a * b, 1);
  if (x.data.length % D !== 0 || x.data.length === 0) throw new UsageError(`${input}: shape ${x.shape.join('×')} does not hold whole samples of ${run.spec.input_shape.join('×')}`);
  const n = x.data.length / D;
  const ds: Dataset = { name: input, task: 'classification', inputShape: run.spec.input_shape, size: n, features: x.data, featureScale: 1, labels: new Int32Array(n), classNames: [], targetDim: 1 };
  const xn = normalize(ds, normalizer);
  if (job.passes !== null) {
    const task = loadDataset(run.dataset, nodeFiles).data;
    const stats = mcPredict(model, getBatch(xn, n, 0).x, { passes: job.passes, seed, task: task.task });
    if (output) writeFileSync(output, writeNpy([n, stats.width], stats.mean));
    out(values.json, { run: run.id, mode: 'mc-dropout', passes: job.passes, seed, samples: n, task: task.task, output: output ?? null },
      `${run.id}: MC-dropout, ${job.passes} passes with dropout on and everything else in eval mode (seed ${seed}); ${task.task === 'classification' ? 'mean probability ± std of the top class, predictive entropy and mutual information in nats' : 'mean ± std of the outputs'}${output ? `; mean written to ${output}` : ''}`);
    printMc(stats, values.json, task.classNames);
    return;
  }
  if (values.mode === 'train') {
    model.train();
    model.setGenerator(new Generator(seed));
  }
  const y = noGrad(() => model.forward(getBatch(xn, n, 0).x));
  writeFileSync(job.output, writeNpy(y.shape, y.data));
  out(values.json, { run: run.id, mode: values.mode, samples: n, output: job.output, shape: y.shape }, `wrote ${job.output}: ${y.shape.join('×')} from ${run.id} in ${values.mode} mode`);
}

export function cmdInspect({ values, project }: Args<'inspect'>): void {
  const p = openProject(project).project;
  if (values.advice) {
    printAdvice(adviceFor(p), values.json);
    return;
  }
  const r = validateSpec(p.model);
  const layers = (p.model.layers as Record<string, unknown>[]).map((l, i) => {
    const { kind, name, ...args } = l;
    const rep = r.layers[i];
    // The report's kind: an over-long one is cut short there.
    return { index: i, name: rep?.name ?? String(name ?? i), kind: rep && rep.kind !== '?' ? rep.kind : String(kind), args, output_shape: rep?.outputShape ?? null, parameters: rep?.paramCount ?? 0, error: rep?.error ?? null };
  });
  if (values.json) {
    out(true, { name: p.name, input_shape: p.model.input_shape, layers, total_parameters: r.totalParams, valid: r.ok, errors: r.errors, dataset: p.dataset, runs: p.runs.length }, '');
    return;
  }
  print(`${p.name}: input ${p.model.input_shape.join('×')}, dataset ${p.dataset.id}, ${p.runs.length} run(s)`);
  for (const l of layers) {
    const args = Object.entries(l.args).map(([k, v]) => `${k.length > 40 ? shown(k, 40) : k}=${shown(v, 200)}`).join(', ');
    print(`  ${String(l.index).padStart(2)} ${l.name.padEnd(14)} ${`${l.kind}(${args})`.padEnd(60)} → ${l.output_shape ? l.output_shape.join('×') : '?'}  ${l.parameters.toLocaleString('en')} params${l.error ? `  ✗ ${l.error}` : ''}`);
  }
  print(`  total ${r.totalParams.toLocaleString('en')} parameters${r.ok ? '' : `; ${r.errors.length} error(s)`}`);
}

export function cmdDatasets({ values }: Args<'datasets'>): void {
  const { label, size, gray } = values;
  if (values.inspect !== undefined) {
    inspectSource(parseDatasetArg(values.inspect, { label, size, gray }), values.json);
    return;
  }
  if (label !== undefined || size !== undefined || gray) throw new UsageError('--label, --size and --gray go with --inspect SOURCE');
  const fashion = '/usr/share/datasets/fashion-mnist';
  const rows: { id: string; title: string; samples: number | null; input_shape: number[] | null; classes: number | null; available: boolean; description: string }[] = [];
  for (const info of DATASET_INFO) {
    if (info.path) {
      rows.push({ id: info.id, title: info.title, samples: null, input_shape: null, classes: null, available: true, description: info.description });
      continue;
    }
    const d = loadDataset(DatasetChoiceSchema.parse({ id: info.id }), nodeFiles).data;
    rows.push({ id: info.id, title: info.title, samples: d.size, input_shape: d.inputShape, classes: d.task === 'classification' ? d.classNames.length : null, available: true, description: info.description });
  }
  if (existsSync(fashion)) {
    const l = loadDataset({ id: 'idx', path: fashion }, nodeFiles);
    rows.push({ id: `idx:${fashion}`, title: 'Fashion-MNIST (Debian dataset-fashion-mnist)', samples: l.data.size + (l.test?.size ?? 0), input_shape: l.data.inputShape, classes: l.data.classNames.length, available: true, description: `${l.data.size} training + ${l.test?.size ?? 0} test images` });
  }
  for (const r of rows) out(values.json, r, `${r.id.padEnd(40)} ${r.samples === null ? 'your file'.padStart(9) : String(r.samples).padStart(9)}  ${r.input_shape ? r.input_shape.join('×').padEnd(9) : ''.padEnd(9)} ${r.description}`);
}

/** `dlab datasets --inspect SOURCE`: what a source holds, and what was left out of it. */
function inspectSource(choice: DatasetChoice, json: boolean): void {
  const { data, test, skipped = [] } = loadSource(choice, json);
  const train = classCounts(data);
  const held = test ? classCounts(test) : null;
  const classes = data.classNames.map((name, i) => ({ name, train: train[i], test: held ? held[i] : null }));
  const summary = { source: choice, name: data.name, task: data.task, samples: data.size, test_samples: test?.size ?? null, input_shape: data.inputShape, classes, skipped };
  if (json) {
    out(true, summary, '');
    return;
  }
  print(`${data.name}: ${data.task}, ${data.size} samples${test ? ` + ${test.size} in its own test set` : ''}, each ${data.inputShape.join('×')}`);
  for (const c of classes) print(`  ${c.name.padEnd(24)} ${String(c.train).padStart(7)}${c.test !== null ? `  test ${c.test}` : ''}`);
  print(skipped.length ? `skipped ${skipped.length} file(s):` : 'skipped no files');
  for (const s of skipped) print(`  ${s.path}: ${s.reason}`);
}
