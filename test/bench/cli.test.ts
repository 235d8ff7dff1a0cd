/** The benchmark's `--backend` flag. */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, UsageError, type BenchOptions } from '../../bench/cli';

function parse(argv: string[]): BenchOptions {
  const options = parseBenchArgs(argv);
  if (options === 'help') throw new Error('expected options, received help');
  return options;
}

describe('bench --backend', () => {
  it('defaults to cpu and wasm', () => {
    expect(parse([]).backends).toEqual(['cpu', 'wasm']);
    expect(parse(['--quick']).backends).toEqual(['wasm']);
    expect(parse(['--backend', 'both']).backends).toEqual(['cpu', 'wasm']);
  });

  it.each(['cpu', 'wasm', 'tensorflow'])('takes %s alone', (name) => {
    expect(parse(['--backend', name]).backends).toEqual([name]);
  });

  it('rejects unknown names', () => {
    expect(() => parse(['--backend', 'webgl'])).toThrow(UsageError);
    expect(() => parse(['--backend', 'webgl'])).toThrow('--backend must be cpu, wasm, tensorflow or both; received "webgl".');
  });
});
