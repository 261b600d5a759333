import { describe, expect, it } from 'vitest';
import { FILE_SETS, defaultChoice, fieldsFor, isFileSet, modelFit, splitSizes, withOption, type Preview } from '../../renderer/src/lib/data-choice.ts';
import { DATASET_INFO, DatasetChoiceSchema } from '../../engine/data/catalog.ts';
import { bounds, column, sampleRgba } from '../../renderer/src/lib/data-preview.ts';

describe('dataset options', () => {
  it('gives every built-in set a default choice the engine accepts', () => {
    for (const id of ['spiral', 'moons', 'circles', 'xor', 'blobs', 'sine', 'cubic', 'step', 'sequence', 'mnist'] as const) {
      const c = defaultChoice(id);
      expect(DatasetChoiceSchema.safeParse(c).success, id).toBe(true);
    }
    expect(defaultChoice('csv')).toBeNull();
    expect(defaultChoice('csv', 'data/iris.csv')).toEqual({ id: 'csv', path: 'data/iris.csv' });
  });

  it('offers every source the engine reads from the user\'s files, each with a path the engine accepts', () => {
    const engineFileSources = DATASET_INFO.filter((d) => d.path).map((d) => d.id).sort();
    expect([...FILE_SETS].sort()).toEqual(engineFileSources);
    for (const id of FILE_SETS) {
      expect(isFileSet(id)).toBe(true);
      expect(defaultChoice(id), id).toBeNull();
      expect(DatasetChoiceSchema.safeParse(defaultChoice(id, 'data/x')).success, id).toBe(true);
    }
    expect(DatasetChoiceSchema.parse(defaultChoice('images', 'pets'))).toEqual({ id: 'images', path: 'pets', size: 32, gray: false });
  });

  it('offers classes only where the generator takes them', () => {
    expect(fieldsFor('spiral').map((f) => f.key)).toEqual(['samples', 'noise', 'classes', 'seed']);
    expect(fieldsFor('moons').map((f) => f.key)).toEqual(['samples', 'noise', 'seed']);
    expect(fieldsFor('mnist')).toEqual([]);
  });

  it('bounds agree with the engine schema at the edges', () => {
    for (const id of ['spiral', 'sine', 'sequence'] as const) {
      for (const f of fieldsFor(id)) {
        const base = defaultChoice(id)!;
        expect(DatasetChoiceSchema.safeParse(withOption(base, f.key, f.min)).success, `${id}.${f.key} min`).toBe(true);
        expect(DatasetChoiceSchema.safeParse(withOption(base, f.key, f.max)).success, `${id}.${f.key} max`).toBe(true);
        expect(DatasetChoiceSchema.safeParse(withOption(base, f.key, f.min - 1)).success, `${id}.${f.key} below`).toBe(false);
      }
    }
  });

  it('removes an optional option left empty', () => {
    expect(withOption({ id: 'spiral', samples: 400, seed: 0, noise: 0.2 }, 'noise', undefined)).toEqual({ id: 'spiral', samples: 400, seed: 0 });
  });
});

const preview = (o: Partial<Preview>): Preview => ({
  name: 'x', task: 'classification', size: 10, input_shape: [2], class_names: ['a', 'b'], class_counts: [5, 5], view: 'points',
  features: { shape: [2, 2], data: new Float32Array(4) }, labels: [0, 1], skipped: [], skipped_total: 0, ...o,
});

describe('data against the model', () => {
  it('says nothing when the shapes fit', () => {
    expect(modelFit([2], [2], preview({}))).toEqual([]);
    expect(modelFit([2], null, preview({}))).toEqual([]);
  });

  it('names the input shape and class count that disagree', () => {
    expect(modelFit([1, 28, 28], [10], preview({}))).toEqual([
      { key: 'data.fit.input', vars: { data: '2', model: '1×28×28' } },
      { key: 'data.fit.classes', vars: { classes: 2, outputs: 10 } },
    ]);
    const reg = preview({ task: 'regression', input_shape: [1], class_names: [], features: { shape: [3, 1], data: new Float32Array(3) }, labels: [1, 2, 3] });
    expect(modelFit([1], [2], reg)).toEqual([{ key: 'data.fit.targets', vars: { targets: 1, outputs: 2 } }]);
  });
});

describe('preview drawing', () => {
  it('turns grey and RGB samples into pixels', () => {
    expect([...sampleRgba([0, 1], 0, 1, 1, 2)]).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    // One pixel, three channel planes.
    expect([...sampleRgba([9, 1, 0.5, 0], 1, 3, 1, 1)]).toEqual([255, 128, 0, 255]);
  });

  it('frames points with a margin, and a flat range still has width', () => {
    const b = bounds([0, 10], [5, 5], 0.1);
    expect(b).toEqual({ xMin: -1, xMax: 11, yMin: 4, yMax: 6 });
    expect([...column([1, 2, 3, 4, 5, 6], 3, 2, 1)]).toEqual([2, 4, 6]);
  });
});

describe('split sizes', () => {
  it('carves test first, validation from the rest, and uses a fraction of what remains for training', () => {
    expect(splitSizes(400, { val_fraction: 0.1, test_fraction: 0.1, train_fraction: 1 })).toEqual({ train: 324, val: 36, test: 40, unused: 0 });
    expect(splitSizes(1000, { val_fraction: 0.2, test_fraction: 0, train_fraction: 0.25 })).toEqual({ train: 200, val: 200, test: 0, unused: 600 });
  });
});
