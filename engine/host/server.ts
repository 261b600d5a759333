/**
 * The engine behind the protocol, independent of the transport: every
 * incoming value is validated (size and depth, envelope, then the request
 * type's params), answered with a response or an error, never thrown at the
 * host. Requests go through one table, a handler per type; each concern
 * (datasets, the project, training, inference, MC-dropout, sweeps) lives in
 * its own module beside this one.
 */
import type { z } from 'zod';
import {
  PROTOCOL_VERSION, REQUESTS, RequestEnvelopeSchema, describeIssues, replyId,
  type EngineEvent, type ErrorCode, type ParsedParamsOf, type RequestType, type ResultOf, type ToClient,
} from '../protocol.ts';
import { validateSpec, type ModelSpec } from '../nn/spec.ts';
import { advise } from '../experiments/advisor.ts';
import { SourceMissing } from '../data/source-missing.ts';
import { catalog } from './catalog.ts';
import { DatasetCache } from './dataset-cache.ts';
import { ForbiddenPath, type EngineHost } from './engine-host.ts';
import { EventPacer } from './event-pacer.ts';
import { Inference } from './inference.ts';
import { McJobs } from './mc-jobs.ts';
import { refuseMessage } from './message-limits.ts';
import { ProjectSession } from './project-session.ts';
import { ReplyError } from './reply-error.ts';
import { SweepSession } from './sweep-session.ts';
import { TrainingSession } from './training-session.ts';

type Handlers = { readonly [T in RequestType]: (params: ParsedParamsOf<T>) => ResultOf<T> | Promise<ResultOf<T>> };

/** REQUESTS seen per type, so a generic request type picks its own schema (no cast). */
const PARAMS: { readonly [T in RequestType]: { readonly params: z.ZodType<ParsedParamsOf<T>> } } = REQUESTS;

function isRequestType(type: string): type is RequestType {
  return Object.hasOwn(REQUESTS, type);
}

export class EngineServer {
  /** Step losses and progress leave in paced batches; everything else at once, in order. */
  private readonly pacer = new EventPacer((event) => this.send({ type: 'event', event }));
  private readonly handlers: Handlers;

  constructor(private readonly host: EngineHost) {
    const datasets = new DatasetCache(host, this.pacer);
    const project = new ProjectSession(host, datasets, this.pacer);
    const training = new TrainingSession(host, datasets, project, this.pacer);
    const sweeps = new SweepSession(host, datasets, project, this.pacer);
    const mc = new McJobs(datasets, project, this.pacer);
    const inference = new Inference(datasets, project, mc);
    /** One training job at a time: a run or a sweep. */
    const idle = (): void => {
      const why = training.busy() ?? sweeps.busy();
      if (why) throw new ReplyError('busy', why);
    };
    this.handlers = {
      catalog: () => catalog(host.backend),
      validate: (p) => validateSpec(p.spec),
      'dataset.preview': (p) => datasets.preview(p),
      'dataset.cancel': () => datasets.cancel(),
      // The dataset is imported (with progress, cancellable) before the run starts; the run then finds it cached.
      'train.start': async (p) => (idle(), p.resume_run || (await datasets.prepare(p.dataset)), idle(), training.start(p)),
      'train.pause': () => training.control('pause'),
      'train.resume': () => training.control('resume'),
      'train.stop': () => training.control('stop'),
      evaluate: (p) => inference.evaluate(p),
      results: (p) => inference.results(p),
      predict: (p) => inference.predict(p),
      inspect: (p) => inference.inspect(p),
      'project.new': (p) => project.new(p),
      'project.open': (p) => project.open(p),
      'project.edit': (p) => project.edit(p),
      'project.save': (p) => project.save(p),
      'project.current': () => project.current(),
      'project.recovery': () => project.offerRecovery(),
      'project.recover': (p) => project.recover(p),
      'runs.list': () => project.runsList(),
      'runs.delete': (p) => project.deleteRun(p),
      export: (p) => project.exportRun(p),
      'mc.grid': (p) => mc.grid(p),
      'mc.samples': (p) => mc.samples(p),
      'mc.cancel': () => mc.cancel(),
      advice: (p) => ({ findings: advise(p.spec as ModelSpec, p.context) }),
      'sweep.start': async (p) => (idle(), await datasets.prepare(p.dataset), idle(), sweeps.start(p)),
      'sweep.cancel': () => sweeps.cancel(),
    };
  }

  announce(): void {
    this.event({ type: 'ready', protocol: PROTOCOL_VERSION, backend: this.host.backend, pid: this.host.pid });
  }

  /** Handles one incoming value. Never throws; a promise that resolves once the reply is sent. */
  async handle(raw: unknown): Promise<void> {
    const refused = refuseMessage(raw);
    if (refused) return this.reply({ type: 'error', id: replyId(raw), error: refused });
    const env = RequestEnvelopeSchema.safeParse(raw);
    if (!env.success) {
      this.reply({ type: 'error', id: replyId(raw), error: { code: 'bad-message', message: `not a request: ${describeIssues(env.error)}; send {id, type, ...params}` } });
      return;
    }
    const { id, type, ...params } = env.data;
    try {
      if (!isRequestType(type)) throw new ReplyError('unknown-type', `unknown request type '${type.slice(0, 60)}'; known: ${Object.keys(REQUESTS).join(', ')}`);
      const result = await this.dispatch(type, params);
      this.reply({ type: 'response', id, result });
    } catch (e) {
      const code: ErrorCode = e instanceof ReplyError ? e.code : e instanceof ForbiddenPath ? 'forbidden' : e instanceof SourceMissing ? 'data-missing' : 'failed';
      const missing = e instanceof SourceMissing ? { data_missing: e.info } : {};
      this.reply({ type: 'error', id, error: { code, message: e instanceof Error ? e.message : String(e), ...missing } });
    }
  }

  private dispatch<T extends RequestType>(type: T, params: Record<string, unknown>): ResultOf<T> | Promise<ResultOf<T>> {
    const r = PARAMS[type].params.safeParse(params);
    if (!r.success) throw new ReplyError('bad-params', `${type}: ${describeIssues(r.error)}`);
    return this.handlers[type](r.data);
  }

  /** A response or error, after the events held so far (a client sees a job's last progress before its answer). */
  private reply(msg: ToClient): void {
    this.pacer.flush();
    this.send(msg);
  }

  private send(msg: ToClient): void {
    try {
      this.host.send(msg);
    } catch (e) {
      // A reply that cannot be serialised must not take the engine down; say so instead.
      if (msg.type !== 'error') this.host.send({ type: 'error', id: 'id' in msg ? msg.id : null, error: { code: 'failed', message: `reply could not be sent: ${(e as Error).message}` } });
    }
  }

  private event(event: EngineEvent): void {
    this.pacer.event(event);
  }
}
