/** What the packaged app carries (release/linux-unpacked/resources/app.asar and its unpacked folder), and what it must not. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { describe, expect, it } from 'vitest';
import { packaged } from './packaged.ts';

const entries = listPackage(packaged.asar, { isPack: false }).map((p) => p.replaceAll('\\', '/'));
const files = entries.filter((p) => !('files' in statFile(packaged.asar, p.slice(1))));

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
}

describe('app.asar', () => {
  it('holds the renderer, the main, preload and engine bundles and the kernels', () => {
    for (const f of [
      '/package.json',
      '/dist/renderer/index.html',
      '/dist/electron/main.cjs',
      '/dist/electron/preload.cjs',
      '/dist/node/engine.cjs',
      '/dist/node/train-worker.cjs',
      '/dist/node/dlab.cjs',
      '/dist/node/wasm/kernels-simd.wasm',
      '/dist/node/wasm/kernels-relaxed.wasm',
      '/dist/node/mnist/mnist-images.gz',
      '/dist/node/mnist/mnist-labels.gz',
    ]) expect(files, f).toContain(f);
    expect(files.some((f) => /^\/dist\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
  });

  it('ships no tests, TypeScript, source maps, node_modules or the web host', () => {
    const bad = files.filter((f) => f.startsWith('/test/') || f.endsWith('.ts') || f.endsWith('.map') || f.includes('/node_modules/') || f.endsWith('/web.cjs'));
    expect(bad).toEqual([]);
    expect(new Set(entries.map((p) => p.split('/')[1]))).toEqual(new Set(['dist', 'package.json']));
  });

  it("starts at package.json's main, which is in the archive", () => {
    const pkg: unknown = JSON.parse(extractFile(packaged.asar, 'package.json').toString('utf8'));
    const main: unknown = Reflect.get(Object(pkg), 'main');
    expect(main).toBe('dist/electron/main.cjs');
    expect(files).toContain(`/${String(main)}`);
  });

  it('keeps everything under dist/node as plain files beside the archive (Node and worker threads cannot read an asar)', () => {
    const inNode = files.filter((f) => f.startsWith('/dist/node/'));
    expect(inNode.length).toBeGreaterThanOrEqual(7);
    for (const f of inNode) {
      expect(Reflect.get(statFile(packaged.asar, f.slice(1)), 'unpacked'), f).toBe(true);
      expect(existsSync(join(packaged.unpacked, f)), f).toBe(true);
    }
  });

  it('stays under 40 MB with its unpacked folder', () => {
    const bytes = statSync(packaged.asar).size + folderBytes(packaged.unpacked);
    expect(bytes).toBeLessThan(40 * 1024 * 1024);
  });
});
