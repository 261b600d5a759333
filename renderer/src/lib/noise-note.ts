/**
 * What the Train/Eval trace says under a dropout-like layer that drew no
 * noise: in eval mode, or in train mode at rate 0 (the engine draws nothing
 * then). Whether the layer passed its input on unchanged is read from the
 * numbers, so MultiheadAttention or DropConnect (not the identity without
 * their dropout) are not called the identity.
 */
import type { Mode } from './mode-runs.ts';

/** An i18n key under modes.noise. */
export function quietNoteKey(mode: Mode, input: ArrayLike<number> | null, output: ArrayLike<number>): string {
  const identity = !!input && input.length === output.length && Array.prototype.every.call(output, (v: number, i: number) => v === input[i]);
  return `modes.noise.${mode === 'eval' ? 'eval' : 'zeroRate'}${identity ? 'Identity' : ''}`;
}
