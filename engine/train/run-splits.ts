/** The one mapping from a run's settings (snake_case, as stored) to the split it trains on. */
import type { LoadedData } from '../data/catalog.ts';
import { split, type Splits } from '../data/pipeline.ts';
import type { TrainingSettings } from './settings.ts';

/** The run's train/val/test split: its fractions and seed over the dataset, with the dataset's own test set when it has one. */
export function splitsOf(data: LoadedData, settings: Pick<TrainingSettings, 'split' | 'seed'>): Splits {
  const s = settings.split;
  return split(data.data, { valFraction: s.val_fraction, testFraction: s.test_fraction, trainFraction: s.train_fraction, seed: settings.seed }, data.test);
}
