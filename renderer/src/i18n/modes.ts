/** Strings of the modes area. Keys are prefixed "modes."; every key needs both languages (test/renderer/i18n.test.ts). */
import type { Messages } from './index.svelte.ts';

export default {
  en: {
  },
  zh: {
  },
} satisfies Messages;
