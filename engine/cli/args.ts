/**
 * Command-line options as data: one declaration per option (kind, range,
 * help) drives parsing, validation, the command's --help and "did you mean".
 * Parsed by hand rather than with node:util parseArgs so that a negative
 * number is a value (`--epochs -1` is a bad value, not an "ambiguous
 * argument") and every mistake reads as one plain line.
 */
import { closest } from '../nn/spec.ts';

/** A mistake in how the command was called: exit status 2. */
export class UsageError extends Error {}

interface Common {
  readonly help: string;
  readonly short?: string;
  /** What happens when the option is not given, if not a plain default value. */
  readonly otherwise?: string;
}
export interface FlagOption extends Common { readonly kind: 'flag' }
export interface TextOption extends Common { readonly kind: 'text'; readonly value: string; readonly required?: boolean; readonly multiple?: boolean }
export interface ChoiceOption extends Common { readonly kind: 'choice'; readonly choices: readonly string[]; readonly default?: string; readonly required?: boolean }
export interface IntOption extends Common { readonly kind: 'int'; readonly value: string; readonly min: number; readonly max?: number; readonly default?: number }
export type Option = FlagOption | TextOption | ChoiceOption | IntOption;

export interface Command {
  readonly summary: string;
  /** Takes one project file as its argument. */
  readonly project?: boolean;
  readonly options: Readonly<Record<string, Option>>;
}

type Base<O> = O extends FlagOption ? boolean
  : O extends IntOption ? number
  : O extends { readonly choices: readonly (infer C)[] } ? C
  : O extends { readonly multiple: true } ? string[]
  : string;
type Value<O> = O extends FlagOption | { readonly multiple: true } | { readonly default: unknown } | { readonly required: true } ? Base<O> : Base<O> | undefined;
export type Values<T extends Command['options']> = { -readonly [K in keyof T]: Value<T[K]> };

export interface Parsed<C extends Command> {
  values: Values<C['options']>;
  project: C extends { readonly project: true } ? string : undefined;
}

const MAX_SUGGESTED = 100;

const HELP = { kind: 'flag', short: 'h', help: 'print this help' } as const satisfies FlagOption;

export const isHelp = (arg: string) => arg === '--help' || arg === '-h';

const long = (name: string) => `--${name}`;

const isRequired = (o: Option) => 'required' in o && o.required === true;

/** How synopses and messages name an option: `-o`, as people usually type it, or `--epochs`. */
const shown = (name: string, o: Option) => `${o.short ? `-${o.short}` : long(name)}${placeholder(o)}`;

function describeInt(o: IntOption): string {
  return o.max === undefined ? `a whole number ≥ ${o.min}` : `a whole number from ${o.min} to ${o.max}`;
}

function describeChoices(choices: readonly string[]): string {
  return choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(', ')}`;
}

function placeholder(o: Option): string {
  if (o.kind === 'flag') return '';
  return o.kind === 'choice' ? ` ${o.choices.join('|')}` : ` ${o.value}`;
}

/** `raw` as the option's value, or a UsageError naming the option as it was typed. */
function convert(o: Option, raw: string, typed: string): string | number {
  if (o.kind === 'int') {
    const n = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= o.min && n <= (o.max ?? Infinity))) throw new UsageError(`${typed} must be ${describeInt(o)}, got '${quoted(raw)}'`);
    return n;
  }
  if (o.kind === 'choice' && !o.choices.includes(raw)) throw new UsageError(`${typed} must be ${describeChoices(o.choices)}, got '${quoted(raw)}'`);
  return raw;
}

/** What the user typed, cut short enough to quote in a message. */
export const quoted = (typed: string) => (typed.length > MAX_SUGGESTED ? `${typed.slice(0, MAX_SUGGESTED)}…` : typed);

/** "did you mean" for names a person could have typed: the distance is quadratic in length. */
export const suggest = (typed: string, names: readonly string[]) => (typed.length > 1 && typed.length <= MAX_SUGGESTED ? closest(typed, names) : null);

function unknownOption(typed: string, command: string, names: string[]): UsageError {
  const option = typed.split('=')[0];
  const hint = suggest(option.replace(/^--?/, ''), names);
  return new UsageError(`unknown option ${quoted(option)}${hint ? `; did you mean ${long(hint)}?` : ''}\nsee 'dlab ${command} --help'`);
}

/** A value may start with '-' only when it is a number (`--epochs -1`) or '-'; otherwise the option lacks its value. */
const takesAsValue = (next: string | undefined): next is string => next !== undefined && (!next.startsWith('-') || next === '-' || /^-\.?\d/.test(next));

/**
 * Parses `argv` for `command` (help is handled before: see isHelp). Repeated
 * options keep the last value, or every value when `multiple`.
 */
export function parse<C extends Command>(name: string, command: C, argv: readonly string[]): Parsed<C> {
  const options: Readonly<Record<string, Option>> = command.options;
  const byShort = new Map(Object.entries(options).flatMap(([k, o]) => (o.short ? [[o.short, k] as const] : [])));
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    // --name, --name=value, -x, -xvalue
    const isLong = arg.startsWith('--');
    const eq = isLong ? arg.indexOf('=') : -1;
    const key = isLong ? arg.slice(2, eq < 0 ? undefined : eq) : byShort.get(arg[1]);
    const o = key !== undefined && Object.hasOwn(options, key) ? options[key] : undefined;
    if (key === undefined || !o) throw unknownOption(arg, name, Object.keys(options));
    const typed = isLong ? `--${key}` : arg.slice(0, 2);
    let raw = isLong ? (eq < 0 ? undefined : arg.slice(eq + 1)) : arg.length > 2 ? arg.slice(2) : undefined;
    if (o.kind === 'flag') {
      if (raw !== undefined) throw new UsageError(`${typed} takes no value, got '${quoted(raw)}'`);
      values[key] = true;
      continue;
    }
    if (raw === undefined) {
      if (!takesAsValue(argv[i + 1])) throw new UsageError(`${typed} needs a value: ${typed}${placeholder(o)}`);
      raw = argv[++i];
    }
    const v = convert(o, raw, typed);
    const before = values[key];
    values[key] = o.kind === 'text' && o.multiple ? [...(Array.isArray(before) ? before : []), v] : v;
  }
  return finish(name, command, values, positionals);
}

function finish<C extends Command>(name: string, command: C, values: Record<string, unknown>, positionals: string[]): Parsed<C> {
  const wanted = command.project ? 1 : 0;
  if (positionals.length > wanted) throw new UsageError(`unexpected argument '${quoted(positionals[wanted])}'\nsee 'dlab ${name} --help'`);
  const missing = Object.entries(command.options).filter(([k, o]) => isRequired(o) && values[k] === undefined);
  if (positionals.length < wanted || missing.length) throw new UsageError(`${name} needs ${requirements(command).join(' and ')}`);
  for (const [k, o] of Object.entries(command.options)) {
    if (values[k] !== undefined) continue;
    if (o.kind === 'flag') values[k] = false;
    else if (o.kind === 'text' && o.multiple) values[k] = [];
    else if ('default' in o) values[k] = o.default;
  }
  return { values, project: positionals[0] } as Parsed<C>;
}

function requirements(command: Command): string[] {
  const options = Object.entries(command.options).filter(([, o]) => isRequired(o)).map(([k, o]) => shown(k, o));
  return [...(command.project ? ['a project file'] : []), ...options];
}

/** One line for the command list: `train proj.dlab [options]`, required options included. */
export function synopsis(name: string, command: Command): string {
  const required = Object.entries(command.options).filter(([, o]) => isRequired(o));
  return [name, ...(command.project ? ['proj.dlab'] : []), ...required.map(([k, o]) => shown(k, o)), '[options]'].join(' ');
}

function optionHelp(o: Option): string {
  const range = o.kind === 'int' ? describeInt(o).replace(/^a whole number /, '') : '';
  const fallback = 'default' in o && o.default !== undefined ? `default ${o.default}` : o.otherwise ? `default: ${o.otherwise}` : '';
  const notes = [range, fallback, o.kind === 'text' && o.multiple ? 'may repeat' : ''].filter(Boolean);
  return notes.length ? `${o.help} (${notes.join('; ')})` : o.help;
}

/** The command's --help: its synopsis, summary and every option, from the declarations. */
export function helpText(name: string, command: Command): string {
  const rows = Object.entries({ ...command.options, help: HELP }).map(([k, o]) => [`${o.short ? `-${o.short}, ` : '    '}${long(k)}${placeholder(o)}`, optionHelp(o)] as const);
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)));
  const lines = rows.map(([l, h]) => (l.length > width ? `  ${l}\n  ${''.padEnd(width)}  ${h}` : `  ${l.padEnd(width)}  ${h}`));
  return `usage: dlab ${synopsis(name, command)}\n${command.summary}\n\noptions:\n${lines.join('\n')}`;
}
