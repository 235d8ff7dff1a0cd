/** Parses benchmark flags in tests, failing when they request the help text instead. */
import { parseBenchArgs, type BenchOptions } from '../../bench/cli';

export function parse(argv: string[]): BenchOptions {
  const options = parseBenchArgs(argv);
  if (options === 'help') throw new Error('expected options, received help');
  return options;
}
