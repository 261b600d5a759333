/** Global switch for graph recording, like torch.no_grad(). */

let disabledDepth = 0;

export function isGradEnabled(): boolean {
  return disabledDepth === 0;
}

/** Runs fn without recording a graph; nests and restores on throw. */
export function noGrad<T>(fn: () => T): T {
  disabledDepth++;
  try {
    return fn();
  } finally {
    disabledDepth--;
  }
}
