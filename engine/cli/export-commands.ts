/**
 * `dlab export` and `dlab import`: the CLI side of engine/export (files on
 * disk, messages for people or --json). The exports themselves are pure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { nodeFiles } from '../io/node-files.ts';
import { openProject, saveProject } from '../io/project-file.ts';
import { writeExportFiles } from '../io/export-files.ts';
import { EXPORT_FORMATS, exportProject, importWeights, ImportError, reportLines, type ExportFormat } from '../export/index.ts';

export const EXPORT_USAGE = `  export proj.dlab --format pytorch|onnx|csv -o DIR|model.onnx [--run ID] [--json]
  import proj.dlab --weights w.safetensors [--run-name NAME] [--json]`;

type Fail = (message: string) => Error;

export function cmdExport(argv: string[], usage: Fail): void {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string', short: 'f', default: 'pytorch' }, output: { type: 'string', short: 'o' }, run: { type: 'string' }, json: { type: 'boolean' } } });
  const path = positionals[0];
  if (!path || !values.output) throw usage('export needs a project file and -o DIR');
  const format = values.format as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw usage(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  const { files, notes, run } = exportProject(openProject(path), { format, run: values.run }, nodeFiles);
  // "-o model.onnx" names the file itself; anything else is a folder.
  const single = format === 'onnx' && values.output.endsWith('.onnx');
  const written = writeExportFiles(values.output, files, single ? values.output : undefined);
  for (const n of notes) process.stderr.write(`dlab: note: ${n}\n`);
  process.stdout.write(values.json ? `${JSON.stringify({ format, run, files: written })}\n` : `wrote ${written.join(', ')}${run ? ` from ${run}` : ''}\n`);
}

export function cmdImport(argv: string[], usage: Fail): void {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { weights: { type: 'string', short: 'w' }, 'run-name': { type: 'string' }, json: { type: 'boolean' } } });
  const path = positionals[0];
  if (!path || !values.weights) throw usage('import needs a project file and --weights w.safetensors');
  if (!existsSync(values.weights)) throw new Error(`${values.weights}: no such file`);
  const bundle = openProject(path);
  try {
    const run = importWeights(bundle, new Uint8Array(readFileSync(values.weights)), values.weights, { name: values['run-name'], files: nodeFiles });
    saveProject(path, bundle);
    const t = run.test;
    process.stdout.write(values.json
      ? `${JSON.stringify({ run: run.id, name: run.name, project: path, test_loss: t?.loss ?? null, test_accuracy: t?.accuracy ?? null })}\n`
      : `added run ${run.id} ('${run.name}') to ${path}${t ? `; test loss ${t.loss.toFixed(4)}${t.accuracy !== null ? `, accuracy ${(t.accuracy * 100).toFixed(2)}%` : ''}` : ''}\n`);
  } catch (e) {
    if (e instanceof ImportError && e.report && values.json) {
      process.stdout.write(`${JSON.stringify({ error: 'mismatch', missing: e.report.missing, unexpected: e.report.unexpected, wrong_shape: e.report.wrongShape })}\n`);
    }
    if (e instanceof ImportError && e.report) throw new Error(`${values.weights} does not fit the model of ${path}; nothing was added:\n${reportLines(e.report).join('\n')}`);
    throw e;
  }
}
