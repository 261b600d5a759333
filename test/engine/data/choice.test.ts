/** Every source read from the user's files has its path checked by the host's policy; built-in ones have none. */
import { describe, expect, it } from 'vitest';
import { DATASET_INFO, DatasetChoiceSchema, resolveSourcePath } from '../../../engine/data/choice.ts';

describe('resolveSourcePath', () => {
  it.each(DATASET_INFO.map((d) => [d.id, d.path] as const))('%s (%s)', (id, kind) => {
    const choice = DatasetChoiceSchema.parse(kind ? { id, path: 'data/x' } : { id });
    const seen: string[] = [];
    const out = resolveSourcePath(choice, (p) => (seen.push(p), `/root/${p}`));
    expect(seen).toEqual(kind ? ['data/x'] : []);
    expect(out).toEqual(kind ? { ...choice, path: '/root/data/x' } : choice);
  });
});
