/**
 * StochasticDepth / DropPath, exactly torchvision.ops.stochastic_depth (0.14):
 * mode 'row' draws one keep value per sample (noise shape (N, 1, …, 1)), mode
 * 'batch' one for the whole batch (shape (1, …, 1)); keep ~ Bernoulli(1 − p),
 * y = x · keep / (1 − p) (no division when p = 1). Identity in eval or p = 0.
 * Meant for residual branches: dropping the branch leaves the skip path.
 */
import type { Tensor } from '../../tensor/tensor.ts';
import { checkProbability, scheduleArg, StochasticModule } from '../stochastic.ts';
import { defineLayer, type LayerDef } from '../layer-def.ts';
import { applyKeepMask, keepScale } from './dropout.ts';

export type DepthMode = 'row' | 'batch';

export class StochasticDepth extends StochasticModule {
  readonly noiseKind = 'keep-mask';
  readonly noiseMeaning: string;

  constructor(p: number, readonly mode: DepthMode) {
    super(p);
    checkProbability(p, 'drop probability');
    if (mode !== 'row' && mode !== 'batch') throw new RangeError(`mode has to be either 'batch' or 'row', but got ${String(mode)}`);
    this.noiseMeaning = mode === 'row'
      ? 'One 0/1 value per sample: 0 zeroes the whole sample (the branch is skipped for it), 1 keeps it scaled by 1/(1−p).'
      : 'One 0/1 value for the whole batch: 0 zeroes everything, 1 keeps it scaled by 1/(1−p).';
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) {
      this.noNoise();
      return x;
    }
    const shape = x.shape.map((d, i) => (i === 0 && this.mode === 'row' ? d : 1));
    const keep = this.takeKeepMask(shape);
    return applyKeepMask(x, keep, shape, keepScale(this.p));
  }

  override extraRepr(): string {
    return `p=${this.p}, mode=${this.mode}`;
  }
}

function depthLayer(kind: string, modeDefault: DepthMode | undefined, description: string, descriptionZh: string): LayerDef {
  return defineLayer({
    kind,
    category: 'Dropout family',
    traits: { stochastic: { rate: 'p' } },
    description,
    descriptionZh,
    args: [
      { name: 'p', type: 'float', ...(kind === 'DropPath' ? { default: 0.1 } : {}), min: 0, max: 1, doc: 'Probability of zeroing a sample (row) or the whole batch.', docZh: '将一个样本（行）或整个批次置零的概率。' },
      { name: 'mode', type: 'enum', ...(modeDefault ? { default: modeDefault } : {}), options: ['row', 'batch'], doc: "'row' drops whole samples independently; 'batch' drops the whole batch at once.", docZh: '\'row\' 独立地丢弃整个样本；\'batch\' 一次丢弃整个批次。' },
      scheduleArg(),
    ],
    summary: (v) => `p = ${v.p}, ${v.mode}`,
    infer: (_a, input) => ({ shape: [...input.shape], origin: input.origin }),
    build: (a) => Object.assign(new StochasticDepth(a.float('p'), a.str('mode') as DepthMode), { schedule: a.schedule('schedule') }),
    torch: (a) => `torchvision.ops.StochasticDepth(p=${a.float('p')}, mode=${JSON.stringify(a.str('mode'))})`,
  });
}

// torchvision's StochasticDepth has no defaults; the palette offers timm's drop-path setting.
export const StochasticDepthLayer = { ...depthLayer('StochasticDepth', undefined, 'Drops whole samples (or the whole batch) of a residual branch while training (torchvision stochastic_depth).', '训练时丢弃残差分支中的整个样本（或整个批次）（torchvision stochastic_depth）。'), insertDefaults: () => ({ p: 0.1, mode: 'row' }) };
export const DropPathLayer = depthLayer('DropPath', 'row', "Drop-path: StochasticDepth with mode 'row', the name timm and ViTs use.", 'Drop-path：mode 为 \'row\' 的 StochasticDepth，timm 和 ViT 中使用这个名称。');
