/**
 * Long names cannot exhaust the engine (issue #17, item 3): a 20 MB kind ran
 * validate out of memory and a 1 MB kind blocked it for 46 s, because the
 * "did you mean" table grew with |a|·|b|. Names are bounded at 100
 * characters, hints are computed for short words only, and messages quote
 * at most the start of what they were given.
 */
import { describe, expect, it } from 'vitest';
import { closest, MAX_NAME_LENGTH, validateSpec } from '../../../engine/nn/spec.ts';

const timed = <T>(f: () => T): { value: T; ms: number } => {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
};

describe('names in specs are bounded', () => {
  it('refuses a 20 MB layer kind at once, with a short message', () => {
    const { value: r, ms } = timed(() => validateSpec({ input_shape: [2], layers: [{ kind: 'L'.repeat(20_000_000) }] }));
    expect(ms).toBeLessThan(1000);
    expect(r.errors).toEqual(["layer 0 (LLLLLLLLLLLLLLLLLLLL…) has a kind of 20,000,000 characters; a layer kind is at most 100 (e.g. 'Linear'): choose one from the palette"]);
  });

  it('refuses a 1 MB argument name without a hint, quoting only its start', () => {
    const key = 'in_features'.padEnd(1_000_000, 'x');
    const { value: r, ms } = timed(() => validateSpec({ input_shape: [2], layers: [{ kind: 'Linear', in_features: 2, out_features: 2, [key]: 1 }] }));
    expect(ms).toBeLessThan(1000);
    expect(r.errors).toEqual(['layer 0 (Linear) unknown argument "in_featuresxxxxxxxxx"… (1,000,000 characters) (Linear takes in_features, out_features, bias)']);
  });

  it('refuses a layer name over 100 characters, and one of exactly 100 passes', () => {
    const long = validateSpec({ input_shape: [2], layers: [{ kind: 'ReLU', name: 'a'.repeat(300_000) }] });
    expect(long.errors).toEqual(['layer 0 (ReLU) has a name of 300,000 characters; a name is at most 100']);
    expect(validateSpec({ input_shape: [2], layers: [{ kind: 'ReLU', name: 'a'.repeat(MAX_NAME_LENGTH) }] }).ok).toBe(true);
  });

  it('quotes only the start of a long bad value', () => {
    const r = validateSpec({ input_shape: [2], layers: [{ kind: 'Linear', in_features: 'x'.repeat(1_000_000), out_features: 2 }] });
    expect(r.errors).toEqual(['layer 0 (Linear) in_features must be an integer, got "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"… (1,000,000 characters)']);
  });

  it('lists at most five unknown arguments', () => {
    const layer = Object.fromEntries([['kind', 'ReLU'], ...Array.from({ length: 10_000 }, (_, i) => [`a${i}`, 1])]);
    const r = validateSpec({ input_shape: [2], layers: [layer] });
    expect(r.errors[0].match(/unknown argument 'a\d+'/g)).toHaveLength(5);
    expect(r.errors[0]).toMatch(/; and 9,995 more unknown arguments$/);
  });

  it('still suggests for short names, and not for long ones', () => {
    expect(validateSpec({ input_shape: [2], layers: [{ kind: 'Linaer', in_features: 2, out_features: 2 }] }).errors).toEqual(["layer 0 (Linaer) has unknown kind 'Linaer'; did you mean 'Linear'?"]);
    expect(closest('Dropuot', ['Dropout', 'Linear'])).toBe('Dropout');
    expect(closest('Dropout'.repeat(10), ['Dropout'])).toBeNull();
  });
});
