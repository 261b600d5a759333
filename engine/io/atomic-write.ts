/**
 * Atomic file replacement: write a temporary file in the same folder, fsync
 * it, rename it over the target, fsync the folder. A crash at any moment
 * leaves either the old file or the complete new one, never a mix — and,
 * if the writer was killed, its temporary file, which the next write to that
 * folder removes once that writer is gone.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Our temporary names: `.NAME.<pid>.<base-36 time>.tmp`. */
const TEMP = /^\.(.+)\.(\d+)\.[0-9a-z]+\.tmp$/;

/** Whether a process with this id runs on this machine. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files left in `dir` by writers that died mid-write: those
 * of projects (`.NAME.dlab.<pid>.…tmp`) and of `target`, whose pid is no
 * longer running. Names of other programs are never touched.
 */
export function removeStaleTemps(dir: string, target: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || !(m[1] === target || /\.dlab$/i.test(m[1]))) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || alive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      /* gone already, or not ours to remove */
    }
  }
  return removed;
}

/** Writes `bytes`, or parts one after another (a large file is then never joined into one buffer). */
export function writeFileAtomic(path: string, bytes: Uint8Array | readonly Uint8Array[]): void {
  const dir = dirname(path);
  removeStaleTemps(dir, basename(path));
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    for (const part of bytes instanceof Uint8Array ? [bytes] : bytes) {
      let off = 0;
      while (off < part.length) off += writeSync(fd, part, off, part.length - off);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  // Make the rename itself durable.
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* some file systems refuse fsync on folders; the rename is still atomic */
  }
}
