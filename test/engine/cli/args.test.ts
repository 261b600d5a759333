/** The option parser on its own: the forms people type, and what each mistake says. */
import { describe, expect, it } from 'vitest';
import { helpText, parse, type Command } from '../../../engine/cli/args.ts';

const cmd = {
  summary: 'try the parser',
  project: true,
  options: {
    output: { kind: 'text', short: 'o', value: 'FILE', help: 'where to write' },
    layer: { kind: 'text', value: 'NAME', multiple: true, help: 'a layer' },
    count: { kind: 'int', value: 'N', min: -3, max: 3, default: 1, help: 'how many' },
    mode: { kind: 'choice', choices: ['a', 'b', 'c'], default: 'a', help: 'which' },
    json: { kind: 'flag', help: 'as JSON' },
  },
} as const satisfies Command;

describe('parse', () => {
  it.each([
    [['p.dlab'], { layer: [], count: 1, mode: 'a', json: false }, 'p.dlab'],
    [['-o', 'x', 'p.dlab', '--json'], { output: 'x', json: true }, 'p.dlab'],
    [['-ox', 'p.dlab'], { output: 'x' }, 'p.dlab'],
    [['--output=x=y', 'p.dlab'], { output: 'x=y' }, 'p.dlab'],
    [['p.dlab', '--count', '-3'], { count: -3 }, 'p.dlab'],
    [['p.dlab', '--count=+2', '--count', '0'], { count: 0 }, 'p.dlab'], // the last one wins
    [['p.dlab', '--layer', 'a', '--layer', 'b'], { layer: ['a', 'b'] }, 'p.dlab'],
    [['-o', '-', 'p.dlab'], { output: '-' }, 'p.dlab'],
    [['--json', '--', '--mode'], { json: true, mode: 'a' }, '--mode'],
  ])('%j', (argv, values, project) => {
    const r = parse('try', cmd, argv);
    expect(r.values).toMatchObject(values);
    expect(r.project).toBe(project);
  });

  it.each([
    [['p.dlab', '--count', '4'], "--count must be a whole number from -3 to 3, got '4'"],
    [['p.dlab', '--count', '-'], "--count must be a whole number from -3 to 3, got '-'"],
    [['p.dlab', '--count', '--json'], '--count needs a value: --count N'],
    [['p.dlab', '--mode', 'd'], "--mode must be one of a, b, c, got 'd'"],
    [['p.dlab', '--mod', 'a'], 'unknown option --mod; did you mean --mode?'],
    [['p.dlab', '--constructor'], 'unknown option --constructor\n'],
    [['p.dlab', '-x'], 'unknown option -x\n'],
    [['p.dlab', '-o'], '-o needs a value: -o FILE'],
    [['p.dlab', '--json=no'], "--json takes no value, got 'no'"],
    [[], 'try needs a project file'],
  ])('%j fails: %s', (argv, message) => {
    expect(() => parse('try', cmd, argv)).toThrow(message);
  });
});

it('help lists every option with its range and default, and -h', () => {
  expect(helpText('try', cmd)).toBe(`usage: dlab try proj.dlab [options]
try the parser

options:
  -o, --output FILE  where to write
      --layer NAME   a layer (may repeat)
      --count N      how many (from -3 to 3; default 1)
      --mode a|b|c   which (default a)
      --json         as JSON
  -h, --help         print this help`);
});
