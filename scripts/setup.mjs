#!/usr/bin/env node
// `npm run setup`: installs dependencies (lockfile versions); `prepare` then builds the
// WebAssembly kernels and the bundled digits. Electron's binary is not part of the install
// (Electron >= 42): `npm start` fetches it where it can.
import { spawnSync } from 'node:child_process';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// onnxruntime-node: use the CPU binaries its package ships; never download extra ones.
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'skip' };
process.exit(spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', env }).status ?? 1);
