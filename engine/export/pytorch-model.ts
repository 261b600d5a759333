/**
 * model.py: the spec as a readable nn.Module in the article's style. The
 * exporter never knows a layer kind: it walks the spec and asks each layer's
 * registry declaration for its constructor (`torch()`) and, for modules torch
 * lacks, its Python source (`torchSource`). The module is an nn.Sequential over
 * an OrderedDict of the spec's layer names, so its state_dict keys are the
 * lab's names exactly.
 */
import { Args, type LayerDef, type ShapeInfo } from '../nn/layer-def.ts';
import { layerDef } from '../nn/registry.ts';
import { resolveArgs, validateSpec, type LayerReport, type LayerSpec, type ModelSpec } from '../nn/spec.ts';
import { blockDef } from '../nn/layers/blocks.ts';
import type { Normalizer } from '../data/dataset.ts';
import { pyCallLines, pyDocText, pyLiteral } from './python.ts';
import { SAFETENSORS_PY } from './python-runtime.ts';

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

export interface ModelLine {
  name: string;
  kind: string;
  expr: string;
  outputShape: number[] | null;
}

/** Python sources of every kind used anywhere in the spec (nested blocks included), once each, in first-use order. */
export function torchSources(spec: unknown): string[] {
  const seen = new Map<string, string | undefined>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      const kind = (v as Record<string, unknown>).kind;
      if (typeof kind === 'string' && !seen.has(kind)) seen.set(kind, (layerDef(kind) ?? blockDef(kind))?.torchSource);
      Object.values(v as Record<string, unknown>).forEach(walk);
    }
  };
  walk(spec);
  return [...seen.values()].filter((s): s is string => !!s).map((s) => s.trimEnd());
}

/** A layer's (or block's) PyTorch expression from its declaration, and its output shape. */
function expression(layer: LayerSpec, report: LayerReport, input: ShapeInfo): { expr: string; output: ShapeInfo } {
  const block = blockDef(layer.kind);
  if (block) {
    let current = input;
    const children = (layer.layers ?? []).map((inner, i): [string, string] => {
      const r = expression(inner, (report.children ?? [])[i], current);
      current = r.output;
      return [(report.children ?? [])[i].name, r.expr];
    });
    return { expr: block.torch(children), output: current };
  }
  const def = layerDef(layer.kind) as LayerDef; // validated by the caller
  const args = resolveArgs(def, layer).args as Args;
  return { expr: def.torch(args, input), output: def.infer(args, input) };
}

/** One constructor line per top-level layer, with the state_dict prefix and the output shape. */
export function modelLines(spec: ModelSpec): ModelLine[] {
  const report = validateSpec(spec);
  if (!report.ok) throw new ExportError(`the model has errors, fix them before exporting:\n${report.errors.join('\n')}`);
  let current: ShapeInfo = { shape: [...spec.input_shape] };
  return spec.layers.map((layer, i) => {
    const { expr, output } = expression(layer, report.layers[i], current);
    current = output;
    return { name: report.layers[i].name, kind: layer.kind, expr, outputShape: report.layers[i].outputShape };
  });
}

export interface ModelPyOptions {
  title: string;
  normalizer: Normalizer | null;
  /** Token-id inputs (Embedding first): fed to the model as int64. */
  tokens: boolean;
  classNames?: string[];
}

const shapeText = (s: number[] | null) => (s ? `[${s.join(', ')}]` : '?');

export function modelPy(spec: ModelSpec, o: ModelPyOptions): string {
  const lines = modelLines(spec);
  const sources = torchSources(spec);
  const needsTorchvision = lines.some((l) => l.expr.includes('torchvision.')) || sources.some((s) => s.includes('torchvision.'));
  const width = Math.max(...lines.map((l) => `(${JSON.stringify(l.name)}, ${l.expr}),`.length), 0);
  const indent = '            ';
  const body = lines
    .map((l) => {
      const entry = `(${JSON.stringify(l.name)}, ${l.expr}),`;
      const comment = `  # -> ${shapeText(l.outputShape)}`;
      if (indent.length + entry.length <= 100) return `${indent}${entry.padEnd(Math.min(width, 56))}${comment}`;
      // A block: its layers one per line, the shape on the opening line.
      const call = pyCallLines(l.expr, indent);
      if (call.length === 1) return `${indent}${entry}${comment}`;
      return [`${indent}(${JSON.stringify(l.name)}, ${call[0]}${comment}`, ...call.slice(1, -1), `${call[call.length - 1]}),`].join('\n');
    })
    .join('\n');
  const norm = o.normalizer
    ? `{"mean": ${pyLiteral(Array.from(o.normalizer.mean))}, "std": ${pyLiteral(Array.from(o.normalizer.std))}, "group": ${o.normalizer.group}}`
    : 'None';
  return `"""${pyDocText(o.title)}

Exported by Dropout Lab. The model is an nn.Sequential whose state_dict keys are
the lab's layer names, so weights.safetensors loads with strict=True.

    model = load_model()             # weights.safetensors next to this file, eval mode
    y = model(preprocess(x))         # x: raw inputs shaped (batch, ${spec.input_shape.join(', ')})

Remember the article: model.train() turns dropout on, model.eval() turns it off.
"""
import json
import math
import os
import struct
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
${needsTorchvision ? 'import torchvision.ops  # DropBlock2d and StochasticDepth/DropPath\n' : ''}
${sources.length ? `\n# Layers torch does not ship, as Dropout Lab defines them.\n\n${sources.join('\n\n\n')}\n\n` : ''}
class Model(nn.Sequential):
    """${pyDocText(o.title)}: input ${shapeText(spec.input_shape)} per sample, output ${shapeText(lines.at(-1)?.outputShape ?? spec.input_shape)}."""

    def __init__(self):
        super().__init__(OrderedDict([
${body}
        ]))


INPUT_SHAPE = ${pyLiteral(spec.input_shape)}
TOKENS = ${o.tokens ? 'True' : 'False'}  # token ids in, fed as int64
CLASS_NAMES = ${pyLiteral(o.classNames ?? null)}
# Standardisation fitted on the training split (per feature, or per channel for images):
# x' = (x - mean) / std. None when the lab did not normalise.
NORMALIZER = ${norm}


def preprocess(x):
    """Raw inputs (batch, *INPUT_SHAPE) -> what the model was trained on."""
    x = torch.as_tensor(x)
    if TOKENS:
        return x.long()
    x = x.float().reshape(-1, *INPUT_SHAPE)
    if NORMALIZER is None:
        return x
    mean = torch.tensor(NORMALIZER["mean"], dtype=torch.float32)
    std = torch.tensor(NORMALIZER["std"], dtype=torch.float32)
    if NORMALIZER["group"] == 1:
        return (x - mean.reshape(INPUT_SHAPE)) / std.reshape(INPUT_SHAPE)
    per_channel = (-1,) + (1,) * (len(INPUT_SHAPE) - 1)
    return (x - mean.reshape(per_channel)) / std.reshape(per_channel)


${SAFETENSORS_PY}

def load_model(path=None, device="cpu"):
    """The model with the exported weights, in eval mode."""
    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), "weights.safetensors")
    model = Model()
    model.load_state_dict(load_safetensors(path), strict=True)
    return model.to(device).eval()


if __name__ == "__main__":
    # python model.py inputs.npy outputs.npy  (eval mode, as dlab predict --mode eval)
    import numpy as np

    if len(sys.argv) != 3:
        sys.exit("usage: python model.py inputs.npy outputs.npy")
    model = load_model()
    with torch.no_grad():
        y = model(preprocess(torch.from_numpy(np.load(sys.argv[1]))))
    np.save(sys.argv[2], y.numpy())
    print(f"wrote {sys.argv[2]}: {tuple(y.shape)}")
`;
}
