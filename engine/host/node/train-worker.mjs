// In a checkout, starts a sweep worker (train-worker.ts) from its TypeScript source through tsx:
// a worker thread does not inherit its parent's loader. Bundled, dist/node/train-worker.cjs runs instead.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
