/** The benchmark's `--backend` flag. */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../bench/cli';
import { parse } from './parse-options';

describe('bench --backend', () => {
  it('defaults to cpu and wasm', () => {
    expect(parse([]).backends).toEqual(['cpu', 'wasm']);
    expect(parse(['--quick']).backends).toEqual(['wasm']);
    expect(parse(['--backend', 'both']).backends).toEqual(['cpu', 'wasm']);
  });

  it.each(['cpu', 'wasm', 'tensorflow'])('takes %s alone', (name) => {
    expect(parse(['--backend', name]).backends).toEqual([name]);
  });

  it('tensorflow table runs one worker', () => {
    expect(parse(['--backend', 'tensorflow', '--only', 'table', '--table-workers', '1']).tableWorkers).toEqual([1]);
    expect(() => parse(['--backend', 'tensorflow', '--only', 'table', '--table-workers', '1,2'])).toThrow(
      '--table-workers: the example runs every job in one thread with --backend tensorflow, so pass 1 or omit the flag.',
    );
  });

  it('table-workers without table comes first', () => {
    expect(() => parse(['--backend', 'tensorflow', '--table-workers', '2'])).toThrow('--table-workers applies to the table section only');
  });

  it('rejects unknown names', () => {
    expect(() => parse(['--backend', 'webgl'])).toThrow(UsageError);
    expect(() => parse(['--backend', 'webgl'])).toThrow('--backend must be cpu, wasm, tensorflow or both; received "webgl".');
  });
});
