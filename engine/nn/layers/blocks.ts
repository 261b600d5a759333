/**
 * Blocks: layers that hold layers, so a spec can express skip connections and
 * Transformer-style stacks. In a spec a block is
 *   {"kind": "Residual" | "Sequential", "name": "res1", "layers": [...]}
 * and may nest. The spec validator (engine/nn/spec.ts) walks the inner layers;
 * these declarations say what the block does with them.
 * - Sequential: the inner layers in order, as nn.Sequential.
 * - Residual: y = x + f(x) with f the inner layers in order; f must keep the
 *   shape (no broadcasting, unlike torch's `+`).
 * state_dict names nest as torch's: an inner layer is named by its spec name,
 * else its index, under the block's name: `res1.0.weight`, `block.fc.weight`,
 * exactly what nn.Sequential(OrderedDict(...)) / the exported Residual (an
 * nn.Sequential subclass) produce.
 */
import type { Tensor } from '../../tensor/tensor.ts';
import { add } from '../../ops/elementwise.ts';
import { Sequential, type Module } from '../module.ts';

export class Residual extends Sequential {
  override forward(x: Tensor): Tensor {
    return add(x, super.forward(x));
  }
}

export interface BlockDef {
  kind: 'Residual' | 'Sequential';
  category: 'Blocks';
  description: string;
  /** Whether the inner layers must end with the block's input shape. */
  keepsShape: boolean;
  build(children: [string, Module][]): Module;
  /** The PyTorch expression, given each inner layer's name and expression. */
  torch(children: [string, string][]): string;
  torchSource?: string;
}

/** nn.Sequential(OrderedDict([...])) keeps the spec's names; plain positional when every name is an index. */
function sequentialArgs(children: [string, string][]): string {
  if (children.every(([n], i) => n === String(i))) return children.map(([, e]) => e).join(', ');
  return `OrderedDict([${children.map(([n, e]) => `(${JSON.stringify(n)}, ${e})`).join(', ')}])`;
}

export const SequentialBlock: BlockDef = {
  kind: 'Sequential',
  category: 'Blocks',
  description: 'A named group of layers run in order (nn.Sequential); folds a stack into one block.',
  keepsShape: false,
  build: (children) => new Sequential(children),
  torch: (children) => `nn.Sequential(${sequentialArgs(children)})`,
};

export const ResidualBlock: BlockDef = {
  kind: 'Residual',
  category: 'Blocks',
  description: 'A skip connection: adds the block input to the output of its layers (y = x + f(x)).',
  keepsShape: true,
  build: (children) => new Residual(children),
  torch: (children) => `Residual(${sequentialArgs(children)})`,
  torchSource: `class Residual(nn.Sequential):
    """x + f(x), f = the inner layers in order; state_dict names as nn.Sequential's."""

    def forward(self, x):
        return x + super().forward(x)
`,
};

const BLOCKS: readonly BlockDef[] = [SequentialBlock, ResidualBlock];
const byKind = new Map(BLOCKS.map((b) => [b.kind as string, b]));

export function blockDef(kind: string): BlockDef | undefined {
  return byKind.get(kind);
}

export function blockDefs(): readonly BlockDef[] {
  return BLOCKS;
}
