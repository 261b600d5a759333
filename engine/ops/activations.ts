/** Activations composed from primitives; their gradients come for free. softmax and log_softmax are primitives of their own (./softmax.ts). */
import { scalar, type Tensor } from '../tensor/tensor.ts';
import { add, affine, erfOp, exp, greater, mul, neg, pow, relu, tanh, where } from './elementwise.ts';

const ZERO = scalar(0);

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(greater(x, ZERO), x, affine(x, negativeSlope));
}

/** exp(min(x, 0)) − 1: the negative branch of ELU, safe from overflow (and from 0·∞ in backward). */
function expm1Negative(x: Tensor): Tensor {
  return affine(exp(neg(relu(neg(x)))), 1, -1);
}

export function elu(x: Tensor, alpha = 1): Tensor {
  return where(greater(x, ZERO), x, affine(expm1Negative(x), alpha));
}

// torch.nn.SELU's constants (Klambauer et al. 2017).
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

export function selu(x: Tensor): Tensor {
  return affine(elu(x, SELU_ALPHA), SELU_SCALE);
}

/** GELU: x·Φ(x) = ½x(1 + erf(x/√2)), or torch's tanh approximation. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    const inner = affine(add(x, affine(pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(affine(x, 0.5), affine(tanh(inner), 1, 1));
  }
  return mul(affine(x, 0.5), affine(erfOp(affine(x, Math.SQRT1_2)), 1, 1));
}

export { softmax, logSoftmax } from './softmax.ts';
