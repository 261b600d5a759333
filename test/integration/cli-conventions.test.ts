/**
 * `dlab` follows common command-line conventions, run as a user runs it:
 * --version, --help for every command, "did you mean" for a misspelt option,
 * plain messages for bad values, usage errors exit 2, and a reader that stops
 * early (`| head -1`) ends the program quietly.
 */
import { runProcess } from '../helpers/run-process.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openProject, saveProject } from '../../engine/io/project-file.ts';
import { newProject } from '../../engine/project/project.ts';

const bin = fileURLToPath(new URL('../../bin/dlab.mjs', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const dir = mkdtempSync(join(tmpdir(), 'dlab-conventions-'));
const run = (command: string, args: string[]) => runProcess(command, args, { cwd: dir });
const dlab = (...args: string[]) => run(process.execPath, [bin, ...args]);
/** Runs `dlab …` with its stdout piped into `head -1`; dlab's own exit status comes back on stderr. */
const throughHead = (args: string) => run('sh', ['-c', `(${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} ${args}; echo "dlab exit $?" >&2) | head -1`]);

const COMMANDS = ['new', 'train', 'eval', 'predict', 'inspect', 'sweep', 'datasets', 'export', 'import', 'bench'];
const USAGE = /^usage: dlab <command> \[options\]\n/;

type Row = [args: string[], status: number, stdout: RegExp, stderr: RegExp];

// Options are checked before the project file is opened, so none of these needs one on disk.
const ROWS: Row[] = [
  [['--version'], 0, new RegExp(`^dlab ${version.replaceAll('.', '\\.')}\n$`), /^$/],
  [['-V'], 0, new RegExp(`^dlab ${version.replaceAll('.', '\\.')}\n$`), /^$/],
  [[], 2, /^$/, USAGE],
  [['--help'], 0, USAGE, /^$/],
  [['-h'], 0, USAGE, /^$/],
  [['help'], 0, USAGE, /^$/],
  [['help', 'train'], 0, /^usage: dlab train proj\.dlab \[options\]\n/, /^$/],
  ...COMMANDS.map((c): Row => [[c, '--help'], 0, new RegExp(`^usage: dlab ${c} .*\\n(.*\\n)+options:\\n(.*\\n)*  -h, --help +print this help\\n$`), /^$/]),
  [['predict', '-h'], 0, /^usage: dlab predict proj\.dlab --input x\.npy \[options\]\n/, /^$/],
  [['train', 'm.dlab', '--epochs', 'three', '--help'], 0, /^usage: dlab train /, /^$/],
  [['inspect', '--', '-h'], 1, /^$/, /^dlab: -h: no such file\n$/], // after --, a file name
  // misspelt options and commands
  [['train', 'm.dlab', '--epoch', '3'], 2, /^$/, /^dlab: unknown option --epoch; did you mean --epochs\?\nsee 'dlab train --help'\n$/],
  [['train', 'm.dlab', '--epoch=3'], 2, /^$/, /^dlab: unknown option --epoch; did you mean --epochs\?\n/],
  [['sweep', 'm.dlab', '--seed', '3'], 2, /^$/, /^dlab: unknown option --seed; did you mean --seeds\?\n/],
  [['predict', 'm.dlab', '--inputs', 'x.npy'], 2, /^$/, /^dlab: unknown option --inputs; did you mean --input\?\n/],
  [['inspect', 'm.dlab', '--frobnicate'], 2, /^$/, /^dlab: unknown option --frobnicate\nsee 'dlab inspect --help'\n$/],
  [['inspect', 'm.dlab', `--${'x'.repeat(100_000)}`], 2, /^$/, /^dlab: unknown option --x{98}…\n/], // no quadratic suggestion search
  [['trian'], 2, /^$/, /^dlab: unknown command 'trian'; did you mean 'train'\?\n/],
  [['--verison'], 2, /^$/, /^dlab: unknown option --verison; did you mean --version\?\n/],
  [['help', 'nope'], 2, /^$/, /^dlab: unknown command 'nope'/],
  // bad values, negative numbers included
  [['train', 'm.dlab', '--epochs', 'three'], 2, /^$/, /^dlab: --epochs must be a whole number from 1 to 100000, got 'three'\n$/],
  [['train', 'm.dlab', '--epochs', '-1'], 2, /^$/, /^dlab: --epochs must be a whole number from 1 to 100000, got '-1'\n$/],
  [['train', 'm.dlab', '--epochs=2.5'], 2, /^$/, /^dlab: --epochs must be a whole number from 1 to 100000, got '2\.5'\n$/],
  [['train', 'm.dlab', '--seed', '1e3'], 2, /^$/, /^dlab: --seed must be a whole number from 0 to 4294967295, got '1e3'\n$/],
  [['train', 'm.dlab', '--epochs'], 2, /^$/, /^dlab: --epochs needs a value: --epochs N\n$/],
  [['train', 'm.dlab', '--name', '--json'], 2, /^$/, /^dlab: --name needs a value: --name NAME\n$/],
  [['sweep', 'm.dlab', '--seeds', '21'], 2, /^$/, /^dlab: --seeds must be a whole number from 1 to 20, got '21'\n$/],
  [['bench', '--threads', '0'], 2, /^$/, /^dlab: --threads must be a whole number ≥ 1, got '0'\n$/],
  [['predict', 'm.dlab', '--input', 'x.npy', '--mc', '-5'], 2, /^$/, /^dlab: --mc must be a whole number from 1 to 1000, got '-5'\n$/],
  [['eval', 'm.dlab', '--split', 'train'], 2, /^$/, /^dlab: --split must be val or test, got 'train'\n$/],
  [['new', '--template', 'rnn'], 2, /^$/, /^dlab: --template must be one of mlp, cnn, transformer, blank, got 'rnn'\n$/],
  [['datasets', '--json=yes'], 2, /^$/, /^dlab: --json takes no value, got 'yes'\n$/],
  // missing or extra arguments
  [['train'], 2, /^$/, /^dlab: train needs a project file\n$/],
  [['new'], 2, /^$/, /^dlab: new needs -t mlp\|cnn\|transformer\|blank\n$/],
  [['inspect', 'a.dlab', 'b.dlab'], 2, /^$/, /^dlab: unexpected argument 'b\.dlab'\n/],
];

describe('dlab command-line conventions', () => {
  const named = ROWS.map(([args, status, ...rest]) => [`dlab ${args.join(' ').slice(0, 60)}`, status, args, ...rest] as const);
  it.each(named)('%s exits %i', async (_, status, args, stdout, stderr) => {
    const r = await dlab(...args);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status, stdout: expect.stringMatching(stdout), stderr: expect.stringMatching(stderr) });
    expect(r.stderr).not.toMatch(/ambiguous|ERR_PARSE_ARGS|at .*\.ts:\d+/);
  }, 60_000);

  it('lists every command once, in the usage printed to stderr by a bare `dlab`', async () => {
    const listed = [...(await dlab()).stderr.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]);
    expect(listed).toEqual(COMMANDS);
  }, 60_000);

  it('ends quietly with status 0 when `| head -1` closes its output', async () => {
    // Longer than a pipe holds, so dlab is still writing when head exits.
    const layers = Array.from({ length: 3000 }, (_, i) => (i % 2 ? { kind: 'ReLU', name: `act${i}` } : { kind: 'Linear', name: `fc${i}`, in_features: 2, out_features: 2 }));
    saveProject(join(dir, 'long.dlab'), newProject({ name: 'Long', model: { input_shape: [2], layers }, dataset: { id: 'moons', samples: 200, seed: 0 } }));
    const r = await throughHead('inspect long.dlab');
    expect(r.stdout).toBe('Long: input 2, dataset moons, 0 run(s)\n');
    expect(r.stderr).toBe('dlab exit 0\n');
  }, 120_000);

  it('a training whose reader went away stops, saves its run and exits 0', async () => {
    expect((await dlab('new', '-t', 'mlp', '-d', 'moons', '-o', 'm.dlab')).status).toBe(0);
    const r = await throughHead('train m.dlab --epochs 5000');
    expect(r.stdout).toMatch(/^epoch 1\/5000 {2}train loss \d/);
    expect(r.stderr).toBe('dlab exit 0\n');
    const runs = openProject(join(dir, 'm.dlab')).project.runs;
    expect(runs.map((x) => x.status)).toEqual(['cancelled']);
    expect(runs[0].history.epochs.length).toBeLessThan(5000);
  }, 120_000);
});
