/**
 * Every `dlab` command and its options, in one table: parsing, validation,
 * `dlab <command> --help`, the command list and "did you mean" all read it.
 * Ranges come from the schemas that check the same numbers elsewhere.
 */
import type { z } from 'zod';
import type { Command, FlagOption, IntOption, Option, TextOption } from './args.ts';
import { sourcesHelp } from './dataset-arg.ts';
import { TEMPLATES } from '../project/templates.ts';
import { TrainingSettingsSchema } from '../train/settings.ts';
import { DEFAULT_P, PLACEMENTS, SweepPlanSchema } from '../experiments/sweep-plan.ts';
import { EXPORT_FORMATS } from '../export/index.ts';

function rangeOf(schema: z.ZodNumber): Pick<IntOption, 'min' | 'max'> {
  return { min: schema.minValue ?? Number.MIN_SAFE_INTEGER, ...(schema.maxValue === null ? {} : { max: schema.maxValue }) };
}

const settings = TrainingSettingsSchema.shape;
const json = { kind: 'flag', help: 'print one JSON object per line' } as const satisfies FlagOption;
const run = { kind: 'text', value: 'ID', help: 'the run to use, by id or name', otherwise: 'the latest trained run' } as const satisfies TextOption;
/** How a source from the user's files is read; `dlab new` stores them in the project with the source. */
const sourceOptions = {
  label: { kind: 'text', value: 'COLUMN', help: 'csv: the label column, by header name or column number (1 = first)', otherwise: 'the last column' },
  size: { kind: 'int', value: 'N', min: 4, max: 256, help: 'images: resize every picture to N×N', otherwise: '32' },
  gray: { kind: 'flag', help: 'images: keep one grey channel instead of RGB' },
} as const satisfies Record<string, Option>;
const epochs = { kind: 'int', value: 'N', help: 'epochs to train', otherwise: "the project's setting", ...rangeOf(settings.epochs.unwrap()) } as const satisfies IntOption;

export const COMMANDS = {
  new: {
    summary: 'create a project file from a template',
    options: {
      template: { kind: 'choice', short: 't', choices: TEMPLATES, required: true, help: 'the model to start from' },
      dataset: { kind: 'text', short: 'd', value: 'DATASET', help: sourcesHelp(), otherwise: "the template's" },
      ...sourceOptions,
      output: { kind: 'text', short: 'o', value: 'FILE', help: 'where to write the project', otherwise: 'TEMPLATE.dlab' },
      force: { kind: 'flag', help: 'overwrite an existing file' },
      json,
    },
  },
  train: {
    summary: 'train the model; each epoch is printed and the run is saved into the project',
    project: true,
    options: {
      epochs,
      seed: { kind: 'int', value: 'S', help: 'random seed', otherwise: "the project's setting", ...rangeOf(settings.seed.unwrap()) },
      name: { kind: 'text', value: 'NAME', help: "the run's name", otherwise: 'run N' },
      json,
    },
  },
  eval: {
    summary: 'loss and accuracy of a trained run on a split, in eval mode',
    project: true,
    options: {
      split: { kind: 'choice', choices: ['val', 'test'], default: 'test', help: 'the split to evaluate' },
      run,
      json,
    },
  },
  predict: {
    summary: "a trained run's outputs for inputs from a .npy file, or MC-dropout statistics with --mc",
    project: true,
    options: {
      input: { kind: 'text', value: 'x.npy', required: true, help: "inputs: whole samples of the model's input shape" },
      output: { kind: 'text', short: 'o', value: 'y.npy', help: 'where to write the outputs (with --mc: their mean); needed without --mc' },
      mode: { kind: 'choice', choices: ['eval', 'train'], default: 'eval', help: 'train keeps dropout on' },
      mc: { kind: 'int', value: 'T', min: 1, max: 1000, help: 'MC-dropout: T passes with dropout on; prints mean, std, entropy and mutual information per sample' },
      seed: { kind: 'int', value: 'S', default: 0, help: 'seed of the dropout masks (--mode train, --mc)', ...rangeOf(settings.seed.unwrap()) },
      run,
      json,
    },
  },
  inspect: {
    summary: 'layers, output shapes and parameter counts of the project\'s model',
    project: true,
    options: {
      advice: { kind: 'flag', help: "the placement advisor's findings instead, with the article section of each" },
      json,
    },
  },
  sweep: {
    summary: 'train dropout variants × seeds side by side, save every run and recommend one',
    project: true,
    options: {
      layer: { kind: 'text', value: 'NAME[,NAME]', multiple: true, help: 'the Dropout layers whose p to vary' },
      p: { kind: 'text', value: 'P,P,…', help: 'the rates to try', otherwise: DEFAULT_P.join(',') },
      independent: { kind: 'flag', help: 'try every combination of rates across --layer instead of one rate for all' },
      placements: { kind: 'text', value: 'NAME,…', help: `compare where dropout goes instead: ${PLACEMENTS.join(', ')}` },
      seeds: { kind: 'int', value: 'N', min: 1, max: 20, default: 3, help: 'seeds per setting' },
      epochs: { ...epochs, help: 'epochs per run', ...rangeOf(SweepPlanSchema.shape.epochs.unwrap()) },
      metric: { kind: 'choice', choices: ['val_loss', 'val_accuracy'], default: 'val_loss', help: 'what decides the recommendation' },
      at: { kind: 'choice', choices: ['best', 'final'], default: 'best', help: "judge each run at its best epoch or its final one; final shows dropout's effect" },
      workers: { kind: 'int', value: 'N', min: 1, max: 256, help: 'variants trained at once', otherwise: 'one per core, or DLAB_SWEEP_WORKERS' },
      json,
    },
  },
  datasets: {
    summary: 'the datasets available here, with their sizes; or one source in detail with --inspect',
    options: {
      inspect: { kind: 'text', value: 'SOURCE', help: 'classes, counts, sample shape and skipped files of one source, e.g. images:photos' },
      ...sourceOptions,
      json,
    },
  },
  export: {
    summary: 'write a run as PyTorch code and weights, an ONNX model or metrics CSV',
    project: true,
    options: {
      format: { kind: 'choice', short: 'f', choices: EXPORT_FORMATS, default: 'pytorch', help: 'what to write' },
      output: { kind: 'text', short: 'o', value: 'DIR', required: true, help: 'the folder to write into; for onnx, a name ending in .onnx is the file itself' },
      run,
      json,
    },
  },
  import: {
    summary: 'add weights trained elsewhere (safetensors, PyTorch state_dict names) as a new run',
    project: true,
    options: {
      weights: { kind: 'text', short: 'w', value: 'w.safetensors', required: true, help: 'the weights file' },
      'run-name': { kind: 'text', value: 'NAME', help: "the new run's name" },
      json,
    },
  },
  bench: {
    summary: 'time the standard workloads W0–W5 (W5 where Fashion-MNIST is installed), each in a fresh process',
    options: {
      only: { kind: 'text', value: 'W0,W1,…', help: 'these workloads only' },
      backend: { kind: 'choice', choices: ['wasm', 'reference'], default: 'wasm', help: 'the kernels to time' },
      threads: { kind: 'int', value: 'N', min: 1, help: 'kernel threads' },
      repeats: { kind: 'int', value: 'N', min: 3, default: 3, help: 'timed repeats; the median is reported' },
      'vs-torch': { kind: 'flag', help: 'also time the same workloads in PyTorch and print the ratios' },
      'rss-growth': { kind: 'flag', help: "W2's memory after 100 and 1000 steps" },
      json,
    },
  },
} as const satisfies Record<string, Command>;

export type CommandName = keyof typeof COMMANDS;

export const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);
