/**
 * What to tell the user after a drop, in their language: what was offered to
 * the Data view, what opened in other windows, and what was not opened and
 * why. Words come from `t` (common.drop.*), so this is tested with any table.
 */
import type { DropResult } from '../host/host.ts';
import type { Notice } from './project.svelte.ts';

type T = (key: string, vars?: Record<string, string | number>) => string;

export function dropNotice(r: DropResult, t: T): Notice | null {
  const parts: string[] = [];
  if (r.data) parts.push(t(`common.drop.offered.${r.data.kind}`, { name: baseName(r.data.path) }));
  if (r.openedElsewhere) parts.push(t('common.drop.elsewhere', { n: r.openedElsewhere }));
  const byReason = new Map<string, string[]>();
  for (const x of r.refused) byReason.set(x.reason, [...(byReason.get(x.reason) ?? []), x.name]);
  for (const [reason, names] of byReason) parts.push(t(`common.drop.refused.${reason}`, { names: names.join(', ') }));
  if (!parts.length) return null;
  return { kind: r.refused.length ? 'error' : 'info', text: parts.join(' ') };
}

function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}
