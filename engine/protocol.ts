/**
 * THE message protocol between the engine process and whoever drives it (the
 * Electron renderer over a MessagePort, the web renderer over a WebSocket, the
 * tests over stdio). Defined once, validated on every receipt, imported with
 * `import type` everywhere but the receivers that validate. No Node or DOM
 * imports: this file runs in all three processes.
 *
 * Client → engine: a request `{id, type, ...params}`.
 * Engine → client: `{type: 'response', id, result}`, `{type: 'error', id, error}`
 * (id null when the message had no usable id) or `{type: 'event', event}`.
 * Tensors travel as `{shape, data: Float32Array}`: transferred as ArrayBuffers
 * over MessagePorts, base64 inside JSON elsewhere (engine/host/wire.ts).
 */
import { z } from 'zod';
import { DatasetChoiceSchema } from './data/choice.ts';
import { MissingSourceSchema } from './data/source-missing.ts';
import { ProjectSchema, RunSchema } from './project/project.ts';
import { SweepPlanSchema } from './experiments/sweep-plan.ts';
import { EpochMetricsSchema } from './train/epoch-metrics.ts';
import type { LayerReport } from './nn/spec.ts';

export const PROTOCOL_VERSION = 2;

// ---------------------------------------------------------------- shared pieces

export const TensorSchema = z.object({ shape: z.array(z.number().int().min(0)), data: z.instanceof(Float32Array) });
export type TensorData = z.infer<typeof TensorSchema>;

/** Structure only; the engine's validateSpec judges the layers and reports per-layer errors. */
export const SpecSchema = z.object({
  input_shape: z.array(z.number().int().positive()).min(1).max(8),
  layers: z.array(z.object({ kind: z.string().min(1), name: z.string().optional() }).catchall(z.unknown())).max(500),
});

/** A model to run: a trained run of the open project, or a fresh (untrained) spec with an init seed. */
export const ModelSourceSchema = z.union([
  z.object({ run_id: z.string().min(1) }),
  z.object({ spec: SpecSchema, seed: z.number().int().min(0).default(0) }),
]);

/** One sample (or batch) to feed: explicit values, or sample `index` of a dataset (normalised as the run was). */
export const InputSchema = z.union([
  z.object({ tensor: TensorSchema }),
  z.object({ dataset: DatasetChoiceSchema, index: z.number().int().min(0) }),
]);

const ModeSchema = z.enum(['train', 'eval']);

/** The fields of engine/nn/spec.ts' LayerReport but its children (test/engine/protocol-types.test.ts checks they agree). */
export const LayerFieldsSchema = z.object({
  index: z.number(), name: z.string(), path: z.string(), kind: z.string(),
  inputShape: z.array(z.number()).nullable(), outputShape: z.array(z.number()).nullable(),
  paramCount: z.number(), error: z.string().nullable(),
});

/** Recursive: Residual/Sequential blocks carry their inner layers' reports. */
const LayerReportSchema: z.ZodType<LayerReport> = z.lazy(() => LayerFieldsSchema.extend({ children: z.array(LayerReportSchema).optional() }));

const ArgInfoSchema = z.object({
  name: z.string(), type: z.string(), default: z.unknown().optional(), required: z.boolean(),
  min: z.number().optional(), max: z.number().optional(), maxExclusive: z.boolean().optional(),
  options: z.array(z.string()).optional(), doc: z.string(), docZh: z.string(),
});

/** engine/nn/layer-def.ts' LayerTraits; catalog.ts' typed return checks the two agree. */
const LayerTraitsSchema = z.object({
  stochastic: z.object({
    rate: z.string(), sweepable: z.boolean().optional(), conventionalRate: z.boolean().optional(), elementwise: z.boolean().optional(),
    seluOnly: z.object({ plain: z.string() }).optional(),
  }).optional(),
  activation: z.boolean().optional(),
  shapePassive: z.boolean().optional(),
});

const RunSummarySchema = z.object({
  id: z.string(), name: z.string(), status: z.string(), created: z.string(), epochs: z.number(),
  test: z.object({ loss: z.number(), accuracy: z.number().nullable() }).nullable(), has_weights: z.boolean(),
});

const SplitSchema = z.enum(['train', 'val', 'test']);

/**
 * One example of a split as the model saw it. Classification: `predicted` is argmax(probs) and
 * `confidence` its softmax probability. Regression: `label`/`predicted` are the first target and
 * output, `probs` is empty and `confidence` null.
 */
const ResultSampleSchema = z.object({ index: z.number().int(), label: z.number(), predicted: z.number(), confidence: z.number().nullable(), probs: z.array(z.number()) });

/** The values a finding's sentences quote: as shown, or an unnamed layer by its path (engine/experiments/advice-text.ts). */
const AdviceVarsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.object({ layer: z.string() })]));

/**
 * A placement-advisor finding (engine/experiments/advisor.ts) as data: each language words it from its own
 * templates by rule, variant and fix action; `fix.spec` is the whole fixed model.
 */
const FindingSchema = z.object({
  id: z.string(), rule: z.string(), severity: z.enum(['info', 'warning']), layer: z.string().nullable(),
  variant: z.string().nullable(), vars: AdviceVarsSchema, article_section: z.string().nullable(),
  fix: z.object({ action: z.string(), vars: AdviceVarsSchema, spec: SpecSchema }).nullable(),
});

/** What the advisor may know beyond the spec: a run's epochs (widening gap) and how the model is about to be used. */
const AdviceContextSchema = z.object({
  history: z.array(z.object({ train_loss: z.number(), val_loss: z.number().nullable() }).passthrough()).max(100_000).optional(),
  mode: ModeSchema.optional(),
  action: z.enum(['evaluate', 'export', 'predict']).optional(),
});

/**
 * MC-dropout statistics (engine/experiments/mc-dropout.ts), per sample: mean and std [n, K] of the softmax
 * probabilities (classification) or outputs (regression); entropy, expected entropy and mutual information [n]
 * in nats (null for regression).
 */
const McStatsSchema = z.object({
  passes: z.number(), seed: z.number(), task: z.enum(['classification', 'regression']),
  mean: TensorSchema, std: TensorSchema,
  entropy: TensorSchema.nullable(), expected_entropy: TensorSchema.nullable(), mutual_information: TensorSchema.nullable(),
});

const SweepMetricSchema = z.enum(['val_loss', 'val_accuracy']);

/** One setting of a sweep over its seeds (engine/experiments/recommend.ts): metric mean ± standard error, final-epoch train−validation gap. */
const RecommendRowSchema = z.object({
  group: z.string(), p: z.record(z.string(), z.number()), strength: z.number(), placement: z.string().nullable(),
  seeds: z.array(z.number()), run_ids: z.array(z.string()), mean: z.number(), se: z.number(), best_epoch: z.number(),
  gap: z.number(), gap_se: z.number(), gap_basis: z.string(),
});
const RecommendationSchema = z.object({ metric: SweepMetricSchema, at: z.enum(['best', 'final']), best: RecommendRowSchema.nullable(), table: z.array(RecommendRowSchema), reasoning: z.string() });

/**
 * The open project as the renderer shows it: the engine's document, where it lives, whether it has unsaved changes;
 * after a recovery, `missing`: runs whose weights were lost (their records stay), `lost`: runs it could not bring back at all, and why.
 */
const ProjectViewSchema = z.object({ doc: ProjectSchema, path: z.string().nullable(), dirty: z.boolean(), missing: z.array(z.string()), lost: z.array(z.object({ run: z.string(), reason: z.string() })) });
/** Spelled out, not `ProjectSchema.pick().partial()`: zod 4 would fill a left-out name with its default. */
const ProjectEditSchema = z.object({
  name: z.string().min(1).max(200).optional(), model: ProjectSchema.shape.model.optional(),
  dataset: ProjectSchema.shape.dataset.optional(), training: ProjectSchema.shape.training.optional(),
});
/** `name` is null when the copy is damaged (restoring it then fails with the reason). */
const RecoveryOfferSchema = z.object({ session: z.string(), name: z.string().nullable(), path: z.string().nullable(), saved_at: z.string() });

// ---------------------------------------------------------------- requests: params and results, one row each

export const REQUESTS = {
  catalog: {
    params: z.object({}),
    result: z.object({
      protocol: z.number(), backend: z.string(),
      layers: z.array(z.object({ kind: z.string(), category: z.string(), nameBase: z.string(), description: z.string(), descriptionZh: z.string(), traits: LayerTraitsSchema, args: z.array(ArgInfoSchema) })),
      datasets: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
    }),
  },
  validate: {
    params: z.object({ spec: SpecSchema }),
    result: z.object({ ok: z.boolean(), layers: z.array(LayerReportSchema), outputShape: z.array(z.number()).nullable(), totalParams: z.number(), errors: z.array(z.string()) }),
  },
  'dataset.preview': {
    params: z.object({ dataset: DatasetChoiceSchema, count: z.number().int().min(1).max(1024).default(64) }),
    result: z.object({
      name: z.string(), task: z.enum(['classification', 'regression']), size: z.number(), input_shape: z.array(z.number()),
      class_names: z.array(z.string()), class_counts: z.array(z.number()),
      /** How to draw it: 'image' (C×H×W, values in [0,1]), 'points' (2-D), 'curve' (1-D x → y), 'tokens' or 'vector'. */
      view: z.enum(['image', 'points', 'curve', 'tokens', 'vector']),
      features: TensorSchema,
      labels: z.array(z.number()),
      /** Files of the source left out and why (undecodable images), at most 200; `skipped_total` counts them all. */
      skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
      skipped_total: z.number(),
    }),
  },
  /** Stops the dataset import in progress (a preview's or a training start's): its request then fails with the code 'cancelled'. */
  'dataset.cancel': { params: z.object({}), result: z.object({ state: z.enum(['cancelling', 'idle']) }) },
  'train.start': {
    params: z.object({
      spec: SpecSchema, dataset: DatasetChoiceSchema, settings: z.unknown().default({}),
      name: z.string().max(200).optional(),
      /** Continue this run from its last checkpoint (after a crash or a stop); spec/dataset/settings come from the checkpoint. */
      resume_run: z.string().optional(),
    }),
    result: z.object({ run_id: z.string(), resumed_from_epoch: z.number().nullable(), steps_total: z.number() }),
  },
  'train.pause': { params: z.object({}), result: z.object({ state: z.string() }) },
  'train.resume': { params: z.object({}), result: z.object({ state: z.string() }) },
  'train.stop': { params: z.object({}), result: z.object({ state: z.string() }) },
  evaluate: {
    params: z.object({ run_id: z.string().optional(), split: SplitSchema.default('test') }),
    result: z.object({ run_id: z.string(), split: z.string(), samples: z.number(), loss: z.number(), accuracy: z.number().nullable() }),
  },
  /** What a run gets right and wrong on a split: confusion matrix, examples (mistakes first) and, for 2-D points, its decision regions. */
  results: {
    params: z.object({ run_id: z.string().min(1), split: SplitSchema.default('test'), samples: z.number().int().min(0).max(256).default(48), grid: z.number().int().min(0).max(200).default(0) }),
    result: z.object({
      run_id: z.string(), split: SplitSchema, task: z.enum(['classification', 'regression']), class_names: z.array(z.string()),
      /** Samples in the split. */
      size: z.number(), loss: z.number(), accuracy: z.number().nullable(),
      /** confusion[true][predicted]; empty for regression. */
      confusion: z.array(z.array(z.number())),
      /** Wrong predictions first (most confident first), then right ones in split order; regression: largest squared error first. */
      samples: z.array(ResultSampleSchema),
      /** The samples' raw (un-normalised) inputs, [n, ...input_shape]; images in [0, 1]. */
      inputs: TensorSchema,
      /**
       * Class probabilities on a size×size grid of cell centres over the data's range (10% margin), in raw
       * coordinates: probs[row][col][class], row 0 at y_min, col 0 at x_min. Only for 2-D points when grid > 0.
       */
      boundary: z.object({
        x_min: z.number(), x_max: z.number(), y_min: z.number(), y_max: z.number(), size: z.number(), probs: TensorSchema,
        /** The split's raw points (at most 2,000) and their labels, to draw over the regions. */
        points: TensorSchema, point_labels: z.array(z.number()),
      }).nullable(),
    }),
  },
  /**
   * With `mc`, T passes with only the dropout-like layers in train mode (`mode` is ignored); `output` is then the
   * mean (probabilities for classification) and `predicted` its argmax.
   */
  predict: {
    params: z.object({ model: ModelSourceSchema, input: InputSchema, mode: ModeSchema.default('eval'), seed: z.number().int().min(0).default(0), mc: z.object({ passes: z.number().int().min(1).max(1000) }).optional() }),
    result: z.object({ mode: ModeSchema, output: TensorSchema, predicted: z.array(z.number()).nullable(), mc: McStatsSchema.optional() }),
  },
  /**
   * MC-dropout over the same grid as `results`' boundary (cell centres, row 0 at y_min, col 0 at x_min): mean
   * probabilities [size, size, K], predictive entropy and mutual information [size, size] in nats. 2-D point data only.
   */
  'mc.grid': {
    params: z.object({ run_id: z.string().min(1), split: SplitSchema.default('test'), grid: z.number().int().min(2).max(200).default(50), passes: z.number().int().min(1).max(1000).default(30), seed: z.number().int().min(0).default(0) }),
    result: z.object({
      run_id: z.string(), passes: z.number(), x_min: z.number(), x_max: z.number(), y_min: z.number(), y_max: z.number(), size: z.number(),
      mean: TensorSchema, entropy: TensorSchema, mutual_information: TensorSchema, points: TensorSchema, point_labels: z.array(z.number()),
    }),
  },
  /** The split's most uncertain samples under MC-dropout (by mutual information or predictive entropy), with their raw inputs. Classification only. */
  'mc.samples': {
    params: z.object({
      run_id: z.string().min(1), split: SplitSchema.default('test'), passes: z.number().int().min(1).max(1000).default(30), seed: z.number().int().min(0).default(0),
      samples: z.number().int().min(1).max(256).default(24), by: z.enum(['mutual_information', 'entropy']).default('mutual_information'),
    }),
    result: z.object({
      run_id: z.string(), split: SplitSchema, passes: z.number(), class_names: z.array(z.string()), size: z.number(),
      samples: z.array(z.object({ index: z.number().int(), label: z.number(), predicted: z.number(), probs: z.array(z.number()), std: z.array(z.number()), entropy: z.number(), mutual_information: z.number() })),
      /** The samples' raw (un-normalised) inputs, [n, ...input_shape]; images in [0, 1]. */
      inputs: TensorSchema,
    }),
  },
  /** The placement advisor's findings for a spec, each with the article heading and an optional fixed spec. */
  advice: {
    params: z.object({ spec: SpecSchema, context: AdviceContextSchema.default({}) }),
    result: z.object({ findings: z.array(FindingSchema) }),
  },
  /**
   * Trains the plan's variants, up to `workers` at once in worker threads (default: the engine's core count, or
   * DLAB_SWEEP_WORKERS; 1 trains them in turn in the engine itself). Events: sweep-progress, sweep-run per finished
   * run with its record (in finishing order), sweep-finished with the recommendation. Refused while a run or another
   * sweep trains. The result says how many workers it uses.
   */
  'sweep.start': {
    params: z.object({
      spec: SpecSchema, dataset: DatasetChoiceSchema, settings: z.unknown().default({}), plan: SweepPlanSchema,
      metric: SweepMetricSchema.default('val_loss'), at: z.enum(['best', 'final']).default('best'), name: z.string().max(200).optional(),
      workers: z.number().int().min(1).max(256).optional(),
    }),
    result: z.object({ sweep_id: z.string(), runs_total: z.number(), workers: z.number() }),
  },
  /** Stops the sweep: the runs in progress are dropped at once, finished runs stay. */
  'sweep.cancel': { params: z.object({}), result: z.object({ state: z.string() }) },
  /** Stops the MC-dropout in progress (mc.grid, mc.samples, predict with mc): its request then fails with the code 'cancelled'. State 'idle' when none runs. */
  'mc.cancel': { params: z.object({}), result: z.object({ state: z.enum(['cancelling', 'idle']) }) },
  inspect: {
    params: z.object({ model: ModelSourceSchema, input: InputSchema, mode: ModeSchema.default('train'), seed: z.number().int().min(0).default(0) }),
    result: z.object({
      mode: ModeSchema,
      input: TensorSchema,
      layers: z.array(z.object({
        name: z.string(), kind: z.string(), output: TensorSchema,
        /** A dropout-like layer (it draws noise while training), whether or not it drew on this forward. */
        stochastic: z.boolean(),
        /** What a dropout-like layer drew on this forward (null in eval mode or for other layers). */
        noise: z.object({ kind: z.string(), meaning: z.string(), p: z.number(), rate_name: z.string(), scale: z.number().nullable(), mask: TensorSchema }).nullable(),
      })),
    }),
  },
  'project.new': {
    params: z.object({ name: z.string().max(200).optional(), template: z.enum(['mlp', 'cnn', 'transformer', 'blank']).default('mlp'), dataset: DatasetChoiceSchema.optional() }),
    result: z.object({ doc: ProjectSchema }),
  },
  /** Opens even when the data source moved: `data_missing` then says which, where and what (the Data view offers to choose it again). */
  'project.open': { params: z.object({ path: z.string().min(1) }), result: z.object({ path: z.string(), doc: ProjectSchema, data_missing: MissingSourceSchema.nullable() }) },
  /** One user edit of the open project (the fields it changes); the engine owns the document and journals it for recovery. */
  'project.edit': { params: ProjectEditSchema, result: z.object({ dirty: z.boolean() }) },
  /** Saves the engine's project, run weights included, to `path`. */
  'project.save': { params: z.object({ path: z.string().min(1) }), result: z.object({ path: z.string(), bytes: z.number(), modified: z.string() }) },
  /** The open project as the engine holds it (after an engine restart it comes from the recovery journal). */
  'project.current': { params: z.object({}), result: ProjectViewSchema },
  /** Unsaved work left by an engine that is gone (a closed tab or window, a crash), or null. */
  'project.recovery': { params: z.object({}), result: z.object({ offer: RecoveryOfferSchema.nullable() }) },
  /** Restores the offered work (`accept`), or forgets it; the result is the project the engine then holds. */
  'project.recover': { params: z.object({ session: z.string().min(1).max(100), accept: z.boolean() }), result: ProjectViewSchema },
  /** Removes a run (and its weights) from the project. */
  'runs.delete': { params: z.object({ run_id: z.string().min(1) }), result: z.object({ dirty: z.boolean() }) },
  'runs.list': { params: z.object({}), result: z.object({ runs: z.array(RunSummarySchema) }) },
  /** Writes a run's export into `dir` (a folder, confined like project paths); the latest run with weights by default. */
  export: {
    params: z.object({ run_id: z.string().min(1).optional(), format: z.enum(['pytorch', 'onnx', 'csv']), dir: z.string().min(1) }),
    result: z.object({ dir: z.string(), files: z.array(z.string()), notes: z.array(z.string()) }),
  },
} as const;

export type RequestType = keyof typeof REQUESTS;
export type ParamsOf<T extends RequestType> = z.input<(typeof REQUESTS)[T]['params']>;
export type ParsedParamsOf<T extends RequestType> = z.output<(typeof REQUESTS)[T]['params']>;
export type ResultOf<T extends RequestType> = z.output<(typeof REQUESTS)[T]['result']>;
export const REQUEST_TYPES = Object.keys(REQUESTS) as RequestType[];

/** The one definition of a request id, for requests and the replies that echo them (zod's int() is a safe integer). */
export const RequestIdSchema = z.union([z.number().int(), z.string().min(1).max(64)]);
export type RequestId = z.infer<typeof RequestIdSchema>;

/** The id to answer a message with: its own if the protocol accepts it, else null (an id the reply schema would reject). */
export function replyId(raw: unknown): RequestId | null {
  const id = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? Reflect.get(raw, 'id') : undefined;
  const r = RequestIdSchema.safeParse(id);
  return r.success ? r.data : null;
}

/**
 * The largest message a client may send, in bytes of JSON text: every transport refuses bigger ones with an
 * error (the WebSocket closes with 1009), so no single message can run the engine out of memory.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Deepest nesting of arrays and objects a message may have (the lab's own messages stay far below it). */
export const MAX_MESSAGE_DEPTH = 100;

/** The envelope every request shares; params are validated per type after it. */
export const RequestEnvelopeSchema = z.object({ id: RequestIdSchema, type: z.string() }).passthrough();

// ---------------------------------------------------------------- events (engine → client, unsolicited)

export const TrainerStateSchema = z.enum(['idle', 'running', 'paused', 'cancelled', 'done', 'failed']);

export const EngineEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), protocol: z.number(), backend: z.string(), pid: z.number() }),
  z.object({ type: z.literal('state'), run_id: z.string(), state: TrainerStateSchema }),
  z.object({ type: z.literal('progress'), run_id: z.string(), epoch: z.number(), step: z.number(), steps_total: z.number(), fraction: z.number(), elapsed_s: z.number(), eta_s: z.number().nullable() }),
  /** The training losses of steps first_step, first_step + 1, … (one event per ~50 ms while a run trains). */
  z.object({ type: z.literal('steps'), run_id: z.string(), epoch: z.number(), first_step: z.number().int().min(1), losses: z.array(z.number()) }),
  z.object({ type: z.literal('epoch'), run_id: z.string(), metrics: EpochMetricsSchema }),
  z.object({ type: z.literal('checkpoint'), run_id: z.string(), epoch: z.number(), step: z.number() }),
  /** `run` is the run record exactly as a project's `runs` holds it (null when training failed): append it to the doc. */
  z.object({ type: z.literal('finished'), run_id: z.string(), status: z.enum(['done', 'cancelled', 'failed']), test: z.object({ loss: z.number(), accuracy: z.number().nullable() }).nullable(), error: z.string().nullable(), run: RunSchema.nullable() }),
  z.object({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  /** `run_index`/`run_fraction`: the run this update is about; `fraction`: the sweep's, finished runs plus the fractions of those in progress. */
  z.object({ type: z.literal('sweep-progress'), sweep_id: z.string(), run_index: z.number(), runs_total: z.number(), label: z.string(), run_fraction: z.number(), fraction: z.number() }),
  /** A sweep run finished: `run` is its record as a project's `runs` holds it (append it to the doc); `train_eval` is its eval-mode training loss/accuracy. */
  z.object({
    type: z.literal('sweep-run'), sweep_id: z.string(), index: z.number(), runs_total: z.number(), label: z.string(), group: z.string(),
    p: z.record(z.string(), z.number()), placement: z.string().nullable(), seed: z.number(), run: RunSchema, train_eval: z.object({ loss: z.number(), accuracy: z.number().nullable() }),
  }),
  /** The MC-dropout in progress (one at a time): the fraction of its passes done. */
  /** A dataset import in progress (files read of total): sent while a preview or training start imports a folder. */
  z.object({ type: z.literal('dataset-progress'), source: z.string(), done: z.number(), total: z.number(), fraction: z.number(), elapsed_s: z.number(), eta_s: z.number().nullable() }),
  z.object({ type: z.literal('mc-progress'), fraction: z.number(), elapsed_s: z.number(), eta_s: z.number().nullable() }),
  z.object({ type: z.literal('sweep-finished'), sweep_id: z.string(), status: z.enum(['done', 'cancelled', 'failed']), runs: z.number(), error: z.string().nullable(), recommendation: RecommendationSchema.nullable() }),
  /** Sent by the host (Electron main, web host), not the engine: the engine process died; `restarted` when a fresh one is starting. */
  z.object({ type: z.literal('engine-lost'), reason: z.string(), restarted: z.boolean() }),
]);
export type EngineEvent = z.infer<typeof EngineEventSchema>;

// ---------------------------------------------------------------- engine → client envelopes

/**
 * 'too-large': over MAX_MESSAGE_BYTES; 'engine-lost': the engine process died before answering (sent by the host);
 * 'data-missing': the request's data source moved or changed, and the error's `data_missing` says how.
 */
export const ErrorCodeSchema = z.enum(['bad-message', 'unknown-type', 'bad-params', 'failed', 'busy', 'not-found', 'forbidden', 'cancelled', 'too-large', 'engine-lost', 'data-missing']);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ToClientSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('response'), id: RequestIdSchema, result: z.unknown() }),
  z.object({ type: z.literal('error'), id: RequestIdSchema.nullable(), error: z.object({ code: ErrorCodeSchema, message: z.string(), data_missing: MissingSourceSchema.optional() }) }),
  z.object({ type: z.literal('event'), event: EngineEventSchema }),
]);
export type ToClient = z.infer<typeof ToClientSchema>;

export type Request<T extends RequestType = RequestType> = { id: RequestId; type: T } & ParamsOf<T>;

/** A readable one-line summary of a zod error, for error replies. */
export function describeIssues(e: z.ZodError): string {
  return e.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
}
