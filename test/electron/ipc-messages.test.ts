/** What main accepts from a renderer: the right shapes, nothing more. */
import { describe, expect, it } from 'vitest';
import { AppearanceMessage, DataDialogKind, DataKind, DocumentStateMessage, DroppedPaths, RecentList, RecentPath, RunReportMessage, SuggestedName } from '../../electron/ipc-messages.ts';

describe('IPC messages from the renderer', () => {
  it.each([
    ['a run report', true, RunReportMessage, { state: 'paused', fraction: 0.25 }],
    ['a run report before any progress', true, RunReportMessage, { state: 'running', fraction: null }],
    ['a fraction past 1', false, RunReportMessage, { state: 'running', fraction: 1.01 }],
    ['a NaN fraction', false, RunReportMessage, { state: 'running', fraction: Number.NaN }],
    ['an unknown run state', false, RunReportMessage, { state: 'exploded', fraction: 0 }],
    ['an extra field', false, RunReportMessage, { state: 'idle', fraction: null, cmd: 'rm' }],
    ['an appearance', true, AppearanceMessage, { theme: 'dark', locale: 'zh' }],
    ['an unknown language', false, AppearanceMessage, { theme: 'dark', locale: 'fr' }],
    ['dropped paths', true, DroppedPaths, ['/a.dlab', '/d/iris.csv']],
    ['an empty path', false, DroppedPaths, ['']],
    ['a path that is not a string', false, DroppedPaths, [{ toString: (): string => '/a' }]],
    ['a flood of paths', false, DroppedPaths, Array.from({ length: 65 }, (_, i) => `/p${i}`)],
    ['a data kind', true, DataKind, 'idx'],
    ['an unknown data kind', false, DataKind, 'parquet'],
    ['a folder for the data chooser', true, DataDialogKind, 'folder'],
    ['an .npz file for the data chooser', true, DataDialogKind, 'npz'],
    ['an unknown chooser kind', false, DataDialogKind, 'anything'],
    ['a suggested name', true, SuggestedName, 'run.dlab'],
    ['a recent file', true, RecentPath, '/home/u/a.dlab'],
    ['an empty recent file', false, RecentPath, ''],
    ['a recent file that is not a string', false, RecentPath, ['/a.dlab']],
    ['the recent list', true, RecentList, ['/a.dlab', '/b.dlab']],
    ['a recent list longer than Open Recent keeps', false, RecentList, Array.from({ length: 11 }, (_, i) => `/p${i}.dlab`)],
  ])('%s: accepted = %s', (_what, ok, schema, value) => {
    expect(schema.safeParse(value).success).toBe(ok);
  });

  it('cuts an over-long window title and refuses a document state without `dirty`', () => {
    const m = DocumentStateMessage.parse({ dirty: true, title: 'x'.repeat(500), path: null });
    expect(m.title).toHaveLength(200);
    expect(DocumentStateMessage.safeParse({ title: 't', path: null }).success).toBe(false);
  });
});
