/**
 * No file of the engine reaches itself through its imports, type-only ones
 * included: a fact has one owner and the files that use it import it from
 * there, so the engine reads as layers (and module initialisation order never
 * matters).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

/** Each repository file's relative static imports and re-exports that exist. */
function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map(([, spec]) => resolve(dirname(file), spec)).filter((f) => existsSync(f));
}

/** Every cycle a depth-first walk from `roots` closes, each as the files around it, first file repeated at the end. */
function importCycles(roots: readonly string[]): string[][] {
  const done = new Set<string>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const walk = (f: string) => {
    const at = path.indexOf(f);
    if (at >= 0) return void cycles.push([...path.slice(at), f].map((p) => relative(repo, p)));
    if (done.has(f)) return;
    path.push(f);
    for (const g of importsOf(f)) walk(g);
    path.pop();
    done.add(f);
  };
  for (const r of roots) walk(r);
  return cycles;
}

const engine = resolve(repo, 'engine');
const engineFiles = readdirSync(engine, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .map((f) => resolve(engine, f));

describe('engine imports', () => {
  it('the walk sees imports, type-only ones too', () => {
    expect(engineFiles.length).toBeGreaterThan(100);
    expect(importsOf(resolve(engine, 'tensor/storage.ts'))).toEqual(expect.arrayContaining([resolve(engine, 'kernels/registry.ts'), resolve(engine, 'kernels/kernel-types.ts')]));
  });

  it('form no cycle', () => {
    expect(importCycles(engineFiles)).toEqual([]);
  });
});
