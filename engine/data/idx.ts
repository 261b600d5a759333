/**
 * MNIST-format IDX files (LeCun's format: magic 0x0000 08 <rank>, big-endian
 * sizes, then unsigned bytes), raw or gzip-compressed, as Fashion-MNIST,
 * MNIST and KMNIST ship them.
 */
import { gunzipSync } from 'fflate';
import { DataError, type Dataset } from './dataset.ts';

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/** Parses one IDX file's bytes; `where` names the file in errors. */
export function parseIdx(bytes: Uint8Array, where: string): IdxArray {
  let b = bytes;
  if (isGzip(b)) {
    try {
      b = gunzipSync(b);
    } catch (e) {
      throw new DataError(`${where}: the gzip data is corrupt or truncated (${(e as Error).message})`);
    }
  }
  if (b.length < 4 || b[0] !== 0 || b[1] !== 0) throw new DataError(`${where}: not an IDX file (it should start with bytes 00 00)`);
  if (b[2] !== 0x08) throw new DataError(`${where}: element type 0x${b[2].toString(16)} is not supported (only unsigned bytes, 0x08)`);
  const rank = b[3];
  if (rank < 1 || rank > 4 || b.length < 4 + 4 * rank) throw new DataError(`${where}: header declares ${rank} dimensions but is truncated`);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const n = shape.reduce((p, d) => p * d, 1);
  const start = 4 + 4 * rank;
  if (b.length - start < n) throw new DataError(`${where}: header promises ${n} values (shape ${shape.join('×')}) but only ${b.length - start} bytes follow; the file is truncated`);
  return { shape, data: b.subarray(start, start + n) };
}

/** Pairs an images file with a labels file into a classification dataset. */
export function idxDataset(name: string, images: IdxArray, labels: IdxArray, classNames: string[], where: string): Dataset {
  if (images.shape.length !== 3) throw new DataError(`${where}: images must have 3 dimensions (count, height, width), got ${images.shape.join('×')}`);
  if (labels.shape.length !== 1) throw new DataError(`${where}: labels must have 1 dimension, got ${labels.shape.join('×')}`);
  const [n, h, w] = images.shape;
  if (labels.shape[0] !== n) throw new DataError(`${where}: ${n} images but ${labels.shape[0]} labels`);
  const y = Int32Array.from(labels.data);
  const k = Math.max(...y) + 1;
  const names = classNames.length >= k ? classNames : Array.from({ length: k }, (_, i) => String(i));
  return { name, task: 'classification', inputShape: [1, h, w], size: n, features: images.data, featureScale: 1 / 255, labels: y, classNames: names, targetDim: 1 };
}

export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
