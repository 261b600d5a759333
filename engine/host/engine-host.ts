/** What the engine needs from the process it runs in (Node child, Electron utility process, web host). */
import type { ToClient } from '../protocol.ts';
import type { FileSource } from '../data/catalog.ts';
import type { ProjectBundle } from '../project/project.ts';
import type { TrainPoolFactory } from '../experiments/train-pool.ts';
import type { JournalStore } from './recovery-journal.ts';

/** What a user-given path is for: a project to open or save, a dataset file or folder, a folder to export into. */
export type PathPurpose = 'open' | 'save' | 'dataset' | 'export';

/** Everything the engine needs from the process it runs in. */
export interface EngineHost {
  send(msg: ToClient): void;
  /** Dataset files (IDX, CSV, bundled MNIST). */
  files: FileSource;
  /** Maps a user-given path to the one to use, or throws ForbiddenPath (web host: inside its folder; Electron: granted by a dialog). */
  resolvePath(path: string, purpose: PathPurpose): string;
  openProject(path: string): ProjectBundle;
  /** Saves atomically and returns the number of bytes written. */
  saveProject(path: string, bundle: ProjectBundle): number;
  /** Writes an export's files into the (resolved) folder, creating it; returns the paths written. */
  writeExport(dir: string, files: ReadonlyMap<string, Uint8Array>): string[];
  checkpoints: { save(runId: string, bytes: Uint8Array): void; load(runId: string): Uint8Array | null };
  /** Where the open project is journaled for crash recovery; without it (the CLI, bare tests) nothing is journaled. */
  journal?: JournalStore;
  /** Worker threads for sweeps; without them a sweep trains its variants in turn in the engine itself. */
  trainPools?: TrainPoolFactory;
  backend: string;
  pid: number;
}

export class ForbiddenPath extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenPath';
  }
}
