/**
 * Class k's colour, the one every Data view drawing gives it (the tiles' and
 * rows' swatches, the points, the per-class bars), so a colour names one class
 * throughout. The theme's four series colours come first (as CSS variables, so
 * they follow the theme), then six more of Tableau 10's, which stay apart from
 * them and from each other (CIFAR-10 gets ten distinct colours); past ten,
 * hues a golden angle apart, alternately lighter and darker.
 */
const MORE = ['#d62728', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function classColor(k: number): string {
  if (k < 4) return `var(--series-${k + 1})`;
  if (k < 4 + MORE.length) return MORE[k - 4];
  return `hsl(${Math.round((k * 137.508) % 360)} 60% ${k % 2 ? 42 : 58}%)`;
}

/** A colour a canvas can take: `var(--name)` becomes the variable's value in `css` (a canvas does not read variables). */
export function resolveColor(color: string, css: Pick<CSSStyleDeclaration, 'getPropertyValue'>): string {
  const v = /^var\((--[\w-]+)\)$/.exec(color);
  return v ? css.getPropertyValue(v[1]).trim() : color;
}
