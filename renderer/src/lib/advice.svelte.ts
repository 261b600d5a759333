/**
 * The placement advisor as UI state: the engine's `advice` for the model being
 * edited, asked a beat after the last edit (typing p = 0.35 is one question,
 * not four) with only the latest question's answer kept; and the helpers that
 * place a finding on the canvas (the engine names layers by dotted name path,
 * the editor by index path).
 */
import type { ParamsOf, ResultOf } from '../../../engine/protocol.ts';
import type { RunRecord } from './project.svelte.ts';
import type { LayerSpec, ModelSpec } from './spec-edit.ts';
import { LatestRequest, errorText } from './latest-request.ts';

export type Finding = ResultOf<'advice'>['findings'][number];
export type AdviceContext = NonNullable<ParamsOf<'advice'>['context']>;
export type AskAdvice = (params: ParamsOf<'advice'>) => Promise<ResultOf<'advice'>>;

export const ADVICE_DELAY_MS = 300;

export class Advisor {
  findings = $state.raw<Finding[]>([]);
  /** The spec the findings were given for: a fix replaces the whole model, so it is offered only while this is the model shown. */
  about = $state.raw<ModelSpec | null>(null);
  pending = $state(false);
  error = $state<string | null>(null);
  private readonly latest = new LatestRequest();

  constructor(private readonly ask: AskAdvice, private readonly delay = ADVICE_DELAY_MS) {}

  /** Asks about `spec` after the delay (at once the first time); an earlier question still waiting or in flight is dropped. */
  update(spec: ModelSpec | null, context: AdviceContext = {}): void {
    if (!spec) {
      this.latest.drop();
      this.findings = [];
      this.about = null;
      this.pending = false;
      return;
    }
    this.pending = true;
    const first = this.about === null && this.findings.length === 0;
    const settle = (findings: Finding[], error: string | null) => {
      [this.findings, this.error, this.about, this.pending] = [findings, error, spec, false];
    };
    void this.latest.run(() => this.ask({ spec, context }), { ok: (r) => settle(r.findings, null), fail: (e) => settle([], errorText(e)) }, first ? 0 : this.delay);
  }

  isCurrent(spec: ModelSpec | null | undefined): boolean {
    return !!spec && spec === this.about && !this.pending;
  }

  dispose(): void {
    this.latest.drop();
  }
}

/**
 * The editor's index path of the layer the engine calls `enginePath` ("2", "drop1", "res1.0"):
 * each segment is a layer's name, or its index when it has none. Null if the spec has no such layer.
 */
export function layerPath(spec: ModelSpec, enginePath: string): number[] | null {
  const path: number[] = [];
  let list: readonly LayerSpec[] | undefined = spec.layers;
  for (const seg of enginePath.split('.')) {
    if (!list) return null;
    const i = list.findIndex((l, k) => (l.name ?? String(k)) === seg);
    if (i < 0) return null;
    path.push(i);
    list = list[i].layers;
  }
  return path;
}

/** Findings by the editor's path key ("2", "3.0"); whole-model findings are left out. */
export function findingsByLayer(spec: ModelSpec, findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const path = f.layer === null ? null : layerPath(spec, f.layer);
    if (!path) continue;
    const key = path.join('.');
    out.set(key, [...(out.get(key) ?? []), f]);
  }
  return out;
}

export function severityCounts(findings: readonly Finding[]): { warning: number; info: number } {
  const warning = findings.filter((f) => f.severity === 'warning').length;
  return { warning, info: findings.length - warning };
}

/** Warnings first, then by the order the engine gave (which follows the model top to bottom). */
export function ordered(findings: readonly Finding[]): Finding[] {
  return findings.map((f, i) => ({ f, i })).sort((a, b) => Number(b.f.severity === 'warning') - Number(a.f.severity === 'warning') || a.i - b.i).map((x) => x.f);
}

/** The newest finished run's losses per epoch: what the widening-gap rule reads. */
export function historyContext(runs: readonly RunRecord[]): AdviceContext {
  const run = [...runs].reverse().find((r) => r.status !== 'running' && r.history.epochs.length > 0);
  return run ? { history: run.history.epochs.map((e) => ({ train_loss: e.train_loss, val_loss: e.val_loss })) } : {};
}
