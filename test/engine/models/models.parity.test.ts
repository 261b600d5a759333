/**
 * The article's MLP and CNN (dropout p = 0) trained for 5 steps with SGD+momentum
 * and with Adam, from the same formula-made weights and batches as torch:
 * every loss and every final weight within 1e-4 relative.
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Adam, SGD, Tensor, buildModel, crossEntropy, type Optimizer } from '../../../engine/index.ts';
import { FIXTURE_DIR, loadFixture } from '../../helpers/fixtures.ts';
import { expectClose } from '../../helpers/compare.ts';
import { hashUniform } from '../../helpers/formula.ts';

interface ModelFixture {
  model: { name: string; kind: string; args: Record<string, unknown> }[];
  input_shape: number[];
  batch: number;
  classes: number;
  runs: Record<string, { optim: 'SGD' | 'Adam'; args: Record<string, number>; losses: number[]; final: { name: string; shape: number[]; offset: number }[] }>;
}

/** The generator's formulas (see test/fixtures/generate.py): inputs, not expected outputs. */
function fanIn(kind: string, args: Record<string, unknown>): number {
  if (kind === 'Linear') return Number(args.in_features);
  const k = args.kernel_size;
  const [kh, kw] = Array.isArray(k) ? k : [k, k];
  return (Number(args.in_channels) / Number(args.groups ?? 1)) * Number(kh) * Number(kw);
}

function formulaWeights(f: ModelFixture, named: [string, Tensor][]): void {
  named.forEach(([name, p], k) => {
    const layer = f.model.find((l) => l.name === name.split('.')[0]);
    if (!layer) throw new Error(`no layer for ${name}`);
    const bound = 1 / Math.sqrt(fanIn(layer.kind, layer.args));
    for (let i = 0; i < p.size; i++) p.data[i] = bound * hashUniform(i, 1000 + k);
  });
}

function batch(f: ModelFixture, s: number): { x: Tensor; y: Int32Array } {
  const shape = [f.batch, ...f.input_shape];
  const x = new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  for (let i = 0; i < x.size; i++) x.data[i] = hashUniform(i, 2000 + s);
  const y = Int32Array.from({ length: f.batch }, (_, n) => (7 * n + 3 * s) % f.classes);
  return { x, y };
}

for (const name of ['mlp', 'cnn']) {
  const f = loadFixture<ModelFixture>(`models/${name}.json`);
  const bin = readFileSync(`${FIXTURE_DIR}models/${name}.bin`);
  const finals = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));

  describe(`article ${name.toUpperCase()} follows torch for 5 steps`, () => {
    for (const [runName, run] of Object.entries(f.runs)) {
      it(`${runName}: losses and final weights within 1e-4 relative`, () => {
        const spec = { input_shape: f.input_shape, layers: f.model.map((l) => ({ kind: l.kind, name: l.name, ...l.args })) };
        const { model, report } = buildModel(spec);
        const named = model.namedParameters();
        expect(named.map(([n]) => n)).toEqual(run.final.map((t) => t.name));
        expect(report.totalParams).toBe(run.final.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0));
        formulaWeights(f, named);
        const params = model.parameters();
        const opt: Optimizer = run.optim === 'SGD' ? new SGD(params, { lr: run.args.lr, momentum: run.args.momentum }) : new Adam(params, { lr: run.args.lr, eps: run.args.eps });
        model.train();
        const losses: number[] = [];
        for (let s = 0; s < run.losses.length; s++) {
          const { x, y } = batch(f, s);
          opt.zeroGrad();
          const loss = crossEntropy(model.forward(x), y);
          losses.push(loss.item());
          loss.backward();
          opt.step();
        }
        expectClose(losses, run.losses, 'losses', { atol: 0, rtol: 1e-4 });
        for (const t of run.final) {
          const p = named.find(([n]) => n === t.name)?.[1];
          expectClose(p!.data, finals.subarray(t.offset, t.offset + p!.size), `final ${t.name}`, { atol: 1e-7, rtol: 1e-4 });
        }
      });
    }
  });
}
