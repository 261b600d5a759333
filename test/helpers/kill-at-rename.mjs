/**
 * Preloaded into an engine (`NODE_OPTIONS=--import <this file>`): the process
 * SIGKILLs itself the moment it is about to rename DLAB_TEST_KILL_AT_RENAME,
 * so a test can stop it between two file operations that run back to back.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const target = process.env.DLAB_TEST_KILL_AT_RENAME;
if (target) {
  const rename = fs.renameSync;
  fs.renameSync = (from, to) => {
    if (String(from) === target) process.kill(process.pid, 'SIGKILL');
    return rename(from, to);
  };
  // ES modules' `import { renameSync } from 'node:fs'` see the replacement too.
  syncBuiltinESMExports();
}
