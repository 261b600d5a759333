/**
 * The EngineHost for Node processes (Electron utility process, child process):
 * real files, atomic project saves, checkpoints in a folder, worker threads
 * for sweeps, and the path
 * policy of whoever started the engine — a root folder (web host), paths
 * granted by the main process's dialogs (Electron), or any path (tests, CLI).
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { tmpdir, totalmem } from 'node:os';
import { nodeFileSource } from '../../io/node-files.ts';
import { openProject } from '../../io/project-file.ts';
import { writeFileAtomic } from '../../io/atomic-write.ts';
import { journalFiles } from '../../io/journal-files.ts';
import { packProject } from '../../project/project.ts';
import { writeExportFiles } from '../../io/export-files.ts';
import { ForbiddenPath, type EngineHost, type PathPurpose } from '../engine-host.ts';
import { workerTrainPools } from './worker-train-pool.ts';
import { setMachineMemory } from '../../nn/budget.ts';
import type { ToClient } from '../../protocol.ts';

export type PathPolicy =
  | { kind: 'root'; root: string }
  | { kind: 'granted'; granted: Set<string> }
  | { kind: 'any'; cwd: string };

/** The real path of `p`, or of its nearest existing parent joined with the rest (for files about to be created). */
function realish(p: string): string {
  let head = p;
  const rest: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) break;
    rest.unshift(head.slice(up.length).replace(/^[\\/]/, ''));
    head = up;
  }
  return join(realpathSync(head), ...rest);
}

export function resolveWithPolicy(policy: PathPolicy, path: string, purpose: PathPurpose): string {
  if (path.includes('\0')) throw new ForbiddenPath('a path cannot contain NUL characters');
  switch (policy.kind) {
    case 'any':
      return resolve(policy.cwd, path);
    case 'root': {
      const root = realpathSync(policy.root);
      const full = realish(resolve(root, path));
      const rel = relative(root, full);
      if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw new ForbiddenPath(`${path} is outside the folder this lab was started in (${root}); choose a file inside it`);
      if (purpose === 'save' && !/\.dlab$/i.test(full)) throw new ForbiddenPath(`${path}: projects are saved as .dlab files`);
      return full;
    }
    case 'granted': {
      const full = resolve(path);
      if (!policy.granted.has(full)) throw new ForbiddenPath(`${path} was not chosen in a file dialog of this window; ${purpose === 'export' ? 'choose the folder in the export dialog' : 'use File › Open or Save As'}`);
      return full;
    }
  }
}

/** Journals are offered across engines of one scope only: the web host's folder, the desktop's dialogs, or the working folder. */
function journalScope(policy: PathPolicy): string {
  return policy.kind === 'root' ? `root:${resolve(policy.root)}` : policy.kind === 'granted' ? 'desktop' : `any:${policy.cwd}`;
}

/** `session` (the same for every restart of one window's engine) turns on the recovery journal, kept in `<checkpoints>/recovery`. */
export function makeNodeHost(o: { send(msg: ToClient): void; policy: PathPolicy; checkpointDir?: string; session?: string; backend: string }): EngineHost {
  setMachineMemory(totalmem()); // model budgets (engine/nn/budget.ts) follow this machine
  const dir = o.checkpointDir ?? join(tmpdir(), 'dropout-lab-checkpoints');
  const file = (runId: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(runId)) throw new ForbiddenPath(`'${runId}' is not a run id`);
    return join(dir, `${runId}.ckpt`);
  };
  return {
    send: o.send,
    // Decoded image folders are cached beside the checkpoints (Electron: userData/checkpoints/datasets).
    files: nodeFileSource(process.env.DLAB_CACHE_DIR ?? join(dir, 'datasets')),
    resolvePath: (p, purpose) => resolveWithPolicy(o.policy, p, purpose),
    openProject,
    saveProject(path, bundle) {
      bundle.project.modified = new Date().toISOString();
      const bytes = packProject(bundle);
      writeFileAtomic(path, bytes);
      return bytes.length;
    },
    writeExport: (dir, files) => writeExportFiles(dir, files),
    checkpoints: {
      save(runId, bytes) {
        mkdirSync(dir, { recursive: true });
        writeFileAtomic(file(runId), bytes);
      },
      load(runId) {
        const f = file(runId);
        return statSync(f, { throwIfNoEntry: false })?.isFile() ? new Uint8Array(readFileSync(f)) : null;
      },
    },
    journal: o.session ? journalFiles(join(dir, 'recovery'), o.session, journalScope(o.policy)) : undefined,
    trainPools: workerTrainPools({ backend: o.backend }),
    backend: o.backend,
    pid: process.pid,
  };
}
