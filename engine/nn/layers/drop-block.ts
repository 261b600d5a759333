/**
 * DropBlock2d, exactly torchvision.ops.drop_block2d (0.14, inplace=False):
 *   bs = min(block_size, H, W)
 *   γ  = p·H·W / (bs² · (H − bs + 1)(W − bs + 1))
 *   seeds ~ Bernoulli(γ), shape (N, C, H − bs + 1, W − bs + 1)
 *   mask = 1 − max_pool(pad(seeds, bs//2), bs, stride 1, padding bs//2)
 *        (a seed at (a, b) zeroes the bs×bs block with top-left corner (a, b))
 *   y = x · mask · numel(mask) / (eps + Σ mask)      (one scale for the whole batch)
 * torchvision only works for odd bs (even sizes give a mask 2 larger than the
 * input and fail), so an even effective block size is rejected here.
 * lastNoise holds the seeds (what was drawn); lastBlockMask the expanded keep-mask.
 */
import { Tensor } from '../../tensor/tensor.ts';
import { formatShape } from '../../tensor/shape.ts';
import { mul } from '../../ops/elementwise.ts';
import { checkProbability, scheduleArg, StochasticModule } from '../stochastic.ts';
import { defineLayer, LayerError } from '../layer-def.ts';

export function dropBlockGamma(p: number, h: number, w: number, blockSize: number): number {
  const bs = Math.min(blockSize, h, w);
  return (p * h * w) / (bs * bs * ((h - bs + 1) * (w - bs + 1)));
}

/** The keep-mask (N, C, H, W) from seeds (N, C, H − bs + 1, W − bs + 1). */
export function expandBlocks(seeds: Float32Array, n: number, c: number, h: number, w: number, bs: number): Float32Array {
  const hs = h - bs + 1;
  const ws = w - bs + 1;
  const mask = new Float32Array(n * c * h * w).fill(1);
  for (let nc = 0; nc < n * c; nc++) {
    for (let a = 0; a < hs; a++) {
      for (let b = 0; b < ws; b++) {
        if (seeds[(nc * hs + a) * ws + b] === 0) continue;
        for (let i = a; i < a + bs; i++) mask.fill(0, (nc * h + i) * w + b, (nc * h + i) * w + b + bs);
      }
    }
  }
  return mask;
}

export class DropBlock2d extends StochasticModule {
  readonly noiseKind = 'block-seeds';
  readonly noiseMeaning = 'Block seeds, one 0/1 per (sample, channel, valid top-left corner): each 1 zeroes a block_size×block_size square.';
  /** The expanded 0/1 keep-mask (N, C, H, W) of the last training forward. */
  lastBlockMask: Float32Array | null = null;
  /** numel / (eps + Σ mask) of the last training forward. */
  lastScale: number | null = null;

  constructor(p: number, readonly blockSize: number, readonly eps = 1e-6) {
    super(p);
    checkProbability(p, 'drop probability');
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4) throw new RangeError(`input should be 4 dimensional. Got ${x.rank} dimensions.`);
    if (!this.training || this.p === 0) {
      this.noNoise();
      this.lastBlockMask = null;
      this.lastScale = null;
      return x;
    }
    const [n, c, h, w] = x.shape;
    const bs = Math.min(this.blockSize, h, w);
    if (bs % 2 === 0) throw new RangeError(`DropBlock2d needs an odd block size (torchvision fails on even ones), got ${bs} for a ${h}×${w} input`);
    const gamma = dropBlockGamma(this.p, h, w, this.blockSize);
    const seeds = this.takeKeepMask([n, c, h - bs + 1, w - bs + 1], gamma);
    const mask = expandBlocks(seeds, n, c, h, w, bs);
    let kept = 0;
    for (let i = 0; i < mask.length; i++) kept += mask[i];
    // torch: numel / (eps + sum) in float32, computed as reciprocal(...) * numel.
    const scale = Math.fround(Math.fround(1 / Math.fround(this.eps + kept)) * mask.length);
    this.lastBlockMask = mask;
    this.lastScale = scale;
    return mul(mul(x, new Tensor(mask, x.shape)), new Tensor(new Float32Array([scale]), []));
  }

  override extraRepr(): string {
    return `p=${this.p}, block_size=${this.blockSize}`;
  }
}

export const DropBlock2dLayer = defineLayer({
  kind: 'DropBlock2d',
  category: 'Dropout family',
  traits: { stochastic: { rate: 'p', sweepable: true, conventionalRate: true } },
  description: 'Zeroes contiguous square blocks of each feature map while training (torchvision drop_block2d), rescaling the rest.',
  descriptionZh: '训练时将每张特征图中连续的方形区域置零（torchvision drop_block2d），并对其余部分重新缩放。',
  args: [
    { name: 'p', type: 'float', default: 0.1, min: 0, max: 1, doc: 'Probability of an element being dropped (blocks are sized so about p of the map goes).', docZh: '元素被丢弃的概率（据此安排方块，使特征图中约 p 的比例被丢弃）。' },
    { name: 'block_size', type: 'int', default: 3, min: 1, doc: 'Side of each dropped square (odd; capped at the feature map size).', docZh: '每个被丢弃方块的边长（奇数；不超过特征图尺寸）。' },
    { name: 'eps', type: 'float', default: 1e-6, min: 0, doc: 'Added to the kept count before rescaling.', docZh: '重新缩放前加到保留元素个数上的值。' },
    scheduleArg(),
  ],
  summary: (v) => `p = ${v.p}, block ${v.block_size}`,
  infer(a, input) {
    if (input.shape.length !== 3) throw new LayerError(`needs per-sample input [channels, height, width], but receives ${formatShape(input.shape)}`, 'place it after a Conv2d or pooling layer');
    const [, h, w] = input.shape;
    const bs = Math.min(a.int('block_size'), h, w);
    if (bs % 2 === 0) {
      const set = a.int('block_size') === bs ? `set block_size to ${bs - 1} or ${bs + 1}` : `set block_size to ${bs - 1} (it is capped at the ${h}×${w} map)`;
      throw new LayerError(`has an even effective block size ${bs}, which torchvision's drop_block2d cannot handle`, set);
    }
    return { shape: [...input.shape], origin: input.origin };
  },
  build: (a) => Object.assign(new DropBlock2d(a.float('p'), a.int('block_size'), a.float('eps')), { schedule: a.schedule('schedule') }),
  torch: (a) => `torchvision.ops.DropBlock2d(p=${a.float('p')}, block_size=${a.int('block_size')}${a.float('eps') === 1e-6 ? '' : `, eps=${a.float('eps')}`})`,
});
