/** Reads the committed PyTorch fixtures (format: test/fixtures/generate.py's docstring). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor } from '../../engine/index.ts';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface F32 {
  shape: number[];
  f32: string;
}
export interface I32 {
  shape: number[];
  i32: string;
}
export type Encoded = F32 | I32;

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(FIXTURE_DIR + name, 'utf8')) as T;
}

export function decodeF32(t: F32): Float32Array {
  const buf = Buffer.from(t.f32, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export function decodeI32(t: I32): Int32Array {
  const buf = Buffer.from(t.i32, 'base64');
  return new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export function toTensor(t: Encoded, requiresGrad = false): Tensor {
  if (!('f32' in t)) throw new Error('expected a float32 tensor');
  return new Tensor(decodeF32(t), t.shape, requiresGrad);
}

export function isF32(t: Encoded): t is F32 {
  return 'f32' in t;
}
