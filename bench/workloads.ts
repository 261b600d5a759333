/**
 * The standard workloads of issue #4, built through the engine's public API.
 * A training step is forward + cross-entropy + backward + plain SGD (lr 0.01)
 * in training mode on one fixed random batch, reading the loss back.
 * W5 (issue #18) is the seed CNN template on Fashion-MNIST as the lab trains
 * it: Adam (lr 1e-3), batch 64, real images cycled through a fixed set of
 * batches; an epoch's time is its step time × 938 steps, extrapolated.
 */
import { existsSync } from 'node:fs';
import { Adam, buildModel, crossEntropy, Generator, matmul, pinData, SGD, Tensor, withStepMemory, type LayerSpec, type Optimizer } from '../engine/index.ts';
import { templateSpec, templateTraining } from '../engine/project/templates.ts';
import { loadDataset } from '../engine/data/catalog.ts';
import { getBatch } from '../engine/data/pipeline.ts';
import type { Dataset } from '../engine/data/dataset.ts';
import { nodeFiles } from '../engine/io/node-files.ts';
import { emptyData } from '../engine/tensor/storage.ts';

export const WORKLOADS = ['W0', 'W1', 'W2', 'W3', 'W4', 'W5'] as const;

const FASHION_SHAPE = { inputShape: [1, 28, 28], classes: 10 };
/** The CNN template's batch size and optimizer, as a new project gets them. */
const W5_TRAINING = templateTraining('cnn', FASHION_SHAPE);
const W5_BATCH = W5_TRAINING.batch_size;
export type WorkloadId = (typeof WORKLOADS)[number];

/** FLOPs per step: multiply-add = 2, matmul/conv only, training = 3× forward (as the issue counts them). */
export const FLOPS: Record<WorkloadId, number> = {
  W0: 3 * 2 * 32 * (2 * 32 + 32 * 32 + 32 * 2),
  W1: 156.1e6,
  W2: 2.354e9,
  W3: 1.309e9,
  W4: 2 * 1024 ** 3,
  W5: 3 * 2 * W5_BATCH * (784 * 32 * 9 + 196 * 64 * 32 * 9 + 3136 * 128 + 128 * 10),
};

/** Debian's dataset-fashion-mnist, where `dlab datasets` finds it (engine/cli/project-commands.ts). */
export const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
/** Fashion-MNIST's 60,000 training images in the template's batches, the last one partial. */
export const W5_STEPS_PER_EPOCH = Math.ceil(60000 / W5_BATCH);
/** Workloads whose data is present on this machine (W5 needs Fashion-MNIST). */
export const availableWorkloads = (): WorkloadId[] => WORKLOADS.filter((id) => id !== 'W5' || existsSync(FASHION_MNIST));

export interface Workload {
  id: WorkloadId;
  describe: string;
  /** One step; returns the loss (W4: a checksum) so nothing is optimised away. */
  step(): number;
  /** Steps in one epoch, for workloads timed per epoch (W5). */
  stepsPerEpoch?: number;
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
  return trainerOn(forward, new SGD(params, { lr: 0.01 }), params, [{ x, y }]);
}

/** Steps cycle through the batches. */
function trainerOn(forward: (x: Tensor) => Tensor, opt: Optimizer, params: Tensor[], batches: { x: Tensor; y: Int32Array }[]): () => number {
  let next = 0;
  // As the trainer does for a run: parameters and optimizer state in the backend's memory (the bench process ends with them there).
  pinData(params);
  opt.pinState();
  // As the trainer runs a step: its tensors in the backend's step memory, released afterwards.
  return () => withStepMemory(() => {
    const { x, y } = batches[next];
    next = (next + 1) % batches.length;
    opt.zeroGrad();
    const loss = crossEntropy(forward(stepBatch(x)), y);
    loss.backward();
    opt.step();
    return loss.item();
  });
}

/** The batch in step memory, where the trainer's getBatch writes it inside the step (kernels read it in place). */
function stepBatch(x: Tensor): Tensor {
  const data = emptyData(x.data.length);
  data.set(x.data);
  return new Tensor(data, x.shape);
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

/** Datasets a workload trains on, held for the whole process as the lab holds a run's dataset (so its memory is counted). */
const heldData: Dataset[] = [];

/** The first count batches of Fashion-MNIST training images, pixels scaled to [0, 1]; the whole training set stays held. */
function fashionBatches(count: number): { x: Tensor; y: Int32Array }[] {
  if (!existsSync(FASHION_MNIST)) throw new Error(`W5 needs Fashion-MNIST in ${FASHION_MNIST}: install Debian's dataset-fashion-mnist package`);
  const { data } = loadDataset({ id: 'idx', path: FASHION_MNIST }, nodeFiles);
  heldData.push(data);
  // Made by the trainer's own batching, in order (not shuffled).
  return Array.from({ length: count }, (_, b) => {
    const { x, classes } = getBatch(data, W5_BATCH, b);
    return { x, y: classes! };
  });
}

function fashionCnn(): () => number {
  const { model } = buildModel(templateSpec('cnn', FASHION_SHAPE), { seed: 1 });
  model.train();
  const params = model.parameters();
  return trainerOn((x) => model.forward(x), new Adam(params, { lr: W5_TRAINING.optimizer.lr }), params, fashionBatches(16));
}

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
      // As every other workload's products run: operands in the backend's memory, the result in step memory.
      pinData([a, b]);
      return { id, describe: 'one 1024×1024×1024 matrix product', step: () => withStepMemory(() => matmul(a, b).data[0]) };
    }
    case 'W5':
      return { id, describe: `the CNN template on Fashion-MNIST, Adam, batch ${W5_BATCH}`, step: fashionCnn(), stepsPerEpoch: W5_STEPS_PER_EPOCH };
  }
}
