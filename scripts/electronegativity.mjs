// `npm run lint:electron`: @doyensec/electronegativity over electron/; fails on any HIGH or MEDIUM finding.
// PRELOAD_JS_CHECK is excluded: it flags every BrowserWindow that has a preload at all (a "review this"
// prompt, not a misconfiguration). Our preload is reviewed: sandboxed, contextIsolation, a narrow typed
// API via contextBridge, every value from main checked (electron/preload.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const out = join(mkdtempSync(join(tmpdir(), 'eneg-')), 'findings.csv');
const cli = join(require.resolve('@doyensec/electronegativity/package.json'), '..', 'dist', 'index.js');
const r = spawnSync(process.execPath, [cli, '-i', 'electron/', '-r', '-v', 'false', '-e', electronVersion, '-x', 'PreloadJSCheck', '-o', out], { encoding: 'utf8', timeout: 120_000 });
if (r.status !== 0) {
  process.stderr.write(r.stderr || r.stdout);
  process.exit(r.status ?? 1);
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"' && field.trim() === '') { quoted = true; field = ''; } else if (c === ',') { row.push(field.trim()); field = ''; } else if (c === '\n') { row.push(field.trim()); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field || row.length) { row.push(field.trim()); rows.push(row); }
  return rows;
}

const rows = parseCsv(readFileSync(out, 'utf8')).slice(1).filter((x) => x.length > 3);
const serious = rows.filter((x) => x[1] === 'HIGH' || x[1] === 'MEDIUM');
for (const x of rows) console.log(`electronegativity: ${x[1]} ${x[0]} ${x[3]}:${x[4]} — ${x[6] ?? ''}`);
console.log(`electronegativity: ${rows.length} finding(s), ${serious.length} high or medium`);
process.exit(serious.length ? 1 : 0);
