/**
 * `dlab`: the lab without a window. Every command prints human lines, or with
 * --json one JSON object per line; errors exit non-zero with one clear line on
 * stderr.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { totalmem } from 'node:os';
import { Generator } from '../tensor/random.ts';
import { useBackend } from '../kernels/registry.ts';
import { noGrad } from '../tensor/grad-mode.ts';
import { shown, validateSpec } from '../nn/spec.ts';
import { setMachineMemory } from '../nn/budget.ts';
import { DATASET_INFO, DatasetChoiceSchema, loadDataset, type DatasetChoice } from '../data/catalog.ts';
import type { Dataset } from '../data/dataset.ts';
import { getBatch, normalize, split } from '../data/pipeline.ts';
import { evaluate, snapshotWeights, Trainer, type Checkpoint, type TrainEvent } from '../train/trainer.ts';
import { TrainingSettingsSchema, describeZodError } from '../train/settings.ts';
import { newProject } from '../project/project.ts';
import { DEFAULT_DATASET, TEMPLATES, templateSpec, templateTraining, type Template } from '../project/templates.ts';
import { findRun, loadRunModel, newRunId, recordRun } from '../project/runs.ts';
import { nodeFiles } from '../io/node-files.ts';
import { openProject, saveProject } from '../io/project-file.ts';
import { readNpy, writeNpy } from '../io/npy.ts';
import { cmdExport, cmdImport, EXPORT_USAGE } from './export-commands.ts';
import { adviceFor, cmdSweep, EXPERIMENT_USAGE, printAdvice, printMc } from './experiment-commands.ts';
import { mcPredict } from '../experiments/mc-dropout.ts';

class UsageError extends Error {}

const USAGE = `usage: dlab <command> [options]
  new -t mlp|cnn|transformer|blank [-d <dataset>] [-o proj.dlab]
  train proj.dlab [--epochs N] [--seed S] [--json]
  eval proj.dlab [--run ID] [--split val|test] [--json]
  predict proj.dlab --input x.npy [--mode eval|train] [--seed S] [--run ID] -o y.npy
  inspect proj.dlab [--json]
  datasets [--json]
  bench [--only W0,W1] [--backend wasm|reference] [--threads N] [--vs-torch] [--json]
${EXPORT_USAGE}
${EXPERIMENT_USAGE}
datasets for -d: ${DATASET_INFO.map((d) => d.id).join(', ')}; idx:<folder>; csv:<file>`;

function out(json: boolean, obj: Record<string, unknown>, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(obj)}\n` : `${text}\n`);
}

function parseDatasetArg(arg: string): DatasetChoice {
  const [id, ...rest] = arg.split(':');
  const path = rest.join(':');
  const raw = id === 'idx' || id === 'csv' ? { id, path } : { id };
  const r = DatasetChoiceSchema.safeParse(raw);
  if (!r.success) throw new UsageError(`unknown dataset '${arg}'; choose one of ${DATASET_INFO.map((d) => d.id).join(', ')} (idx:<folder>, csv:<file>)`);
  return r.data;
}

function dataShape(d: Dataset): { inputShape: number[]; classes: number; vocab?: number } {
  return { inputShape: d.inputShape, classes: d.task === 'classification' ? d.classNames.length : d.targetDim, vocab: d.vocabSize };
}

function cmdNew(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { template: { type: 'string', short: 't' }, dataset: { type: 'string', short: 'd' }, output: { type: 'string', short: 'o' }, json: { type: 'boolean' }, force: { type: 'boolean' } } });
  const t = values.template as Template | undefined;
  if (!t || !TEMPLATES.includes(t)) throw new UsageError(`-t must be one of ${TEMPLATES.join(', ')}`);
  const dataset = values.dataset ? parseDatasetArg(values.dataset) : DEFAULT_DATASET[t];
  const data = loadDataset(dataset, nodeFiles).data;
  const outPath = values.output ?? `${t}.dlab`;
  if (existsSync(outPath) && !values.force) throw new UsageError(`${outPath} already exists; choose another -o or pass --force`);
  const model = templateSpec(t, dataShape(data));
  const bundle = newProject({ name: `${t.toUpperCase()} on ${data.name}`, model, dataset, training: templateTraining(t, dataShape(data)) });
  saveProject(outPath, bundle);
  const report = validateSpec(model);
  out(!!values.json, { project: outPath, template: t, dataset, parameters: report.totalParams, valid: report.ok }, `wrote ${outPath}: ${t} on ${data.name} (${data.size} samples), ${report.totalParams.toLocaleString('en')} parameters`);
}

async function cmdTrain(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { epochs: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' }, name: { type: 'string' } } });
  const path = positionals[0];
  if (!path) throw new UsageError('train needs a project file');
  const bundle = openProject(path);
  const p = bundle.project;
  const overrides: Record<string, unknown> = { ...p.training };
  if (values.epochs !== undefined) overrides.epochs = Number(values.epochs);
  if (values.seed !== undefined) overrides.seed = Number(values.seed);
  const parsed = TrainingSettingsSchema.safeParse(overrides);
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error));
  const settings = parsed.data;
  const report = validateSpec(p.model);
  if (!report.ok) throw new UsageError(`the model has errors:\n${report.errors.join('\n')}`);
  const data = loadDataset(p.dataset, nodeFiles);
  const json = !!values.json;
  const id = newRunId();
  const created = new Date().toISOString();
  const name = values.name ?? `run ${p.runs.length + 1}`;
  let trainer: Trainer | null = null;
  let lastCheckpoint: Checkpoint | null = null;
  const save = (status: 'running' | 'done' | 'cancelled', history = lastCheckpoint?.history, test: { loss: number; accuracy: number | null } | null = null) => {
    if (!trainer || !history) return;
    recordRun(bundle, { id, name, created, status, spec: p.model, dataset: p.dataset, settings, history, test, normalizer: trainer.normalizer, checkpoint: status === 'running' ? lastCheckpoint : { weights: snapshotWeights(trainer.model), optimizer: lastCheckpoint?.optimizer ?? { step: 0, lr: 0, buffers: new Map() } }, model: trainer.model });
    saveProject(path, bundle);
  };
  const tty = !json && process.stderr.isTTY;
  let lastDraw = 0;
  const onEvent = (e: TrainEvent) => {
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
      lastCheckpoint = e.checkpoint;
      save('running'); // a crash now loses at most the epoch in progress
    }
  };
  trainer = new Trainer({ spec: p.model, data, settings, onEvent });
  const t0 = performance.now();
  const stop = () => trainer?.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const res = await trainer.run();
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  save(res.status, res.history, res.test);
  const secs = (performance.now() - t0) / 1000;
  const t = res.test;
  out(json, { event: 'done', run: id, status: res.status, seconds: secs, test_loss: t?.loss ?? null, test_accuracy: t?.accuracy ?? null, best_epoch: res.history.best_epoch, stopped_early: res.history.stopped_early, project: path },
    `${res.status === 'done' ? 'done' : 'cancelled'} in ${secs.toFixed(1)} s${t ? `; test loss ${t.loss.toFixed(4)}${t.accuracy !== null ? `, test accuracy ${(t.accuracy * 100).toFixed(2)}%` : ''}` : ''}; saved run ${id} to ${path}`);
}

function runSplits(run: ReturnType<typeof findRun>) {
  const data = loadDataset(run.dataset, nodeFiles);
  const s = run.settings;
  return split(data.data, { valFraction: s.split.val_fraction, testFraction: s.split.test_fraction, trainFraction: s.split.train_fraction, seed: s.seed }, data.test);
}

function cmdEval(argv: string[]): void {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { run: { type: 'string' }, split: { type: 'string', default: 'test' }, json: { type: 'boolean' } } });
  if (!positionals[0]) throw new UsageError('eval needs a project file');
  if (values.split !== 'val' && values.split !== 'test') throw new UsageError('--split must be val or test');
  const bundle = openProject(positionals[0]);
  const run = findRun(bundle, values.run);
  const { model, normalizer } = loadRunModel(bundle, run);
  const splits = runSplits(run);
  const d = normalize(values.split === 'val' ? splits.val : splits.test, normalizer);
  const r = evaluate(model, d, 256);
  out(!!values.json, { run: run.id, split: values.split, samples: d.size, loss: r.loss, accuracy: r.accuracy, mode: 'eval' },
    `${run.id} on the ${values.split} split (${d.size} samples, eval mode): loss ${r.loss.toFixed(4)}${r.accuracy !== null ? `, accuracy ${(r.accuracy * 100).toFixed(2)}%` : ''}`);
}

function cmdPredict(argv: string[]): void {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { input: { type: 'string' }, output: { type: 'string', short: 'o' }, mode: { type: 'string', default: 'eval' }, seed: { type: 'string', default: '0' }, run: { type: 'string' }, json: { type: 'boolean' }, mc: { type: 'string' } } });
  const mc = values.mc === undefined ? null : Number(values.mc);
  if (mc !== null && !(Number.isInteger(mc) && mc >= 1 && mc <= 1000)) throw new UsageError(`--mc must be a whole number of passes from 1 to 1000, got '${values.mc}'`);
  if (!positionals[0] || !values.input || (!values.output && mc === null)) throw new UsageError('predict needs a project file, --input x.npy and -o y.npy (or --mc T)');
  if (values.mode !== 'eval' && values.mode !== 'train') throw new UsageError('--mode must be eval or train');
  const bundle = openProject(positionals[0]);
  const run = findRun(bundle, values.run);
  const { model, normalizer } = loadRunModel(bundle, run);
  const x = readNpy(new Uint8Array(readFileSync(values.input)), values.input);
  const D = run.spec.input_shape.reduce((a, b) => a * b, 1);
  if (x.data.length % D !== 0 || x.data.length === 0) throw new UsageError(`${values.input}: shape ${x.shape.join('×')} does not hold whole samples of ${run.spec.input_shape.join('×')}`);
  const n = x.data.length / D;
  const ds: Dataset = { name: values.input, task: 'classification', inputShape: run.spec.input_shape, size: n, features: x.data, featureScale: 1, labels: new Int32Array(n), classNames: [], targetDim: 1 };
  const xn = normalize(ds, normalizer);
  if (mc !== null) {
    const task = loadDataset(run.dataset, nodeFiles).data;
    const stats = mcPredict(model, getBatch(xn, n, 0).x, { passes: mc, seed: Number(values.seed), task: task.task });
    if (values.output) writeFileSync(values.output, writeNpy([n, stats.width], stats.mean));
    out(!!values.json, { run: run.id, mode: 'mc-dropout', passes: mc, seed: Number(values.seed), samples: n, task: task.task, output: values.output ?? null },
      `${run.id}: MC-dropout, ${mc} passes with dropout on and everything else in eval mode (seed ${values.seed}); ${task.task === 'classification' ? 'mean probability ± std of the top class, predictive entropy and mutual information in nats' : 'mean ± std of the outputs'}${values.output ? `; mean written to ${values.output}` : ''}`);
    printMc(stats, !!values.json, task.classNames);
    return;
  }
  if (values.mode === 'train') {
    model.train();
    model.setGenerator(new Generator(Number(values.seed)));
  }
  if (!values.output) throw new UsageError('predict needs -o y.npy');
  const y = noGrad(() => model.forward(getBatch(xn, n, 0).x));
  writeFileSync(values.output, writeNpy(y.shape, y.data));
  out(!!values.json, { run: run.id, mode: values.mode, samples: n, output: values.output, shape: y.shape }, `wrote ${values.output}: ${y.shape.join('×')} from ${run.id} in ${values.mode} mode`);
}

function cmdInspect(argv: string[]): void {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, advice: { type: 'boolean' } } });
  if (!positionals[0]) throw new UsageError('inspect needs a project file');
  const p = openProject(positionals[0]).project;
  if (values.advice) {
    printAdvice(adviceFor(p), !!values.json);
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
  console.log(`${p.name}: input ${p.model.input_shape.join('×')}, dataset ${p.dataset.id}, ${p.runs.length} run(s)`);
  for (const l of layers) {
    const args = Object.entries(l.args).map(([k, v]) => `${k.length > 40 ? shown(k, 40) : k}=${shown(v, 200)}`).join(', ');
    console.log(`  ${String(l.index).padStart(2)} ${l.name.padEnd(14)} ${`${l.kind}(${args})`.padEnd(60)} → ${l.output_shape ? l.output_shape.join('×') : '?'}  ${l.parameters.toLocaleString('en')} params${l.error ? `  ✗ ${l.error}` : ''}`);
  }
  console.log(`  total ${r.totalParams.toLocaleString('en')} parameters${r.ok ? '' : `; ${r.errors.length} error(s)`}`);
}

function cmdDatasets(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } } });
  const fashion = '/usr/share/datasets/fashion-mnist';
  const rows: { id: string; title: string; samples: number | null; input_shape: number[] | null; classes: number | null; available: boolean; description: string }[] = [];
  for (const info of DATASET_INFO) {
    if (info.id === 'idx' || info.id === 'csv') {
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
  for (const r of rows) out(!!values.json, r, `${r.id.padEnd(40)} ${r.samples === null ? 'your file'.padStart(9) : String(r.samples).padStart(9)}  ${r.input_shape ? r.input_shape.join('×').padEnd(9) : ''.padEnd(9)} ${r.description}`);
}

/** The fastest kernels this runtime supports (DLAB_BACKEND=reference forces the pure-TypeScript set). */
async function chooseBackend(): Promise<string> {
  if (process.env.DLAB_BACKEND === 'reference') return 'reference';
  try {
    const { installWasmBackend } = await import('../kernels/wasm/node/load.ts');
    installWasmBackend();
    useBackend('wasm');
    return 'wasm';
  } catch (e) {
    process.stderr.write(`dlab: note: using the slower reference kernels (${(e as Error).message})\n`);
    return 'reference';
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  setMachineMemory(totalmem());
  try {
    if (cmd === 'train' || cmd === 'eval' || cmd === 'predict' || cmd === 'sweep') await chooseBackend();
    switch (cmd) {
      case 'new': cmdNew(rest); break;
      case 'train': await cmdTrain(rest); break;
      case 'eval': cmdEval(rest); break;
      case 'predict': cmdPredict(rest); break;
      case 'inspect': cmdInspect(rest); break;
      case 'sweep': await cmdSweep(rest, (m) => new UsageError(m)); break;
      case 'datasets': cmdDatasets(rest); break;
      case 'export': cmdExport(rest, (m) => new UsageError(m)); break;
      case 'import': cmdImport(rest, (m) => new UsageError(m)); break;
      case 'bench': {
        // The standard workloads W0–W4 (npm run bench); each runs in a fresh process.
        const { benchMain } = await import('../../bench/bench.ts');
        benchMain(rest);
        break;
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        console.log(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${cmd}'\n${USAGE}`);
    }
    return 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`dlab: ${msg.split('\n')[0]}\n`);
    if (msg.includes('\n') && !(e instanceof UsageError && msg.includes('usage:'))) process.stderr.write(`${msg.split('\n').slice(1).join('\n')}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
