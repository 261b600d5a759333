/** Palette order: layer kinds grouped by category, categories in first-seen order. */
export function groupByCategory<T extends { category: string }>(items: readonly T[]): { category: string; items: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const it of items) {
    const g = groups.get(it.category);
    if (g) g.push(it);
    else groups.set(it.category, [it]);
  }
  return [...groups].map(([category, list]) => ({ category, items: list }));
}
