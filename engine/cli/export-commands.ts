/**
 * `dlab export` and `dlab import`: the CLI side of engine/export (files on
 * disk, messages for people or --json). The exports themselves are pure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { nodeFiles } from '../io/node-files.ts';
import { openProject, saveProject } from '../io/project-file.ts';
import { writeExportFiles } from '../io/export-files.ts';
import { exportProject, importWeights, ImportError, reportLines } from '../export/index.ts';
import type { Parsed } from './args.ts';
import type { COMMANDS } from './commands.ts';
import { out } from './output.ts';

export function cmdExport({ values, project: path }: Parsed<(typeof COMMANDS)['export']>): void {
  const { format } = values;
  const { files, notes, run } = exportProject(openProject(path), { format, run: values.run }, nodeFiles);
  // "-o model.onnx" names the file itself; anything else is a folder.
  const single = format === 'onnx' && values.output.endsWith('.onnx');
  const written = writeExportFiles(values.output, files, single ? values.output : undefined);
  for (const n of notes) process.stderr.write(`dlab: note: ${n}\n`);
  out(values.json, { format, run, files: written }, `wrote ${written.join(', ')}${run ? ` from ${run}` : ''}`);
}

export function cmdImport({ values, project: path }: Parsed<(typeof COMMANDS)['import']>): void {
  if (!existsSync(values.weights)) throw new Error(`${values.weights}: no such file`);
  const bundle = openProject(path);
  try {
    const run = importWeights(bundle, new Uint8Array(readFileSync(values.weights)), values.weights, { name: values['run-name'], files: nodeFiles });
    saveProject(path, bundle);
    const t = run.test;
    out(values.json, { run: run.id, name: run.name, project: path, test_loss: t?.loss ?? null, test_accuracy: t?.accuracy ?? null },
      `added run ${run.id} ('${run.name}') to ${path}${t ? `; test loss ${t.loss.toFixed(4)}${t.accuracy !== null ? `, accuracy ${(t.accuracy * 100).toFixed(2)}%` : ''}` : ''}`);
  } catch (e) {
    if (e instanceof ImportError && e.report && values.json) {
      out(true, { error: 'mismatch', missing: e.report.missing, unexpected: e.report.unexpected, wrong_shape: e.report.wrongShape }, '');
    }
    if (e instanceof ImportError && e.report) throw new Error(`${values.weights} does not fit the model of ${path}; nothing was added:\n${reportLines(e.report).join('\n')}`);
    throw e;
  }
}
