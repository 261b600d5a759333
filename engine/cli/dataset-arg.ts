/**
 * `-d SOURCE` and `--inspect SOURCE` with their options (`--label`,
 * `--size`, `--gray`) as a dataset choice: a built-in id, or `id:PATH` for
 * the sources read from the user's files. Options that the source does not
 * take are refused rather than ignored.
 */
import { DATASET_INFO, DatasetChoiceSchema, type DatasetChoice } from '../data/catalog.ts';
import { describeZodError } from '../train/settings.ts';
import { UsageError, quoted } from './args.ts';

export interface SourceOptions {
  label?: string;
  size?: number;
  gray?: boolean;
}

/** Which options each file source takes, by the option's CLI name. */
const TAKES: Record<string, (keyof SourceOptions)[]> = { csv: ['label'], images: ['size', 'gray'] };

const builtIn = () => DATASET_INFO.filter((d) => !d.path).map((d) => d.id);
const fromFiles = () => DATASET_INFO.filter((d) => d.path).map((d) => `${d.id}:<${d.path}>`);

/** The `-d` help: every source, built-in ids first. */
export const sourcesHelp = () => `${builtIn().join(', ')}; ${fromFiles().join('; ')}`;

export function parseDatasetArg(arg: string, options: SourceOptions = {}): DatasetChoice {
  const colon = arg.indexOf(':');
  const id = colon < 0 ? arg : arg.slice(0, colon);
  const info = DATASET_INFO.find((d) => d.id === id);
  if (!info) throw new UsageError(`unknown dataset '${quoted(arg)}'; choose one of ${builtIn().join(', ')}, or ${fromFiles().join(', ')}`);
  const path = colon < 0 ? '' : arg.slice(colon + 1);
  if (info.path && !path) throw new UsageError(`${id} needs a ${info.path}: -d ${id}:<${info.path}>`);
  if (!info.path && colon >= 0) throw new UsageError(`${id} is built in and takes no path; drop ':${quoted(path)}'`);
  const given = (Object.keys(options) as (keyof SourceOptions)[]).filter((k) => options[k] !== undefined && options[k] !== false);
  const extra = given.find((k) => !(TAKES[id] ?? []).includes(k));
  if (extra) throw new UsageError(`--${extra} applies to ${Object.entries(TAKES).filter(([, ks]) => ks.includes(extra)).map(([k]) => `${k}:`).join(' and ')} sources, not to ${id}`);
  const r = DatasetChoiceSchema.safeParse({ id, ...(info.path ? { path } : {}), ...Object.fromEntries(given.map((k) => [k, options[k]])) });
  if (!r.success) throw new UsageError(`-d ${quoted(arg)}: ${describeZodError(r.error)}`);
  return r.data;
}
