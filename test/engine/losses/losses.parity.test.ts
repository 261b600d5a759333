/** Loss functions against torch.nn: values and input gradients within 1e-5. */
import { describe, it } from 'vitest';
import { bceWithLogits, crossEntropy, mseLoss, nllLoss, tensor, type Reduction, type Tensor } from '../../../engine/index.ts';
import { decodeI32, isF32, loadFixture, toTensor, type Encoded, type F32 } from '../../helpers/fixtures.ts';
import { expectClose, expectShape } from '../../helpers/compare.ts';

interface LossCase {
  name: string;
  loss: string;
  args: { reduction?: Reduction; label_smoothing?: number; pos_weight?: number[] };
  input: F32;
  target: Encoded;
  gradOutput: F32;
  output: F32;
  gradInput: F32;
}

function run(c: LossCase, x: Tensor): Tensor {
  const reduction = c.args.reduction ?? 'mean';
  const classes = () => (isF32(c.target) ? Int32Array.from(toTensor(c.target).data) : decodeI32(c.target));
  const soft = () => (isF32(c.target) ? toTensor(c.target) : tensor(decodeI32(c.target), c.target.shape));
  switch (c.loss) {
    case 'CrossEntropyLoss':
      return crossEntropy(x, classes(), { reduction, labelSmoothing: c.args.label_smoothing ?? 0 });
    case 'NLLLoss':
      return nllLoss(x, classes(), reduction);
    case 'MSELoss':
      return mseLoss(x, soft(), reduction);
    case 'BCEWithLogitsLoss':
      return bceWithLogits(x, soft(), { reduction, posWeight: c.args.pos_weight ? tensor(c.args.pos_weight) : null });
    default:
      throw new Error(`no mapping for loss '${c.loss}'`);
  }
}

const { cases } = loadFixture<{ cases: LossCase[] }>('losses.json');

describe('losses match torch', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const x = toTensor(c.input, true);
    const y = run(c, x);
    expectShape(y.shape, c.output.shape, 'loss');
    expectClose(y.data, toTensor(c.output).data, 'loss');
    y.backward(toTensor(c.gradOutput));
    expectClose(x.grad?.data ?? [], toTensor(c.gradInput).data, 'input gradient');
  });
});
