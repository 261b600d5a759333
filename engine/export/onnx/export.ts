/**
 * `--format onnx`: the model's eval-mode graph with its weights, written by
 * our own protobuf encoder (no Python needed). The graph starts with the lab's
 * input standardisation, so `input` takes raw samples exactly as
 * `dlab predict` does, and its batch dimension is dynamic ("batch").
 */
import type { Args, LayerDef, ShapeInfo } from '../../nn/layer-def.ts';
import { layerDef, layerDefs } from '../../nn/registry.ts';
import { resolveArgs, validateSpec, type LayerReport, type LayerSpec, type ModelSpec } from '../../nn/spec.ts';
import { blockDef } from '../../nn/layers/blocks.ts';
import type { Normalizer } from '../../data/dataset.ts';
import { ExportError } from '../pytorch-model.ts';
import { OnnxGraph, OPSET } from './graph.ts';
import { identity, type OnnxLower } from './layers.ts';

export interface OnnxOptions {
  title: string;
  weights: ReadonlyMap<string, { shape: number[]; data: Float32Array }>;
  normalizer: Normalizer | null;
}

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

export function exportOnnx(spec: ModelSpec, o: OnnxOptions): Uint8Array {
  const report = validateSpec(spec);
  if (!report.ok) throw new ExportError(`the model has errors, fix them before exporting:\n${report.errors.join('\n')}`);
  const unsupported = [...new Set(kindsIn(spec.layers).filter((k) => !onnxLowering(k) && !blockDef(k)))];
  if (unsupported.length) throw new ExportError(`ONNX export does not support ${unsupported.join(', ')} yet; export to PyTorch instead (--format pytorch) and use torch.onnx.export there`);
  const g = new OnnxGraph();
  let x = ONNX_INPUT;
  const tokens = spec.layers[0]?.kind === 'Embedding';
  if (o.normalizer) {
    const n = o.normalizer;
    const shape = n.group === 1 ? spec.input_shape : [n.mean.length, ...spec.input_shape.slice(1).map(() => 1)];
    x = g.node('Sub', [x, g.floats('normalize.mean', shape, n.mean)], 'normalize/Sub');
    x = g.node('Div', [x, g.floats('normalize.std', shape, n.std)], 'normalize/Div');
  }
  /** Lowers one list of layers (the model's or a block's); blocks recurse, Residual adds its input back. */
  const lower = (layers: LayerSpec[], reports: LayerReport[], input: ShapeInfo, x0: string): { x: string; shape: ShapeInfo } => {
    let current = input;
    let x = x0;
    layers.forEach((layer, i) => {
      const r = reports[i];
      const block = blockDef(layer.kind);
      if (block) {
        const inner = lower(layer.layers ?? [], r.children ?? [], current, x);
        x = block.kind === 'Residual' ? g.node('Add', [x, inner.x], `${r.path}/Add`) : inner.x;
        current = inner.shape;
        return;
      }
      const def = layerDef(layer.kind) as LayerDef;
      const args = resolveArgs(def, layer).args as Args;
      const output = def.infer(args, current);
      const tensor = (suffix: string) => o.weights.get(`${r.path}.${suffix}`) ?? null;
      try {
        x = onnxLowering(def.kind)!({ g, name: r.path, args, input: current, output, tensor }, x);
      } catch (e) {
        throw new ExportError(`layer '${r.path}' (${def.kind}): ${(e as Error).message}`);
      }
      current = output;
    });
    return { x, shape: current };
  };
  const result = lower(spec.layers, report.layers, { shape: [...spec.input_shape] }, x);
  x = result.x;
  const current = result.shape;
  g.node('Identity', [x], 'output/Identity');
  g.renameLastOutput(ONNX_OUTPUT);
  return g.encode({
    name: 'dropout_lab_model',
    doc: `${o.title}. Eval mode (dropout off), opset ${OPSET}; input takes raw samples, standardised inside the graph as the lab does.`,
    input: { name: ONNX_INPUT, dims: ['batch', ...spec.input_shape], elem: tokens ? 'int64' : 'float' },
    output: { name: ONNX_OUTPUT, dims: ['batch', ...current.shape] },
    metadata: { source: o.title, normalized_inside: String(!!o.normalizer) },
  });
}

/** How a layer kind lowers: its own `onnx`, else the identity for a stochastic layer (eval mode draws nothing), else undefined. */
function onnxLowering(kind: string): OnnxLower | undefined {
  const def = layerDef(kind);
  return def?.onnx ?? (def?.traits?.stochastic ? identity : undefined);
}

/** Registered kinds the ONNX exporter cannot lower (yet). */
export function onnxUnsupportedKinds(): string[] {
  return layerDefs().map((d) => d.kind).filter((k) => !onnxLowering(k));
}

/** Every kind in a list of layers, blocks' inner layers included. */
function kindsIn(layers: readonly LayerSpec[]): string[] {
  return layers.flatMap((l) => [l.kind, ...kindsIn(l.layers ?? [])]);
}
