/**
 * The advisor's findings in the reader's language: the engine sends data
 * (rule, variant, values, fix action) and the current locale's templates
 * (i18n/advice.ts) word it. Reading this inside markup follows the locale.
 */
import { ADVICE } from '../../i18n/advice.ts';
import { i18n } from '../../i18n/index.svelte.ts';
import { renderFinding, type FindingText } from '../../../../engine/experiments/advice-text.ts';

/** A finding's title, message, explanation and fix label in the current locale. */
export function adviceText(f: FindingText): ReturnType<typeof renderFinding> {
  return renderFinding(ADVICE[i18n.locale], f);
}
