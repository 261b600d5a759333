/**
 * A project's data source that is not where, or no longer what, the project
 * says: which source, which path, and what is missing there. Thrown by the
 * loaders as a DataError (so the CLI says it as before) and carried whole
 * over the protocol, so the app can offer to choose the source again.
 */
import { z } from 'zod';
import { DataError } from './dataset.ts';

export const MissingSourceSchema = z.object({
  /** The source's id ('images', 'cifar10', 'csv', …). */
  source: z.string(),
  /** Where the engine looked (the project's path through the host's path policy). */
  path: z.string(),
  /** 'folder'/'file': nothing of that kind is there; 'contents': it is there but lacks what the source reads (`files`). */
  missing: z.enum(['folder', 'file', 'contents']),
  /** For 'contents': the files or folders the source needs, as the user would look for them. */
  files: z.array(z.string()),
});
export type MissingSource = z.infer<typeof MissingSourceSchema>;

export class SourceMissing extends DataError {
  /** `message` replaces the general one where a loader can say more (what it found instead). */
  constructor(readonly info: MissingSource, message = sourceMissingMessage(info)) {
    super(message);
    this.name = 'SourceMissing';
  }
}

function sourceMissingMessage(m: MissingSource): string {
  const what = m.missing === 'contents' ? `holds no ${m.files.join(', ')}; it may have changed` : `no such ${m.missing}; it may have been moved or renamed`;
  return `${m.path}: ${what}. Put it back there, or choose it again (dlab new -d ${m.source}:<new path>, or Data in the app); the project's model and runs are kept`;
}

/** The source's file or folder is not there, or is the other kind of thing. */
export function whereMissing(source: string, path: string, kind: 'file' | 'folder', stat: (path: string) => { isDirectory: boolean } | null): SourceMissing | null {
  const s = stat(path);
  return s && s.isDirectory === (kind === 'folder') ? null : new SourceMissing({ source, path, missing: kind, files: [] });
}
