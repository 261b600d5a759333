/** Strings of the model area. Keys are prefixed "model."; every key needs both languages (test/renderer/i18n.test.ts). */
import type { Messages } from './index.svelte.ts';

export default {
  en: {
  },
  zh: {
  },
} satisfies Messages;
