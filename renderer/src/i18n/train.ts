/** Strings of the train area. Keys are prefixed "train."; every key needs both languages (test/renderer/i18n.test.ts). */
import type { Messages } from './index.svelte.ts';

export default {
  en: {
  },
  zh: {
  },
} satisfies Messages;
