/** What a drop on a window may do: projects open, one CSV/TSV file or folder is offered as data, the rest is refused with a reason. */
import { describe, expect, it } from 'vitest';
import { MAX_DROPPED, baseName, planDrop, wantsPath, type DroppedEntry } from '../../electron/dropped-files.ts';

const file = (path: string): DroppedEntry => ({ path, kind: 'file' });
const dir = (path: string): DroppedEntry => ({ path, kind: 'directory' });

describe('which dropped names the preload asks a path for', () => {
  it.each([
    ['spiral.dlab', true],
    ['SPIRAL.DLAB', true],
    ['iris.csv', true],
    ['scores.TSV', true],
    ['fashion-mnist', true], // no extension: may be a folder, main checks
    ['photo.png', false],
    ['notes.txt', false],
    ['model.dlab.zip', false],
  ])('%s → %s', (name, wanted) => {
    expect(wantsPath(name)).toBe(wanted);
  });
});

describe('planDrop', () => {
  it('opens the first project here and the others in windows of their own', () => {
    expect(planDrop([file('/p/a.dlab'), file('/p/b.dlab'), file('/p/c.DLAB')])).toEqual({ project: '/p/a.dlab', moreProjects: ['/p/b.dlab', '/p/c.DLAB'], data: null, refused: [] });
  });

  it('offers a CSV or TSV file as a CSV source, an .npz as arrays, and a folder by what it holds', () => {
    expect(planDrop([file('/d/iris.csv')]).data).toEqual({ kind: 'csv', path: '/d/iris.csv' });
    expect(planDrop([file('C:\\d\\scores.tsv')]).data).toEqual({ kind: 'csv', path: 'C:\\d\\scores.tsv' });
    expect(planDrop([file('/d/xy.NPZ')]).data).toEqual({ kind: 'npz', path: '/d/xy.NPZ' });
    expect(planDrop([{ ...dir('/d/fashion-mnist'), names: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'] }]).data).toEqual({ kind: 'idx', path: '/d/fashion-mnist' });
    expect(planDrop([{ ...dir('/d/c10'), names: ['batches.meta.txt', 'data_batch_1.bin', 'test_batch.bin'] }]).data).toEqual({ kind: 'cifar10', path: '/d/c10' });
    expect(planDrop([{ ...dir('/d/c100'), names: ['fine_label_names.txt', 'train.bin', 'test.bin'] }]).data).toEqual({ kind: 'cifar100', path: '/d/c100' });
    expect(planDrop([{ ...dir('/d/pets'), names: ['cat', 'dog', '.DS_Store'] }]).data).toEqual({ kind: 'images', path: '/d/pets' });
    expect(wantsPath('xy.npz')).toBe(true);
  });

  it('offers one data source and says why it refused the rest', () => {
    const plan = planDrop([file('/d/a.csv'), dir('/d/mnist'), file('/d/b.csv')]);
    expect(plan.data).toEqual({ kind: 'csv', path: '/d/a.csv' });
    expect(plan.refused).toEqual([{ name: 'mnist', reason: 'one-data-source' }, { name: 'b.csv', reason: 'one-data-source' }]);
  });

  it('refuses what it cannot use: other files, a folder named like a project, vanished paths', () => {
    const plan = planDrop([file('/d/photo.png'), file('/d/README'), { path: '/gone/x.dlab', kind: 'missing' }, dir('/d/odd.dlab')]);
    expect(plan.project).toBeNull();
    // A folder is data whatever its name; only a file is a project.
    expect(plan.data).toEqual({ kind: 'images', path: '/d/odd.dlab' });
    expect(plan.refused).toEqual([{ name: 'photo.png', reason: 'unsupported' }, { name: 'README', reason: 'unsupported' }, { name: 'x.dlab', reason: 'missing' }]);
  });

  it(`refuses everything past the first ${MAX_DROPPED} files`, () => {
    const many = Array.from({ length: MAX_DROPPED + 2 }, (_, i) => file(`/p/${i}.dlab`));
    const plan = planDrop(many);
    expect(1 + plan.moreProjects.length).toBe(MAX_DROPPED);
    expect(plan.refused).toEqual([{ name: `${MAX_DROPPED}.dlab`, reason: 'too-many' }, { name: `${MAX_DROPPED + 1}.dlab`, reason: 'too-many' }]);
  });

  it('names files by their last path part, with either separator', () => {
    expect([baseName('/a/b/c.csv'), baseName('C:\\x\\y.dlab'), baseName('/a/dir/')]).toEqual(['c.csv', 'y.dlab', 'dir']);
  });
});
