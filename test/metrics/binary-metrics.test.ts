import { describe, expect, it } from 'vitest';
import { binaryMetrics } from '../../src/metrics/binary-metrics';
import { InvalidArgumentError, NumericalError } from '../../src/errors';
import { captureWarningCodes } from '../helpers/capture-warnings';

const warnings = captureWarningCodes();

describe('binaryMetrics', () => {
  it('combines every metric', () => {
    // Predicted at 0.5: [0, 1, 0, 1] against labels [0, 0, 1, 1] → tn 1, fp 1, fn 1, tp 1.
    const m = binaryMetrics([0, 0, 1, 1], [0.1, 0.6, 0.35, 0.8]);
    expect(m.confusion).toEqual({ tn: 1, fp: 1, fn: 1, tp: 1 });
    expect(m.accuracy).toBe(0.5);
    expect(m.precision).toBe(0.5);
    expect(m.recall).toBe(0.5);
    expect(m.f1).toBe(0.5);
    expect(m.auc).toBe(0.75);
    expect(m.prAuc).toBeCloseTo(5 / 6, 15);
  });

  it('uses a strict threshold', () => {
    const m = binaryMetrics([0, 1], [0.5, 0.5]);
    expect(m.confusion).toEqual({ tn: 1, fp: 0, fn: 1, tp: 0 });
    expect(m.precision).toBe(0);
    expect(m.auc).toBe(0.5);
  });

  it('honours a custom threshold', () => {
    const m = binaryMetrics([0, 1, 1], [0.2, 0.3, 0.9], 0.25);
    expect(m.confusion).toEqual({ tn: 1, fp: 0, fn: 0, tp: 2 });
  });

  it('single class gives null AUC', () => {
    const m = binaryMetrics([1, 1], [0.7, 0.9]);
    expect(m.auc).toBeNull();
    expect(m.prAuc).toBe(1);
    expect(m.accuracy).toBe(1);
    expect(warnings).toContain('roc-auc-single-class');
  });

  it.each([
    ['logit input', [0, 1], [0.1, 2.5], InvalidArgumentError, /`probabilities\[1\]` is 2.5, outside \[0, 1\]. Pass probabilities, not logits/],
    ['NaN probability', [0, 1], [Number.NaN, 0.5], NumericalError, /`probabilities\[0\]` is NaN/],
    ['threshold 2', [0, 1], [0.1, 0.5], InvalidArgumentError, /`threshold` must be a finite number in \[0, 1\]/],
  ])('rejects %s', (name, labels, probabilities, errorClass, pattern) => {
    const threshold = name === 'threshold 2' ? 2 : 0.5;
    expect(() => binaryMetrics(labels, probabilities, threshold)).toThrow(errorClass);
    expect(() => binaryMetrics(labels, probabilities, threshold)).toThrow(pattern);
  });
});
