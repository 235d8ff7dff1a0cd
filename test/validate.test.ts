import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors';
import { requireNumberInRange } from '../src/validate';

describe('requireNumberInRange', () => {
  it.each([
    ['NaN', Number.NaN, { min: 0 }, /`x` must be a finite number >= 0; received NaN\./],
    ['Infinity', Number.POSITIVE_INFINITY, { min: 0, minExclusive: true }, /`x` must be a finite number > 0; received Infinity\./],
    ['-Infinity', Number.NEGATIVE_INFINITY, {}, /`x` must be a finite number; received -Infinity\./],
    ['a string', '0.1', { min: 0, max: 1 }, /`x` must be a finite number in \[0, 1\]; received "0.1"\./],
    ['above an open bound', 1, { min: 0, max: 1, maxExclusive: true }, /`x` must be a finite number in \[0, 1\); received 1\./],
  ])('rejects %s', (_title, value, range, pattern) => {
    expect(() => requireNumberInRange('Owner', 'x', value, range)).toThrow(InvalidArgumentError);
    expect(() => requireNumberInRange('Owner', 'x', value, range)).toThrow(pattern);
  });

  it('returns a valid value', () => {
    expect(requireNumberInRange('Owner', 'x', 0.5, { min: 0, max: 1 })).toBe(0.5);
  });
});
