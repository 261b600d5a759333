/**
 * PyTorch at its best on this machine, as issue #4 measured it: Debian's
 * libopenblas0-openmp unpacked (apt-get download + dpkg -x, no system change)
 * into a cache directory and put first on LD_LIBRARY_PATH, OPENBLAS_CORETYPE
 * and OPENBLAS_L2_SIZE unset, glibc malloc told to keep its memory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';

const PACKAGE = 'libopenblas0-openmp';

function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dropout-lab', PACKAGE);
}

export function torchAvailable(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

/** The unpacked library directory, fetching the package once; null when apt cannot get it. */
function openblasDir(): string | null {
  const dir = cacheDir();
  const lib = join(dir, 'root/usr/lib/x86_64-linux-gnu/openblas-openmp');
  if (existsSync(join(lib, 'libblas.so.3'))) return lib;
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('apt-get', ['download', PACKAGE], { cwd: dir, stdio: 'ignore' });
    const deb = readdirSync(dir).find((f) => f.startsWith(PACKAGE) && f.endsWith('.deb'));
    if (!deb) return null;
    execFileSync('dpkg', ['-x', join(dir, deb), join(dir, 'root')], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return existsSync(join(lib, 'libblas.so.3')) ? lib : null;
}

export function torchEnv(threads: number | undefined): { env: NodeJS.ProcessEnv; threads: number; note: string } {
  const n = threads ?? (Number.parseInt(process.env.DLAB_THREADS ?? '', 10) || availableParallelism());
  const env: NodeJS.ProcessEnv = { ...process.env, OMP_NUM_THREADS: String(n), MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '1000000000000' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const lib = openblasDir();
  if (lib) env.LD_LIBRARY_PATH = [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const note = lib
    ? `torch with ${PACKAGE} from ${lib}, ${n} threads, tuned malloc`
    : `torch with the system BLAS (could not fetch ${PACKAGE}; its figures flatter us), ${n} threads`;
  return { env, threads: n, note };
}
