import { describe, expect, it } from 'vitest';
import { kFold, stratifiedKFold } from '../../src/data/cross-validation';
import type { Fold } from '../../src/data/cross-validation';
import { InvalidArgumentError } from '../../src/errors';
import { createRng } from '../../src/random';

/** Checks that every index is in exactly one test fold and train is its complement. */
function expectPartition(folds: Fold[], n: number): void {
  const seen = new Int32Array(n);
  for (const { train, test } of folds) {
    expect(train.length + test.length).toBe(n);
    const inTest = new Set(test);
    for (const i of test) {
      seen[i] = (seen[i] as number) + 1;
    }
    for (const i of train) {
      expect(inTest.has(i)).toBe(false);
    }
    expect(Array.from(train)).toEqual(Array.from(train).sort((a, b) => a - b));
    expect(Array.from(test)).toEqual(Array.from(test).sort((a, b) => a - b));
  }
  expect(Array.from(seen).every((count) => count === 1)).toBe(true);
}

describe('kFold', () => {
  it.each([
    [10, 5],
    [1000, 5],
    [13, 4],
    [7, 7],
  ])('partitions n=%i, k=%i', (n, k) => {
    const folds = kFold(n, k, 3);
    expect(folds).toHaveLength(k);
    expectPartition(folds, n);
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('repeats with a seed', () => {
    expect(kFold(50, 5, 9)).toEqual(kFold(50, 5, 9));
    expect(kFold(50, 5, 9)).not.toEqual(kFold(50, 5, 10));
  });

  it('shuffles before splitting', () => {
    const first = kFold(100, 5, 1)[0]?.test as Int32Array;
    expect(Array.from(first)).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it.each([
    ['k = 1', 10, 1, 0, /`k` must be an integer >= 2/],
    ['k > n', 3, 4, 0, /`k` \(4\) exceeds the number of rows \(3\)/],
    ['n = 0', 0, 2, 0, /`n` must be a positive integer/],
    ['fractional seed', 10, 2, 0.5, /`seed` must be an integer/],
  ])('rejects %s', (_, n, k, seed, pattern) => {
    expect(() => kFold(n, k, seed)).toThrow(InvalidArgumentError);
    expect(() => kFold(n, k, seed)).toThrow(pattern);
  });
});

describe('stratifiedKFold', () => {
  it('keeps class ratios within 1', () => {
    const rng = createRng(5);
    const labels = Int32Array.from({ length: 1003 }, () => (rng.next() < 0.3 ? 1 : 0));
    const folds = stratifiedKFold(labels, 5, 11);
    expectPartition(folds, labels.length);
    const positives = folds.map((f) => Array.from(f.test).filter((i) => labels[i] === 1).length);
    const negatives = folds.map((f) => Array.from(f.test).filter((i) => labels[i] === 0).length);
    expect(Math.max(...positives) - Math.min(...positives)).toBeLessThanOrEqual(1);
    expect(Math.max(...negatives) - Math.min(...negatives)).toBeLessThanOrEqual(1);
    const sizes = folds.map((f) => f.test.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('handles three classes', () => {
    const labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 2];
    const folds = stratifiedKFold(labels, 3, 0);
    expectPartition(folds, labels.length);
    for (const { test } of folds) {
      expect(new Set(Array.from(test).map((i) => labels[i]))).toEqual(new Set([0, 1, 2]));
    }
  });

  it('repeats with a seed', () => {
    const labels = Int32Array.from({ length: 40 }, (_, i) => i % 2);
    expect(stratifiedKFold(labels, 4, 2)).toEqual(stratifiedKFold(labels, 4, 2));
  });

  it.each([
    ['k > n', [0, 1], 3, /`k` \(3\) exceeds the number of labels \(2\)/],
    ['fractional label', [0, 0.5, 1], 2, /label at index 1 is 0.5; labels must be integers/],
  ])('rejects %s', (_, labels, k, pattern) => {
    expect(() => stratifiedKFold(labels, k, 0)).toThrow(InvalidArgumentError);
    expect(() => stratifiedKFold(labels, k, 0)).toThrow(pattern);
  });
});
