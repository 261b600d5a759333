/** One colour per class: the theme's four series colours, then evenly spread hues for more classes. */
export function classColors(css: CSSStyleDeclaration, count: number): string[] {
  const base = [1, 2, 3, 4].map((i) => css.getPropertyValue(`--series-${i}`).trim());
  return Array.from({ length: Math.max(count, 1) }, (_, k) => base[k] ?? `hsl(${Math.round((k * 137.5) % 360)} 65% 52%)`);
}
