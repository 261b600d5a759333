/**
 * The article's worked example of inverted dropout (§1 "数值示例：置零与缩放"):
 * x = [2, 4, 6, 8], each element kept with probability 1 − p, survivors scaled
 * by 1/(1 − p) so E[y] = x; in eval mode y = x. Pure and seedable, so the UI
 * and the tests draw the same masks.
 */

export const ARTICLE_X: readonly number[] = [2, 4, 6, 8];
/** The article's mask for p = 0.5: the 2nd and 4th neurons dropped. */
export const ARTICLE_MASK: readonly number[] = [1, 0, 1, 0];
export const ARTICLE_P = 0.5;

/** mulberry32: a tiny 32-bit generator, good enough to draw teaching masks reproducibly. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** One keep-mask: 1 with probability 1 − p (Bernoulli(1 − p)), as torch.nn.Dropout draws it. */
export function drawMask(n: number, p: number, next: () => number): number[] {
  return Array.from({ length: n }, () => (next() >= p ? 1 : 0));
}

/** 1/(1 − p); p = 1 would drop everything, so there is nothing to scale. */
export function keepScale(p: number): number {
  return p < 1 ? 1 / (1 - p) : 0;
}

export interface DropoutSteps {
  x: number[];
  mask: number[];
  /** x ⊙ mask */
  masked: number[];
  scale: number;
  /** x ⊙ mask · 1/(1 − p): the training-mode output. */
  y: number[];
}

export function dropoutSteps(x: readonly number[], p: number, mask: readonly number[]): DropoutSteps {
  if (mask.length !== x.length) throw new RangeError(`the mask has ${mask.length} entries but x has ${x.length}`);
  const scale = keepScale(p);
  const masked = x.map((v, i) => v * mask[i]);
  return { x: [...x], mask: [...mask], masked, scale, y: masked.map((v) => v * scale) };
}

/** The mean training output over `draws` fresh masks: approaches x, which is why eval needs no rescaling. */
export function meanOutput(x: readonly number[], p: number, draws: number, seed: number): number[] {
  const next = rng(seed);
  const sum = x.map(() => 0);
  for (let d = 0; d < draws; d++) {
    const { y } = dropoutSteps(x, p, drawMask(x.length, p, next));
    for (let i = 0; i < y.length; i++) sum[i] += y[i];
  }
  return sum.map((s) => s / draws);
}
