import { describe, expect, it } from 'vitest';
import { averagePrecision } from '../../src/metrics/average-precision';
import { NumericalError } from '../../src/errors';
import { createRng } from '../../src/random';
import { captureWarningCodes } from '../helpers/capture-warnings';
import { rankAveragePrecision } from './reference';

const warnings = captureWarningCodes();

describe('averagePrecision', () => {
  it('matches a hand value', () => {
    // Descending: 0.8 (pos) P=1, R=½; 0.4 (neg); 0.35 (pos) P=⅔, R=1 → ½·1 + ½·⅔ = 5/6.
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 15);
  });

  it('is 1 when separated', () => {
    expect(averagePrecision([0, 1, 0, 1], [0.2, 0.9, 0.1, 0.7])).toBe(1);
  });

  it('equal scores give the positive rate', () => {
    expect(averagePrecision([0, 1, 1, 0, 1], [0.3, 0.3, 0.3, 0.3, 0.3])).toBeCloseTo(3 / 5, 15);
  });

  it('groups tied scores', () => {
    // Descending blocks: {0.9: pos} P=1, R=⅓; {0.5: pos, neg, pos} P=¾, R=1 → ⅓ + ⅔·¾ = 5/6.
    expect(averagePrecision([1, 1, 0, 1, 0], [0.9, 0.5, 0.5, 0.5, 0.1])).toBeCloseTo(5 / 6, 15);
  });

  it.each([1, 2, 3])('matches rank reference, seed %i', (seed) => {
    const rng = createRng(seed);
    const labels = Array.from({ length: 200 }, () => (rng.next() < 0.3 ? 1 : 0));
    // Continuous scores: ties have probability ~0, where the reference is exact.
    const scores = labels.map((label) => 0.25 * label + rng.next());
    expect(averagePrecision(labels, scores)).toBeCloseTo(rankAveragePrecision(labels, scores), 12);
  });

  it('returns null without positives', () => {
    expect(averagePrecision([0, 0, 0], [0.2, 0.4, 0.9])).toBeNull();
    expect(warnings).toEqual(['average-precision-no-positive']);
  });

  it('all positives give 1', () => {
    expect(averagePrecision([1, 1], [0.2, 0.4])).toBe(1);
  });

  it('rejects infinite scores', () => {
    expect(() => averagePrecision([0, 1], [0.1, Infinity])).toThrow(NumericalError);
    expect(() => averagePrecision([0, 1], [0.1, Infinity])).toThrow(/`scores\[1\]` is Infinity/);
  });
});
