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

  it('rejects unknown names', () => {
    expect(() => parse(['--backend', 'webgl'])).toThrow(UsageError);
    expect(() => parse(['--backend', 'webgl'])).toThrow('--backend must be cpu, wasm, tensorflow or both; received "webgl".');
  });
});
