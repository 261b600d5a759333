/**
 * The web host's one recent-projects list, kept on disk per served folder
 * (`recent-projects.json` in its data folder: `{ [folder]: paths }`), so it
 * outlives the launch, its port and the browser tab. Paths outside the
 * folder are refused; a damaged file reads as an empty list.
 */
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../engine/io/atomic-write.ts';
import { addRecent, MAX_RECENT } from '../electron/window-state.ts';

const FileSchema = z.record(z.string(), z.array(z.string()));

export class RecentStore {
  private readonly file: string;
  /** Real, as the engine reports the paths it opened and saved. */
  private readonly root: string;

  constructor(private readonly dir: string, root: string) {
    this.file = join(dir, 'recent-projects.json');
    this.root = realpathSync(root);
  }

  private all(): Record<string, string[]> {
    try {
      const r = FileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return r.success ? r.data : {};
    } catch {
      return {};
    }
  }

  list(): string[] {
    return (this.all()[this.root] ?? []).slice(0, MAX_RECENT);
  }

  /** Puts `path` (absolute, or relative to the folder) first; throws for a path outside the folder. */
  note(path: string): string[] {
    const full = resolve(this.root, path);
    const rel = relative(this.root, full);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${path} is outside the folder this lab serves (${this.root})`);
    const all = this.all();
    const recent = addRecent(all[this.root] ?? [], full);
    mkdirSync(this.dir, { recursive: true });
    writeFileAtomic(this.file, new TextEncoder().encode(JSON.stringify({ ...all, [this.root]: recent })));
    return recent;
  }
}
