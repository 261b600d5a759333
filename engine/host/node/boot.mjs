// Starts the engine entry from its TypeScript source through tsx, as bin/dlab.mjs does, for hosts
// that cannot pass `--import tsx` (Electron's utility process forks this file).
import { register } from 'tsx/esm/api';

register();
await import('./entry.ts');
