import { describe, expect, it } from 'vitest';
import { rocAuc } from '../../src/metrics/roc-auc';
import { InvalidArgumentError, NumericalError } from '../../src/errors';
import { createRng } from '../../src/random';
import { captureWarningCodes } from '../helpers/capture-warnings';
import { pairwiseAuc } from './reference';

const warnings = captureWarningCodes();

describe('rocAuc', () => {
  it('matches a hand value', () => {
    // Ascending: 0.1 (neg), 0.35 (pos), 0.4 (neg), 0.8 (pos): 3 of 4 pairs ordered.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
  });

  it('is 1 when separated', () => {
    expect(rocAuc([0, 1, 0, 1], [0.2, 0.9, 0.1, 0.7])).toBe(1);
    expect(rocAuc([0, 1, 0, 1], [0.9, 0.2, 0.7, 0.1])).toBe(0);
  });

  it('is 0.5 for equal scores', () => {
    expect(rocAuc([0, 1, 1, 0, 1], [0.3, 0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('averages tied ranks', () => {
    // Pairs (pos, neg): (0.5, 0.5) tie → ½, (0.5, 0.2) → 1, (0.9, 0.5) → 1, (0.9, 0.2) → 1: 3.5 / 4.
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.2])).toBe(0.875);
  });

  it.each([1, 2, 3])('matches pairwise counting, seed %i', (seed) => {
    const rng = createRng(seed);
    const n = 300;
    const labels = Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
    // Scores rounded to 0.05 so that many ties occur.
    const scores = labels.map((label) => Math.round((0.3 * label + 0.7 * rng.next()) * 20) / 20);
    expect(rocAuc(labels, scores)).toBeCloseTo(pairwiseAuc(labels, scores), 12);
  });

  it('returns null for one class', () => {
    expect(rocAuc([1, 1, 1], [0.2, 0.4, 0.9])).toBeNull();
    expect(rocAuc([0, 0], [0.2, 0.4])).toBeNull();
    expect(warnings).toEqual(['roc-auc-single-class']);
  });

  it('accepts any finite scores', () => {
    expect(rocAuc([0, 1], [-30, 12])).toBe(1);
  });

  it.each([
    ['NaN score', [0, 1], [0.1, Number.NaN], NumericalError, /`scores\[1\]` is NaN; every score must be a finite number/],
    ['short scores', [0, 1], [0.1], InvalidArgumentError, /`scores` must have one entry per label \(2\)/],
    ['label -1', [0, -1], [0.1, 0.2], InvalidArgumentError, /`labels\[1\]` is -1/],
  ])('rejects %s', (_, labels, scores, errorClass, pattern) => {
    expect(() => rocAuc(labels, scores)).toThrow(errorClass);
    expect(() => rocAuc(labels, scores)).toThrow(pattern);
  });
});
