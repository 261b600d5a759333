/** Train/Eval's layer rows show the layer's kind (MaxPool2d), not the engine class behind it (PoolModule). */
import { describe, expect, it } from 'vitest';
import { buildModel, type ModelSpec } from '../../engine/nn/spec.ts';
import { Tensor } from '../../engine/tensor/tensor.ts';
import { layerKinds } from '../../renderer/src/lib/trace-kinds.ts';

describe('layerKinds', () => {
  it('names every module a trace visits with the kind of its layer, unnamed layers by index', () => {
    const spec: ModelSpec = { input_shape: [1, 4, 4], layers: [
      { kind: 'Conv2d', name: 'conv1', in_channels: 1, out_channels: 2, kernel_size: 3, padding: 1 },
      { kind: 'ReLU' },
      { kind: 'MaxPool2d', name: 'pool1', kernel_size: 2 },
      { kind: 'AvgPool2d', kernel_size: 2 },
      { kind: 'Flatten', name: 'flat' },
      { kind: 'Dropout', name: 'drop', p: 0.5 },
    ] };
    const kinds = layerKinds(spec);
    // The engine's own trace: the names it visits, and the classes it would have shown.
    const { model } = buildModel(spec, { seed: 0 });
    const visited: [string, string][] = [];
    model.eval();
    model.forwardTrace(new Tensor(new Float32Array(16), [1, 1, 4, 4]), (name, m) => visited.push([name, m.constructor.name]));
    expect(visited.map(([n]) => kinds.get(n))).toEqual(['Conv2d', 'ReLU', 'MaxPool2d', 'AvgPool2d', 'Flatten', 'Dropout']);
    expect(visited.find(([n]) => n === 'pool1')?.[1]).toBe('PoolModule'); // what the row used to show
  });
});
