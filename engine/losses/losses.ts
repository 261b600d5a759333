/** Loss functions as torch.nn's, composed from primitives (gradients come for free). */
import { scalar, type Tensor } from '../tensor/tensor.ts';
import { formatShape } from '../tensor/shape.ts';
import { add, affine, mul, softplus, sub } from '../ops/elementwise.ts';
import { logSoftmax } from '../ops/activations.ts';
import { gather, reshape } from '../ops/movement.ts';
import { mean, sum } from '../ops/reduce.ts';
import { softmaxCrossEntropy, type Reduction } from './softmax-cross-entropy.ts';

export type { Reduction };

function reduce(x: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? mean(x) : reduction === 'sum' ? sum(x) : x;
}

function checkTargets(input: Tensor, target: Int32Array): void {
  if (input.rank !== 2) throw new RangeError(`expected scores of shape [batch, classes], got ${formatShape(input.shape)}`);
  const [n, c] = input.shape;
  if (target.length !== n) throw new RangeError(`got ${target.length} targets for a batch of ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(target[i]) || target[i] < 0 || target[i] >= c) throw new RangeError(`target ${target[i]} at position ${i} is not a class index in [0, ${c})`);
  }
}

/** −log p[target] per row, from log-probabilities [N, C]. */
function pickNegative(logp: Tensor, target: Int32Array): Tensor {
  return affine(gather(logp, 1, target, [target.length, 1]), -1);
}

/** nn.NLLLoss on log-probabilities [N, C] with class-index targets. */
export function nllLoss(logp: Tensor, target: Int32Array, reduction: Reduction = 'mean'): Tensor {
  checkTargets(logp, target);
  const per = pickNegative(logp, target);
  return reduce(flattenRows(per), reduction);
}

function flattenRows(t: Tensor): Tensor {
  return reshape(t, [t.shape[0]]);
}

export interface CrossEntropyOptions {
  reduction?: Reduction;
  /** Mixes the one-hot target with the uniform distribution: (1 − ε)·onehot + ε/C. */
  labelSmoothing?: number;
}

/** nn.CrossEntropyLoss on raw scores [N, C]: log_softmax then NLL, with optional label smoothing. */
export function crossEntropy(logits: Tensor, target: Int32Array, { reduction = 'mean', labelSmoothing = 0 }: CrossEntropyOptions = {}): Tensor {
  checkTargets(logits, target);
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new RangeError(`label_smoothing must be in [0, 1], got ${labelSmoothing}`);
  if (labelSmoothing === 0) return softmaxCrossEntropy(logits, target, reduction);
  const logp = logSoftmax(logits, 1);
  let per = flattenRows(pickNegative(logp, target));
  if (labelSmoothing > 0) {
    const c = logits.shape[1];
    // torch: (1 − ε)·nll + ε·mean_c(−log p_c)
    const smooth = affine(sum(logp, 1), -1 / c);
    per = add(affine(per, 1 - labelSmoothing), affine(smooth, labelSmoothing));
  }
  return reduce(per, reduction);
}

export function mseLoss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  if (input.size !== target.size) throw new RangeError(`MSE input ${formatShape(input.shape)} and target ${formatShape(target.shape)} differ in size`);
  const d = sub(input, target);
  return reduce(mul(d, d), reduction);
}

export interface BCEWithLogitsOptions {
  reduction?: Reduction;
  /** Weight of positive examples, one per class (broadcast over the last dimension). */
  posWeight?: Tensor | null;
}

/**
 * nn.BCEWithLogitsLoss, in torch's stable form:
 * ℓ = (1 − y)·x + (1 + (w − 1)·y)·softplus(−x).
 */
export function bceWithLogits(input: Tensor, target: Tensor, { reduction = 'mean', posWeight = null }: BCEWithLogitsOptions = {}): Tensor {
  if (input.size !== target.size) throw new RangeError(`BCE input ${formatShape(input.shape)} and target ${formatShape(target.shape)} differ in size`);
  const oneMinusY = affine(target, -1, 1);
  const sp = softplus(affine(input, -1));
  const coef = posWeight ? affine(mul(affine(posWeight, 1, -1), target), 1, 1) : scalar(1);
  return reduce(add(mul(oneMinusY, input), mul(coef, sp)), reduction);
}
