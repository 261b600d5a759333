// Starts a sweep worker (train-worker.ts) from its TypeScript source through tsx, as boot.mjs
// does for the engine: a worker thread does not inherit its parent's loader.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
