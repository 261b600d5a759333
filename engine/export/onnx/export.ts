/**
 * `--format onnx`: the model's eval-mode graph with its weights, written by
 * our own protobuf encoder (no Python needed). The graph starts with the lab's
 * input standardisation, so `input` takes raw samples exactly as
 * `dlab predict` does, and its batch dimension is dynamic ("batch").
 */
import type { Args, LayerDef, ShapeInfo } from '../../nn/layer-def.ts';
import { layerDef } from '../../nn/registry.ts';
import { resolveArgs, validateSpec, type ModelSpec } from '../../nn/spec.ts';
import type { Normalizer } from '../../data/dataset.ts';
import { ExportError } from '../pytorch-model.ts';
import { OnnxGraph, OPSET } from './graph.ts';
import { ONNX_LAYERS } from './layers.ts';

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
  const unsupported = [...new Set(spec.layers.map((l) => l.kind).filter((k) => !(k in ONNX_LAYERS)))];
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
  let current: ShapeInfo = { shape: [...spec.input_shape] };
  spec.layers.forEach((layer, i) => {
    const def = layerDef(layer.kind) as LayerDef;
    const args = resolveArgs(def, layer).args as Args;
    const output = def.infer(args, current);
    const name = report.layers[i].name;
    const tensor = (suffix: string) => o.weights.get(`${name}.${suffix}`) ?? null;
    try {
      x = ONNX_LAYERS[def.kind]({ g, name, args, input: current, output, tensor }, x);
    } catch (e) {
      throw new ExportError(`layer ${i} '${name}' (${def.kind}): ${(e as Error).message}`);
    }
    current = output;
  });
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
