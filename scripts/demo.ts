/**
 * `npm start` until the desktop shell lands: a terminal tour of the engine.
 * Shows the article's worked example (train vs eval), then trains the article's
 * MLP on a small two-spiral set with and without Dropout and prints the
 * train−validation gap each gives.
 */
import { buildModel, crossEntropy, Generator, noGrad, SGD, Tensor, argmaxLast, tensor } from '../engine/index.ts';
import { Dropout } from '../engine/nn/layers/dropout.ts';

function workedExample(): void {
  const d = new Dropout(0.5);
  d.forcedMask = Float32Array.from([1, 0, 1, 0]);
  const x = tensor([2, 4, 6, 8]);
  console.log('Dropout(p=0.5) on x = [2, 4, 6, 8]');
  console.log(`  train, 2nd and 4th dropped → [${[...d.forward(x).data].join(', ')}]  (survivors × 1/(1−p) = ×2)`);
  d.eval();
  console.log(`  eval                       → [${[...d.forward(x).data].join(', ')}]  (identity)\n`);
}

/** Two interleaved spirals with noise: n points per class. */
function spirals(n: number, noise: number, gen: Generator): { x: Tensor; y: Int32Array } {
  const u = gen.uniform(n * 2);
  const e = gen.normal(n * 4, 0, noise);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n * 2);
  for (let i = 0; i < n * 2; i++) {
    const cls = i % 2;
    const r = 0.2 + 2.8 * u[i];
    const t = 1.75 * r + cls * Math.PI;
    x[2 * i] = r * Math.cos(t) + e[2 * i];
    x[2 * i + 1] = r * Math.sin(t) + e[2 * i + 1];
    y[i] = cls;
  }
  return { x: new Tensor(x, [n * 2, 2]), y };
}

function accuracy(logits: Tensor, y: Int32Array): number {
  const pred = argmaxLast(logits);
  return pred.reduce((a, p, i) => a + (p === y[i] ? 1 : 0), 0) / y.length;
}

function train(p: number): { trainAcc: number; valAcc: number; valLoss: number } {
  const spec = {
    input_shape: [2],
    layers: [
      { kind: 'Linear', in_features: 2, out_features: 256 }, { kind: 'ReLU' }, { kind: 'Dropout', p },
      { kind: 'Linear', in_features: 256, out_features: 256 }, { kind: 'ReLU' }, { kind: 'Dropout', p },
      { kind: 'Linear', in_features: 256, out_features: 2 },
    ],
  };
  const { model } = buildModel(spec, { seed: 1 });
  model.setGenerator(new Generator(2));
  const trainSet = spirals(30, 0.45, new Generator(10));
  const valSet = spirals(500, 0.45, new Generator(11));
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  for (let epoch = 0; epoch < 300; epoch++) {
    model.train();
    opt.zeroGrad();
    crossEntropy(model.forward(trainSet.x), trainSet.y).backward();
    opt.step();
  }
  model.eval(); // the article's warning: evaluate with dropout off
  return noGrad(() => {
    const v = model.forward(valSet.x);
    return { trainAcc: accuracy(model.forward(trainSet.x), trainSet.y), valAcc: accuracy(v, valSet.y), valLoss: crossEntropy(v, valSet.y).item() };
  });
}

workedExample();
console.log('MLP 2-256-256-2 on 60 noisy spiral points, 300 full-batch SGD steps:');
for (const p of [0, 0.3, 0.5]) {
  const t0 = performance.now();
  const r = train(p);
  console.log(
    `  Dropout p=${p.toFixed(1)}: train acc ${r.trainAcc.toFixed(3)}, validation acc ${r.valAcc.toFixed(3)}, ` +
      `gap ${(r.trainAcc - r.valAcc).toFixed(3)}, validation loss ${r.valLoss.toFixed(3)}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
console.log('\nThe desktop app (Electron) and `dlab` command line arrive with the next milestones; see README.md.');
