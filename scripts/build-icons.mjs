// Renders build-resources/icon.svg into every icon electron-builder needs, in dist/icons:
// png/<n>x<n>.png (Linux), icon.icns (macOS), icon.ico (Windows), icon.png (1024 px).
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/icons`;
const svg = readFileSync(`${root}build-resources/icon.svg`);
const render = (size) => new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();

mkdirSync(`${out}/png`, { recursive: true });
for (const n of [16, 32, 48, 64, 128, 256, 512, 1024]) writeFileSync(`${out}/png/${n}x${n}.png`, render(n));
const big = render(1024);
writeFileSync(`${out}/icon.png`, big);
const icns = png2icons.createICNS(big, png2icons.BICUBIC, 0);
const ico = png2icons.createICO(big, png2icons.BICUBIC, 0, false, true);
if (!icns || !ico) throw new Error('png2icons could not convert build-resources/icon.svg');
writeFileSync(`${out}/icon.icns`, icns);
writeFileSync(`${out}/icon.ico`, ico);
