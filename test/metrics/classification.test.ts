import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, f1Score, precision, recall } from '../../src/metrics/classification';
import { InvalidArgumentError } from '../../src/errors';

// labels      1 1 1 0 0 0 0 1
// predictions 1 0 1 1 0 0 1 1  → tp 3, fn 1, fp 2, tn 2
const LABELS = [1, 1, 1, 0, 0, 0, 0, 1];
const PREDICTIONS = [1, 0, 1, 1, 0, 0, 1, 1];

describe('classification metrics', () => {
  it('counts the confusion matrix', () => {
    expect(confusionMatrix(LABELS, PREDICTIONS)).toEqual({ tn: 2, fp: 2, fn: 1, tp: 3 });
  });

  it('matches hand values', () => {
    expect(accuracy(LABELS, PREDICTIONS)).toBe(5 / 8);
    expect(precision(LABELS, PREDICTIONS)).toBe(3 / 5);
    expect(recall(LABELS, PREDICTIONS)).toBe(3 / 4);
    // 2·P·R/(P + R) = 2·0.6·0.75/1.35 = 2/3.
    expect(f1Score(LABELS, PREDICTIONS)).toBeCloseTo(2 / 3, 15);
  });

  it('no predicted positive gives 0', () => {
    const predictions = [0, 0, 0, 0, 0, 0, 0, 0];
    expect(precision(LABELS, predictions)).toBe(0);
    expect(recall(LABELS, predictions)).toBe(0);
    expect(f1Score(LABELS, predictions)).toBe(0);
  });

  it('no positive label gives 0', () => {
    const labels = [0, 0, 0];
    expect(recall(labels, [0, 1, 0])).toBe(0);
    expect(precision(labels, [0, 1, 0])).toBe(0);
    expect(f1Score(labels, [0, 0, 0])).toBe(0);
    expect(accuracy(labels, [0, 0, 0])).toBe(1);
  });

  it('accepts typed arrays', () => {
    expect(accuracy(Int32Array.from(LABELS), Uint8Array.from(PREDICTIONS))).toBe(5 / 8);
  });

  it.each([
    ['empty labels', [], [], /`labels` must be a non-empty array/],
    ['label 2', [0, 2], [0, 1], /`labels\[1\]` is 2; labels must be 0 or 1/],
    ['short predictions', [0, 1], [0], /`predictions` must have one entry per label \(2\); received length 1/],
    ['probability predictions', [0, 1], [0, 0.7], /`predictions\[1\]` is 0.7; predicted classes must be 0 or 1/],
  ])('rejects %s', (_, labels, predictions, pattern) => {
    expect(() => confusionMatrix(labels, predictions)).toThrow(InvalidArgumentError);
    expect(() => confusionMatrix(labels, predictions)).toThrow(pattern);
  });
});
