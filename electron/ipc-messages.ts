/**
 * The shape of every message that crosses between renderer and main, as zod
 * schemas: main parses what the renderer sends (it is untrusted), the preload
 * parses what main answers. A message that does not parse is dropped.
 */
import * as z from 'zod';
import type { DropResult, RunReport } from './preload-api.ts';
import { MAX_RECENT } from './window-state.ts';

const path = z.string().min(1).max(4096);

export const DocumentStateMessage = z.strictObject({
  dirty: z.boolean(),
  title: z.string().transform((t) => t.slice(0, 200)),
  path: path.nullable(),
});

export const SuggestedName = z.string().max(1000);
export const DataKind = z.enum(['csv', 'npz', 'idx', 'cifar10', 'cifar100', 'images']);
/** What the Data view's chooser asks for: a CSV/TSV file, an .npz file, or a folder (IDX, image or CIFAR). */
export const DataDialogKind = z.enum(['csv', 'npz', 'idx', 'folder']);
export const RecentPath = path;
/** Open Recent as main answers it (window-state.ts keeps at most MAX_RECENT). */
export const RecentList = z.array(path).max(MAX_RECENT);

export const RunReportMessage: z.ZodType<RunReport> = z.strictObject({
  state: z.enum(['idle', 'running', 'paused']),
  fraction: z.number().min(0).max(1).nullable(),
});

export const AppearanceMessage = z.strictObject({
  theme: z.enum(['light', 'dark']),
  locale: z.enum(['en', 'zh']),
});

/** Paths of dropped files; more than a drop could sensibly hold is refused whole. */
export const DroppedPaths = z.array(path).max(64);

export const DropResultMessage: z.ZodType<DropResult> = z.strictObject({
  project: path.nullable(),
  openedElsewhere: z.number().int().min(0),
  data: z.strictObject({ kind: DataKind, path }).nullable(),
  refused: z.array(z.strictObject({ name: z.string().max(4096), reason: z.enum(['unsupported', 'missing', 'one-data-source', 'too-many']) })),
});
