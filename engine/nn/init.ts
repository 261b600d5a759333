/** Parameter initialisation with torch's defaults, drawn from our seeded generator. */
import { Tensor } from '../tensor/tensor.ts';
import { numel, type Shape } from '../tensor/shape.ts';
import type { Generator } from '../tensor/random.ts';

/** U(−bound, bound) with bound = 1/√fan_in: kaiming_uniform_(a=√5) for weights, and the bias rule of nn.Linear/nn.Conv2d. */
export function uniformFanIn(shape: Shape, fanIn: number, gen: Generator): Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return new Tensor(gen.uniform(numel(shape), -bound, bound), shape);
}

export function normalInit(shape: Shape, gen: Generator, std = 1): Tensor {
  return new Tensor(gen.normal(numel(shape), 0, std), shape);
}

export function constantInit(shape: Shape, value: number): Tensor {
  return new Tensor(new Float32Array(numel(shape)).fill(value), shape);
}
