/**
 * `dlab`: the lab without a window. Every command prints human lines, or with
 * --json one JSON object per line; errors exit non-zero with one clear line on
 * stderr: 2 for a mistake in the command line, 1 for anything else.
 */
import pkg from '../../package.json' with { type: 'json' };
import { totalmem } from 'node:os';
import { useBackend } from '../kernels/registry.ts';
import { setMachineMemory } from '../nn/budget.ts';
import { helpText, isHelp, parse, quoted, suggest, synopsis, UsageError, type Parsed } from './args.ts';
import { COMMANDS, isCommand, type CommandName } from './commands.ts';
import { endQuietlyWhenStdoutCloses, print } from './output.ts';
import { cmdDatasets, cmdEval, cmdInspect, cmdNew, cmdPredict, cmdTrain } from './project-commands.ts';
import { cmdSweep } from './experiment-commands.ts';
import { cmdExport, cmdImport } from './export-commands.ts';

/** Each command's work; the type makes every command in the table have one. */
const RUN: { [K in CommandName]: (args: Parsed<(typeof COMMANDS)[K]>, argv: string[]) => void | Promise<void> } = {
  new: cmdNew,
  train: cmdTrain,
  eval: cmdEval,
  predict: cmdPredict,
  inspect: cmdInspect,
  sweep: cmdSweep,
  datasets: cmdDatasets,
  export: cmdExport,
  import: cmdImport,
  // The standard workloads W0–W5 (npm run bench is this command).
  bench: async (args) => (await import('../../bench/bench.ts')).benchMain(args.values),
};

/** Commands that run a model pick the fastest kernels first. */
const COMPUTES: ReadonlySet<CommandName> = new Set(['train', 'eval', 'predict', 'sweep']);

function usage(): string {
  const commands = Object.entries(COMMANDS).map(([name, c]) => `  ${synopsis(name, c)}\n      ${c.summary}`);
  return `usage: dlab <command> [options]\n\ncommands:\n${commands.join('\n')}\n\n'dlab <command> --help' lists a command's options; 'dlab --version' prints the version.`;
}

function unknownCommand(cmd: string): UsageError {
  const option = cmd.startsWith('-');
  const hint = suggest(cmd, option ? ['--help', '--version'] : Object.keys(COMMANDS));
  const what = option ? `option ${quoted(cmd)}${hint ? `; did you mean ${hint}?` : ''}` : `command '${quoted(cmd)}'${hint ? `; did you mean '${hint}'?` : ''}`;
  return new UsageError(`unknown ${what}\nrun 'dlab --help' for the list of commands`);
}

/** The fastest kernels this runtime supports (DLAB_BACKEND=reference forces the pure-TypeScript set). */
async function chooseBackend(): Promise<string> {
  if (process.env.DLAB_BACKEND === 'reference') return 'reference';
  try {
    const { installWasmBackend } = await import('../kernels/wasm/node/load.ts');
    installWasmBackend();
    useBackend('wasm');
    return 'wasm';
  } catch (e) {
    process.stderr.write(`dlab: note: using the slower reference kernels (${(e as Error).message})\n`);
    return 'reference';
  }
}

async function run<K extends CommandName>(name: K, argv: string[]): Promise<void> {
  const args = parse(name, COMMANDS[name], argv);
  if (COMPUTES.has(name)) await chooseBackend();
  await RUN[name](args, argv);
}

function help(topic: string | undefined): number {
  if (topic === undefined) print(usage());
  else if (isCommand(topic)) print(helpText(topic, COMMANDS[topic]));
  else throw unknownCommand(topic);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  endQuietlyWhenStdoutCloses();
  setMachineMemory(totalmem());
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined) {
      process.stderr.write(`${usage()}\n`);
      return 2;
    }
    if (cmd === '--version' || cmd === '-V') {
      print(`dlab ${pkg.version}`);
      return 0;
    }
    if (cmd === 'help' || isHelp(cmd)) return help(rest[0]);
    if (!isCommand(cmd)) throw unknownCommand(cmd);
    const end = rest.indexOf('--');
    if ((end < 0 ? rest : rest.slice(0, end)).some(isHelp)) return help(cmd);
    await run(cmd, rest);
    return 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`dlab: ${msg}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
