/** Strings of the results area. Keys are prefixed "results."; every key needs both languages (test/renderer/i18n.test.ts). */
import type { Messages } from './index.svelte.ts';

export default {
  en: {
  },
  zh: {
  },
} satisfies Messages;
