/**
 * Where dlab's results go: stdout, as lines for people or one JSON object per
 * line. A reader that stops early (`dlab inspect p.dlab | head -1`) closes the
 * pipe; like `yes | head`, that ends the command quietly with status 0 — after
 * a training or sweep in progress has wound down and saved what it finished.
 */
let stdoutClosed = false;
let installed = false;
const stoppers = new Set<() => void>();

export function print(text: string): void {
  if (!stdoutClosed) process.stdout.write(`${text}\n`);
}

export function out(json: boolean, obj: Record<string, unknown>, text: string): void {
  print(json ? JSON.stringify(obj) : text);
}

/** Installed once by main(): EPIPE on stdout ends the program instead of a stack trace. */
export function endQuietlyWhenStdoutCloses(): void {
  if (installed) return;
  installed = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') {
      process.stderr.write(`dlab: cannot write the output: ${e.message}\n`);
      process.exit(1);
    }
    if (stdoutClosed) return;
    stdoutClosed = true;
    if (stoppers.size === 0) process.exit(0);
    for (const stop of stoppers) stop();
  });
  // Progress lines on a closed stderr have nowhere to go, and are not results.
  process.stderr.on('error', () => {});
}

/** Runs long work that `stop` winds down on Ctrl-C, SIGTERM or a closed stdout. */
export async function untilStopped<T>(stop: () => void, work: () => Promise<T>): Promise<T> {
  stoppers.add(stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await work();
  } finally {
    stoppers.delete(stop);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
