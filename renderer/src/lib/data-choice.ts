/**
 * The Data view's form logic: which options each dataset has (bounds as
 * engine/data/catalog.ts's DatasetChoiceSchema declares them, checked here for
 * instant feedback; the engine re-checks every choice), a fresh choice per
 * dataset, and whether the data still fits the model.
 */
import type { DatasetChoice } from '../../../engine/data/catalog.ts';
import type { ResultOf } from '../../../engine/protocol.ts';

export type { DatasetChoice };
export type DatasetId = DatasetChoice['id'];
export type Preview = ResultOf<'dataset.preview'>;

export const TWO_D = ['spiral', 'moons', 'circles', 'xor', 'blobs'] as const;
export const CURVES = ['sine', 'cubic', 'step'] as const;
export const FILE_SETS = ['idx', 'images', 'cifar10', 'cifar100', 'npz', 'csv'] as const;
export type FileSetId = (typeof FILE_SETS)[number];

export interface NumberField {
  key: string;
  int: boolean;
  min: number;
  max: number;
  /** What the engine uses when the option is left out; shown as the placeholder. */
  fallback: number;
  /** Optional options may be cleared to fall back to the dataset's own default. */
  optional?: boolean;
}

const SEED: NumberField = { key: 'seed', int: true, min: 0, max: 2 ** 31 - 1, fallback: 0 };
/** Per-set noise the generators use when none is given (engine/data/synthetic.ts). */
const TWO_D_NOISE: Record<string, number> = { spiral: 0.05, moons: 0.1, circles: 0.08, xor: 0.05, blobs: 0.35 };
const TWO_D_CLASSES: Record<string, number> = { spiral: 2, blobs: 3 };

const is = <T extends readonly string[]>(list: T, id: string): id is T[number] => (list as readonly string[]).includes(id);

export function isFileSet(id: string): id is FileSetId {
  return is(FILE_SETS, id);
}

/** The numeric options a dataset takes, in display order. */
export function fieldsFor(id: DatasetId): NumberField[] {
  if (is(TWO_D, id)) {
    return [
      { key: 'samples', int: true, min: 4, max: 1_000_000, fallback: 400 },
      { key: 'noise', int: false, min: 0, max: 5, fallback: TWO_D_NOISE[id], optional: true },
      ...(id in TWO_D_CLASSES ? [{ key: 'classes', int: true, min: 2, max: 10, fallback: TWO_D_CLASSES[id], optional: true }] : []),
      SEED,
    ];
  }
  if (is(CURVES, id)) return [{ key: 'samples', int: true, min: 4, max: 1_000_000, fallback: 200 }, { key: 'noise', int: false, min: 0, max: 5, fallback: 0.1 }, SEED];
  if (id === 'sequence') {
    return [
      { key: 'samples', int: true, min: 4, max: 1_000_000, fallback: 2000 },
      { key: 'length', int: true, min: 2, max: 512, fallback: 16 },
      { key: 'vocab', int: true, min: 4, max: 10_000, fallback: 12 },
      SEED,
    ];
  }
  return [];
}

/** A fresh choice of a dataset with its defaults; file-backed sets need a path first (null without one). */
export function defaultChoice(id: DatasetId, path = ''): DatasetChoice | null {
  if (isFileSet(id)) return path ? ({ id, path } as DatasetChoice) : null;
  const c: Record<string, unknown> = { id };
  for (const f of fieldsFor(id)) if (!f.optional) c[f.key] = f.fallback;
  return c as DatasetChoice;
}

/** The choice with one option set (or removed, for an optional option left empty). */
export function withOption(c: DatasetChoice, key: string, value: unknown): DatasetChoice {
  const next: Record<string, unknown> = { ...c };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next as DatasetChoice;
}

/** How many samples a preview asks for: enough to see the shape of the data, few enough to draw at once. */
export function previewCount(id: DatasetId): number {
  if (is(TWO_D, id) || id === 'csv') return 1024;
  if (is(CURVES, id)) return 600;
  if (id === 'sequence') return 16;
  return 48;
}

export interface FitIssue {
  key: string;
  vars: Record<string, string | number>;
}

const shape = (s: readonly number[]) => s.join('×');

/**
 * Where the data and the model disagree: the sample shape the model takes, and
 * the outputs it has against the classes (or regression targets) the data has.
 */
export function modelFit(modelInput: readonly number[], modelOutput: readonly number[] | null, p: Preview): FitIssue[] {
  const out: FitIssue[] = [];
  if (shape(modelInput) !== shape(p.input_shape)) out.push({ key: 'data.fit.input', vars: { data: shape(p.input_shape), model: shape(modelInput) } });
  const last = modelOutput?.at(-1);
  if (last === undefined) return out;
  if (p.task === 'classification') {
    if (last !== p.class_names.length) out.push({ key: 'data.fit.classes', vars: { classes: p.class_names.length, outputs: last } });
  } else {
    const n = p.features.shape[0] ?? 0;
    const targets = n > 0 ? p.labels.length / n : 1;
    if (last !== targets) out.push({ key: 'data.fit.targets', vars: { targets, outputs: last } });
  }
  return out;
}

export interface SplitFractions {
  val_fraction: number;
  test_fraction: number;
  train_fraction: number;
}

/**
 * Sample counts per split, rounded as engine/data/pipeline.ts's split() does:
 * test is carved first, validation is a fraction of the rest, and training
 * uses train_fraction of what remains (the rest goes unused).
 */
export function splitSizes(size: number, s: SplitFractions): { train: number; val: number; test: number; unused: number } {
  const test = Math.round(size * s.test_fraction);
  const rest = size - test;
  const val = Math.round(rest * s.val_fraction);
  const train = Math.max(1, Math.round((rest - val) * s.train_fraction));
  return { train, val, test, unused: Math.max(0, rest - val - train) };
}
