#!/usr/bin/env node
// `npm run setup`: installs dependencies (lockfile versions) and builds the WebAssembly kernels.
// Electron's installer downloads its binary from outside the npm registry; where that
// download cannot be reached, install again without it: `npm run web` needs no binary.
import { spawnSync } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// onnxruntime-node: use the CPU binaries its package ships; never download extra ones.
const base = { ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'skip' };
const install = (env) => spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', env: { ...process.env, ...base, ...env } }).status;

if (install({}) === 0) process.exit(0);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(1);
console.log('\nsetup: retrying without the Electron binary (its download failed); `npm start` will point to `npm run web`.\n');
process.exit(install({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }) ?? 1);
