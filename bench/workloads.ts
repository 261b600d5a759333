/**
 * The standard workloads of issue #4, built through the engine's public API.
 * A training step is forward + cross-entropy + backward + plain SGD (lr 0.01)
 * in training mode on one fixed random batch, reading the loss back.
 */
import { buildModel, crossEntropy, Generator, matmul, pinData, SGD, Tensor, withStepMemory, type LayerSpec } from '../engine/index.ts';

export const WORKLOADS = ['W0', 'W1', 'W2', 'W3', 'W4'] as const;
export type WorkloadId = (typeof WORKLOADS)[number];

/** FLOPs per step: multiply-add = 2, matmul/conv only, training = 3× forward (as the issue counts them). */
export const FLOPS: Record<WorkloadId, number> = {
  W0: 3 * 2 * 32 * (2 * 32 + 32 * 32 + 32 * 2),
  W1: 156.1e6,
  W2: 2.354e9,
  W3: 1.309e9,
  W4: 2 * 1024 ** 3,
};

export interface Workload {
  id: WorkloadId;
  describe: string;
  /** One step; returns the loss (W4: a checksum) so nothing is optimised away. */
  step(): number;
}

const gen = new Generator(4);

function randn(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(gen.normal(n), shape);
}

function labels(n: number, classes: number): Int32Array {
  return Int32Array.from(gen.uniform(n), (u) => Math.min(classes - 1, Math.floor(u * classes)));
}

function trainer(forward: (x: Tensor) => Tensor, params: Tensor[], x: Tensor, y: Int32Array): () => number {
  const opt = new SGD(params, { lr: 0.01 });
  // As the trainer does for a run: parameters in the backend's memory (the bench process ends with them there).
  pinData(params);
  // As the trainer runs a step: its tensors in the backend's step memory, released afterwards.
  return () => withStepMemory(() => {
    opt.zeroGrad();
    const loss = crossEntropy(forward(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  });
}

function sequential(inputShape: number[], layers: LayerSpec[], batch: number, classes: number): () => number {
  const { model } = buildModel({ input_shape: inputShape, layers }, { seed: 1 });
  model.train();
  return trainer((x) => model.forward(x), model.parameters(), randn([batch, ...inputShape]), labels(batch, classes));
}

const linear = (i: number, o: number): LayerSpec => ({ kind: 'Linear', in_features: i, out_features: o });
const relu: LayerSpec = { kind: 'ReLU' };
const dropout = (p: number): LayerSpec => ({ kind: 'Dropout', p });

/** W3's post-norm block: LayerNorm(x + Dropout(MHA(x))), LayerNorm(x + Dropout(FFN(x))), mean over the sequence, Linear(128, 10). */
const transformerBlock: LayerSpec[] = [
  { kind: 'Residual', layers: [{ kind: 'MultiheadAttention', embed_dim: 128, num_heads: 4 }, dropout(0.1)] },
  { kind: 'LayerNorm', normalized_shape: [128] },
  { kind: 'Residual', layers: [linear(128, 512), relu, linear(512, 128), dropout(0.1)] },
  { kind: 'LayerNorm', normalized_shape: [128] },
  { kind: 'SequenceMean', dim: 1 },
  linear(128, 10),
];

export function makeWorkload(id: WorkloadId): Workload {
  switch (id) {
    case 'W0':
      return {
        id,
        describe: 'tiny net on 2-D points, batch 32',
        step: sequential([2], [linear(2, 32), relu, dropout(0.2), linear(32, 32), relu, dropout(0.2), linear(32, 2)], 32, 2),
      };
    case 'W1':
      return { id, describe: 'MLP 784-512-10, batch 64', step: sequential([784], [linear(784, 512), relu, dropout(0.5), linear(512, 10)], 64, 10) };
    case 'W2':
      return {
        id,
        describe: "the article's CNN on 3×32×32, batch 64",
        step: sequential([3, 32, 32], [
          { kind: 'Conv2d', in_channels: 3, out_channels: 32, kernel_size: 3, padding: 1 }, relu, { kind: 'MaxPool2d', kernel_size: 2 },
          { kind: 'Conv2d', in_channels: 32, out_channels: 64, kernel_size: 3, padding: 1 }, relu, { kind: 'MaxPool2d', kernel_size: 2 },
          { kind: 'Flatten' }, linear(4096, 128), relu, dropout(0.5), linear(128, 10),
        ], 64, 10),
      };
    case 'W3':
      return { id, describe: 'Transformer block on (16, 64, 128), 4 heads', step: sequential([64, 128], transformerBlock, 16, 10) };
    case 'W4': {
      const a = randn([1024, 1024]), b = randn([1024, 1024]);
      return { id, describe: 'one 1024×1024×1024 matrix product', step: () => matmul(a, b).data[0] };
    }
  }
}
