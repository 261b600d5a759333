/**
 * A layer's declaration and the ONNX exporter's shared pieces do not import
 * each other in a circle: export/onnx/layers.ts reads layer-def.ts (the
 * context a lowering gets is declared there), and nothing layer-def.ts
 * imports, type imports included, leads back to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every repository file `file` reaches through relative imports and re-exports, type-only ones too. */
function reached(file: string): Set<string> {
  const seen = new Set<string>();
  const walk = (f: string) => {
    for (const [, spec] of readFileSync(f, 'utf8').matchAll(IMPORT)) {
      const target = resolve(dirname(f), spec);
      if (seen.has(target) || !existsSync(target)) continue;
      seen.add(target);
      walk(target);
    }
  };
  walk(file);
  return new Set([...seen].map((f) => relative(repo, f)));
}

describe('layer declarations and the ONNX exporter', () => {
  it('export/onnx/layers.ts imports layer-def.ts, and layer-def.ts does not reach it back', () => {
    expect(reached(resolve(repo, 'engine/export/onnx/layers.ts'))).toContain('engine/nn/layer-def.ts');
    expect(reached(resolve(repo, 'engine/nn/layer-def.ts'))).not.toContain('engine/export/onnx/layers.ts');
  });
});
