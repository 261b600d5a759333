// Converts the `mnist` package's digits (41 MB of JSON floats) into two gzip IDX files, the
// format the lab reads for every MNIST-like dataset: engine/data/build/mnist-{images,labels}.gz.
// Samples are interleaved by class so any prefix is balanced; pixels are k/255 like the originals.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const digits = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
const out = new URL('../engine/data/build/', import.meta.url);

const perClass = Array.from({ length: 10 }, (_, d) => JSON.parse(readFileSync(join(digits, `${d}.json`), 'utf8')).data);
const counts = perClass.map((a) => a.length / 784);
const total = counts.reduce((a, b) => a + b, 0);
const pixels = new Uint8Array(total * 784);
const labels = new Uint8Array(total);
let row = 0;
for (let i = 0; row < total; i++) {
  for (let c = 0; c < 10; c++) {
    if (i >= counts[c]) continue;
    for (let j = 0; j < 784; j++) pixels[row * 784 + j] = Math.round(perClass[c][i * 784 + j] * 255);
    labels[row++] = c;
  }
}

/** LeCun's IDX: 00 00 08 <rank>, big-endian sizes, unsigned bytes. */
function idx(shape, data) {
  const head = Buffer.alloc(4 + 4 * shape.length);
  head.writeUInt8(0x08, 2);
  head.writeUInt8(shape.length, 3);
  shape.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([head, data]), { level: 9 });
}

mkdirSync(out, { recursive: true });
writeFileSync(new URL('mnist-images.gz', out), idx([total, 28, 28], pixels));
writeFileSync(new URL('mnist-labels.gz', out), idx([total], labels));
