/**
 * Temporary files of writers killed mid-save are removed by the next save to
 * their folder (issue #17, item 11: 4 of 30 kills left `.NAME.dlab.<pid>.*.tmp`),
 * and only those: a live writer's file and other programs' files stay.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../engine/io/atomic-write.ts';

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('stale temporary files', () => {
  it('a save removes the temp files of dead writers beside it and keeps everything else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlab-stale-'));
    const dead = deadPid();
    const files = {
      deadSame: `.p.dlab.${dead}.mbc1x2y3.tmp`,
      deadOther: `.other project.dlab.${dead}.mbc1x2y4.tmp`,
      deadCheckpoint: `.run-1.ckpt.${dead}.mbc1x2y5.tmp`,
      liveParent: `.p.dlab.${process.ppid}.mbc1x2y6.tmp`,
      own: `.p.dlab.${process.pid}.mbc1x2y7.tmp`,
      foreign: `.notes.txt.${dead}.abc.tmp`,
      unrelated: 'p.dlab.bak',
    };
    for (const f of Object.values(files)) writeFileSync(join(dir, f), 'x');
    writeFileAtomic(join(dir, 'p.dlab'), new Uint8Array([1, 2, 3]));
    expect(readdirSync(dir).sort()).toEqual([files.foreign, files.deadCheckpoint, files.liveParent, files.own, 'p.dlab', files.unrelated].sort());
    expect([...readFileSync(join(dir, 'p.dlab'))]).toEqual([1, 2, 3]);
    // A checkpoint's own leftovers go when that checkpoint is written again.
    writeFileAtomic(join(dir, 'run-1.ckpt'), new Uint8Array([4]));
    expect(readdirSync(dir)).not.toContain(files.deadCheckpoint);
  });

  it('writes parts one after another as one file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlab-atomic-parts-'));
    writeFileAtomic(join(dir, 'entry'), [new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3, 4, 5])]);
    expect([...readFileSync(join(dir, 'entry'))]).toEqual([1, 2, 3, 4, 5]);
  });
});
