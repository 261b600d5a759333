/** Optimizers and LR schedulers follow torch.optim's update rules step by step. */
import { describe, it, expect } from 'vitest';
import { Adam, AdamW, CosineAnnealingLR, SGD, StepLR, Tensor, zeros, type Optimizer, type LRScheduler } from '../../../engine/index.ts';
import { loadFixture, toTensor, type F32 } from '../../helpers/fixtures.ts';
import { expectClose } from '../../helpers/compare.ts';

interface OptimCase {
  name: string;
  optim: 'SGD' | 'Adam' | 'AdamW';
  args: Record<string, any>; // torch kwargs as written by generate.py
  params: F32[];
  steps: { grads: F32[]; params: F32[] }[];
}
interface SchedCase {
  name: string;
  scheduler: 'StepLR' | 'CosineAnnealingLR';
  args: Record<string, number>;
  base_lr: number;
  lrs: number[];
}

function makeOptimizer(c: OptimCase, params: Tensor[]): Optimizer {
  switch (c.optim) {
    case 'SGD':
      return new SGD(params, { lr: c.args.lr, momentum: c.args.momentum, dampening: c.args.dampening, weight_decay: c.args.weight_decay, nesterov: c.args.nesterov });
    case 'Adam':
      return new Adam(params, c.args);
    case 'AdamW':
      return new AdamW(params, c.args);
  }
}

const fixture = loadFixture<{ cases: OptimCase[]; schedulers: SchedCase[] }>('optim.json');

describe('optimizers match torch.optim over 5 steps (1e-5)', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const params = c.params.map((p) => toTensor(p, true));
    const opt = makeOptimizer(c, params);
    c.steps.forEach((s, k) => {
      params.forEach((p, i) => (p.grad = toTensor(s.grads[i])));
      opt.step();
      params.forEach((p, i) => expectClose(p.data, toTensor(s.params[i]).data, `step ${k + 1}, parameter ${i}`));
    });
  });

  it('a checkpointed optimizer continues exactly like an uninterrupted one', () => {
    const c = fixture.cases.find((q) => q.optim === 'Adam' && q.args.amsgrad) ?? fixture.cases[0];
    const params = c.params.map((p) => toTensor(p, true));
    const opt = makeOptimizer(c, params);
    c.steps.slice(0, 2).forEach((s) => {
      params.forEach((p, i) => (p.grad = toTensor(s.grads[i])));
      opt.step();
    });
    const resumedParams = params.map((p) => new Tensor(p.data.slice(), p.shape, true));
    const resumed = makeOptimizer(c, resumedParams);
    resumed.loadStateDict(opt.stateDict());
    c.steps.slice(2).forEach((s) => {
      resumedParams.forEach((p, i) => (p.grad = toTensor(s.grads[i])));
      resumed.step();
    });
    resumedParams.forEach((p, i) => expectClose(p.data, toTensor(c.steps[4].params[i]).data, `resumed parameter ${i}`));
  });
});

describe('LR schedulers match torch.optim.lr_scheduler', () => {
  it.each(fixture.schedulers.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const opt = new SGD([zeros([1], true)], { lr: c.base_lr });
    const sched: LRScheduler = c.scheduler === 'StepLR' ? new StepLR(opt, c.args.step_size, c.args.gamma) : new CosineAnnealingLR(opt, c.args.T_max, c.args.eta_min ?? 0);
    const lrs = c.lrs.map(() => sched.step());
    expectClose(lrs, c.lrs, 'learning rates', { atol: 1e-12, rtol: 1e-9 });
    expect(opt.lr).toBe(lrs[lrs.length - 1]);
  });
});
