/**
 * Image-folder import speed (issue #15): generates N 32×32 RGB PNGs in 10
 * class folders once, then times, each in a fresh process so memory is its
 * own, the first import (decoding everything, writing the cache) and a
 * cached reopen, with the process's RSS at the end and at its peak.
 *
 *   npx tsx bench/image-folder.ts [N=5000] [DIR=/tmp/dlab-bench-images-N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from 'fast-png';

const [mode, ...rest] = process.argv.slice(2);

if (mode === '--child') {
  const [dir, cache] = rest;
  process.env.DLAB_CACHE_DIR = cache;
  const { loadDataset } = await import('../engine/data/catalog.ts');
  const { nodeFiles } = await import('../engine/io/node-files.ts');
  const t0 = performance.now();
  const { data } = loadDataset({ id: 'images', path: dir, size: 32, gray: false }, nodeFiles);
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ samples: data.size, seconds, rss_mb: process.memoryUsage().rss / 2 ** 20, peak_mb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const n = Number(mode ?? 5000);
  const dir = rest[0] ?? join(tmpdir(), `dlab-bench-images-${n}`);
  if (!existsSync(join(dir, 'done'))) {
    const t0 = performance.now();
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
    for (let i = 0; i < n; i++) {
      const cls = join(dir, `class${i % 10}`);
      if (i < 10) mkdirSync(cls, { recursive: true });
      const data = new Uint8Array(32 * 32 * 3).map((_, j) => (j % 3 === i % 3 ? 200 : 0) + (rand() % 56));
      writeFileSync(join(cls, `${i}.png`), encode({ width: 32, height: 32, data, channels: 3, depth: 8 }));
    }
    writeFileSync(join(dir, 'done'), '');
    console.log(`generated ${n} PNGs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const cache = mkdtempSync(join(tmpdir(), 'dlab-bench-cache-'));
  const self = fileURLToPath(import.meta.url);
  for (const label of ['first import', 'cached reopen']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', dir, cache], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    const m = JSON.parse(r.stdout) as { samples: number; seconds: number; rss_mb: number; peak_mb: number };
    console.log(`${label}: ${m.samples} pictures in ${m.seconds.toFixed(2)} s, RSS ${m.rss_mb.toFixed(0)} MB (peak ${m.peak_mb.toFixed(0)} MB)`);
  }
}
