/** Strings of the Experiments view (sweeps, compare). Keys are prefixed "experiments."; every key needs both languages. */
import type { Messages } from './index.svelte.ts';

export default {
  en: {
    'experiments.title': 'Experiments',
  },
  zh: {
    'experiments.title': '实验',
  },
} satisfies Messages;
