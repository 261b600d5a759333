/**
 * `.dlab` project files: a zip container holding a versioned `project.json`
 * (model spec, dataset choice, training settings, runs with their metric
 * histories) and one safetensors file per saved run (weights under PyTorch
 * state_dict names, plus optimizer state). Pure: bytes in, bytes out; the
 * atomic file write lives in engine/io.
 */
import { strFromU8, strToU8, zipSync } from 'fflate';
import { z } from 'zod';
import { DatasetChoiceSchema } from '../data/choice.ts';
import type { ModelSpec } from '../nn/spec.ts';
import { TrainingSettingsSchema, describeZodError } from '../train/settings.ts';
import { EpochMetricsSchema } from '../train/epoch-metrics.ts';
import { crc32 } from './crc32.ts';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader, SafetensorsError, type NamedTensor } from './safetensors.ts';
import { readZipDirectory, readZipEntry, ZipError, type ZipEntry } from './zip-read.ts';
import { modelBudget } from '../nn/budget.ts';

export const FORMAT = 'dropout-lab-project';
export const FORMAT_VERSION = 1;
/** A new project's name until the user names it (each language shows its own word for it). */
export const UNTITLED = 'Untitled';

/** Structure only: a model with layer errors still opens, so the user can fix it in the editor. */
const SpecSchema: z.ZodType<ModelSpec> = z.object({ input_shape: z.array(z.number().int().positive()).min(1), layers: z.array(z.object({ kind: z.string(), name: z.string().optional() }).passthrough()) }).passthrough();

export const RunSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]+$/),
  name: z.string(),
  created: z.string(),
  status: z.enum(['done', 'cancelled', 'failed', 'running']),
  spec: SpecSchema,
  dataset: DatasetChoiceSchema,
  settings: TrainingSettingsSchema,
  history: z.object({
    epochs: z.array(EpochMetricsSchema),
    step_losses: z.array(z.number()),
    best_epoch: z.number().int().nullable(),
    stopped_early: z.boolean(),
  }),
  test: z.object({ loss: z.number(), accuracy: z.number().nullable() }).nullable(),
  normalizer: z.object({ mean: z.array(z.number()), std: z.array(z.number()), group: z.number().int().positive() }).nullable(),
  /** Zip entry holding the weights and its CRC-32, or null when none were kept. */
  weights: z.object({ file: z.string(), crc32: z.number().int() }).nullable(),
  note: z.string().default(''),
  /** Loss and accuracy on the training split re-run in eval mode after training (sweeps measure it: the gap without dropout's noise). */
  train_eval: z.object({ loss: z.number(), accuracy: z.number().nullable() }).nullable().optional(),
});

export const ProjectSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(FORMAT_VERSION),
  name: z.string().default(UNTITLED),
  created: z.string(),
  modified: z.string(),
  model: SpecSchema,
  dataset: DatasetChoiceSchema,
  training: TrainingSettingsSchema,
  runs: z.array(RunSchema).default([]),
});

export type Project = z.infer<typeof ProjectSchema>;
export type RunRecord = z.infer<typeof RunSchema>;

export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectError';
  }
}

/** Older project.json shapes, upgraded one version at a time (none exist yet: version 1 is the first). */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {};

export function migrate(raw: Record<string, unknown>, where: string): Record<string, unknown> {
  let doc = raw;
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new ProjectError(`${where}: project.json has no version number`);
  let v: number = version;
  if (v > FORMAT_VERSION) throw new ProjectError(`${where} was saved by a newer Dropout Lab (project format ${v}; this version reads up to ${FORMAT_VERSION}); update the app to open it`);
  while (v < FORMAT_VERSION) {
    const step = MIGRATIONS[v];
    if (!step) throw new ProjectError(`${where}: project format ${v} is not supported`);
    doc = step(doc);
    v++;
  }
  return doc;
}

/** The in-memory project: the JSON document plus the run weight files by zip entry name. */
export interface ProjectBundle {
  project: Project;
  files: Map<string, Uint8Array>;
}

export function newProject(init: { name?: string; model: Project['model']; dataset: Project['dataset']; training?: unknown }, now = new Date()): ProjectBundle {
  const project = ProjectSchema.parse({
    format: FORMAT,
    version: FORMAT_VERSION,
    name: init.name ?? UNTITLED,
    created: now.toISOString(),
    modified: now.toISOString(),
    model: init.model,
    dataset: init.dataset,
    training: TrainingSettingsSchema.parse(init.training ?? {}),
    runs: [],
  });
  return { project, files: new Map() };
}

export function packProject(b: ProjectBundle): Uint8Array {
  const check = ProjectSchema.safeParse(b.project);
  if (!check.success) throw new ProjectError(`refusing to save an invalid project: ${describeZodError(check.error)}`);
  const entries: Record<string, Uint8Array | [Uint8Array, { level: 0 | 6 }]> = {
    'project.json': [strToU8(JSON.stringify(b.project, null, 1)), { level: 6 }],
  };
  for (const r of b.project.runs) {
    if (!r.weights) continue;
    const data = b.files.get(r.weights.file);
    if (!data) throw new ProjectError(`run '${r.name}' refers to ${r.weights.file}, which is missing`);
    entries[r.weights.file] = [data, { level: 0 }]; // float data barely compresses; store it
  }
  return zipSync(entries);
}

/** project.json may hold long histories (a 72,000-step run is ~1.4 MB), never this much. */
export const MAX_PROJECT_JSON_BYTES = 256 * 2 ** 20;

/** The largest run entry a model within this machine's budget writes: weights and Adam's two moments, plus its header. */
export function maxRunEntryBytes(): number {
  return modelBudget().params * 12 + 16 * 2 ** 20;
}

/**
 * Opens project bytes. Only project.json and the run entries it names are
 * inflated, each within its declared-size limit and checked against the zip's
 * CRC-32 and size; entries nobody references are never inflated.
 */
export function unpackProject(bytes: Uint8Array, where: string): ProjectBundle {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new ProjectError(`${where} is not a Dropout Lab project (it is not a zip container)`);
  const damaged = (e: unknown): ProjectError => new ProjectError(`${where} is damaged or truncated and cannot be opened (${(e as Error).message})`);
  const read = (entry: ZipEntry, max: number): Uint8Array => {
    try {
      return readZipEntry(bytes, entry, max);
    } catch (e) {
      throw e instanceof ZipError ? damaged(e) : e;
    }
  };
  let directory: Map<string, ZipEntry>;
  try {
    directory = readZipDirectory(bytes);
  } catch (e) {
    throw damaged(e);
  }
  const jsonEntry = directory.get('project.json');
  if (!jsonEntry) throw new ProjectError(`${where} is a zip file but not a Dropout Lab project (no project.json inside)`);
  let raw: unknown;
  try {
    raw = JSON.parse(strFromU8(read(jsonEntry, MAX_PROJECT_JSON_BYTES)));
  } catch (e) {
    if (e instanceof ProjectError) throw e;
    throw new ProjectError(`${where}: project.json is damaged (not valid JSON)`);
  }
  if (typeof raw !== 'object' || raw === null || (raw as Record<string, unknown>).format !== FORMAT) throw new ProjectError(`${where} is not a Dropout Lab project (project.json has no "format": "${FORMAT}")`);
  const doc = migrate(raw as Record<string, unknown>, where);
  const parsed = ProjectSchema.safeParse(doc);
  if (!parsed.success) throw new ProjectError(`${where}: project.json is invalid: ${describeZodError(parsed.error)}`);
  return { project: parsed.data, files: runFiles(parsed.data.runs, directory, read, where) };
}

/**
 * Why the run's input normaliser cannot standardise its model's input, or null
 * when it can: a damaged or hand-made project whose checksums agree must still
 * be refused rather than load silently (issue #17: a normaliser of the wrong
 * length changed the loss without a word).
 */
export function normalizerProblem(run: Pick<RunRecord, 'name' | 'spec' | 'normalizer'>): string | null {
  const n = run.normalizer;
  if (!n) return null;
  const shape = run.spec.input_shape;
  const size = shape.reduce((a, b) => a * b, 1);
  // fitNormalizer keeps one statistic per channel for images (C×H×W) and one per feature otherwise.
  const group = shape.length === 3 ? shape[1] * shape[2] : 1;
  const want = size / group;
  const where = `run '${run.name}'`;
  if (n.group !== group) return `${where}: its input normaliser groups ${n.group} values per statistic, but its model's input ${shape.join('×')} needs ${group}`;
  if (n.mean.length !== want || n.std.length !== want) return `${where}: its input normaliser has ${n.mean.length} means and ${n.std.length} standard deviations, but its model's input ${shape.join('×')} needs ${want} of each`;
  const bad = n.std.findIndex((s) => !(s > 0));
  if (bad >= 0) return `${where}: its input normaliser's standard deviation ${bad} is ${n.std[bad]}, not a positive number`;
  return null;
}

/** The run entries the records name, each matching its record's CRC-32 and laid out as safetensors; normalisers that fit. */
function runFiles(runs: readonly RunRecord[], directory: ReadonlyMap<string, ZipEntry>, read: (e: ZipEntry, max: number) => Uint8Array, where: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const r of runs) {
    const normalizer = normalizerProblem(r);
    if (normalizer) throw new ProjectError(`${where}: ${normalizer}; the file is damaged`);
    if (!r.weights) continue;
    const entry = directory.get(r.weights.file);
    if (!entry) throw new ProjectError(`${where}: run '${r.name}' is missing its weights (${r.weights.file})`);
    if (entry.crc32 !== r.weights.crc32) throw new ProjectError(`${where}: the weights of run '${r.name}' are damaged (checksum mismatch in ${r.weights.file})`);
    const data = files.get(r.weights.file) ?? read(entry, maxRunEntryBytes());
    try {
      readSafetensorsHeader(data, r.weights.file);
    } catch (e) {
      if (e instanceof SafetensorsError) throw new ProjectError(`${where}: the weights of run '${r.name}' are damaged (${e.message})`);
      throw e;
    }
    files.set(r.weights.file, data);
  }
  return files;
}

const OPT_PREFIX = '__optimizer__.';

/** Stores a run's weights (state_dict names) and optimizer state in one safetensors entry. */
export function putRunWeights(b: ProjectBundle, runId: string, weights: ReadonlyMap<string, NamedTensor>, optimizer?: { step: number; lr: number; buffers: ReadonlyMap<string, Float32Array> }): RunRecord['weights'] {
  const all = new Map(weights);
  if (optimizer) for (const [k, v] of optimizer.buffers) all.set(OPT_PREFIX + k, { shape: [v.length], data: v });
  const meta: Record<string, string> = { format: 'dropout-lab-run', run: runId };
  if (optimizer) Object.assign(meta, { optimizer_step: String(optimizer.step), optimizer_lr: String(optimizer.lr) });
  const bytes = encodeSafetensors(all, meta);
  const file = `runs/${runId}.safetensors`;
  b.files.set(file, bytes);
  return { file, crc32: crc32(bytes) };
}

export function getRunWeights(b: ProjectBundle, run: RunRecord): { weights: Map<string, NamedTensor>; optimizer: { step: number; lr: number; buffers: Map<string, Float32Array> } | null } {
  if (!run.weights) throw new ProjectError(`run '${run.name}' has no saved weights`);
  const bytes = b.files.get(run.weights.file);
  if (!bytes) throw new ProjectError(`run '${run.name}' is missing ${run.weights.file}`);
  const { tensors, metadata } = decodeSafetensors(bytes, run.weights.file);
  const weights = new Map<string, NamedTensor>();
  const buffers = new Map<string, Float32Array>();
  for (const [k, t] of tensors) {
    if (k.startsWith(OPT_PREFIX)) buffers.set(k.slice(OPT_PREFIX.length), t.data);
    else weights.set(k, t);
  }
  const optimizer = metadata.optimizer_step !== undefined ? { step: Number(metadata.optimizer_step), lr: Number(metadata.optimizer_lr), buffers } : null;
  return { weights, optimizer };
}
