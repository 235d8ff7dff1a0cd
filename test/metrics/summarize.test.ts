import { describe, expect, it } from 'vitest';
import { binaryMetrics } from '../../src/metrics/binary-metrics';
import { formatSummary, summarize, summarizeBinaryMetrics } from '../../src/metrics/summarize';
import { InvalidArgumentError } from '../../src/errors';
import { setWarningsEnabled } from '../../src/warnings';

describe('summarize', () => {
  it('uses the sample std', () => {
    // Mean 5; squared deviations 9 + 1 + 1 + 9 = 20; sample variance 20/3.
    const s = summarize([2, 4, 6, 8]);
    expect(s.mean).toBe(5);
    expect(s.std).toBeCloseTo(Math.sqrt(20 / 3), 14);
    expect(s.n).toBe(4);
  });

  it('one value has no std', () => {
    expect(summarize([0.9])).toEqual({ mean: 0.9, std: null, n: 1 });
  });

  it('equal values give std 0', () => {
    expect(summarize(Float64Array.from([3, 3, 3])).std).toBe(0);
  });

  it.each([
    ['empty', [], /`values` is empty/],
    ['NaN', [1, Number.NaN], /`values\[1\]` is NaN/],
  ])('rejects %s', (_, values, pattern) => {
    expect(() => summarize(values)).toThrow(InvalidArgumentError);
    expect(() => summarize(values)).toThrow(pattern);
  });
});

describe('summarizeBinaryMetrics', () => {
  it('skips undefined AUCs', () => {
    setWarningsEnabled(false);
    const folds = [
      binaryMetrics([0, 1], [0.2, 0.8]),
      binaryMetrics([0, 1], [0.8, 0.2]),
      binaryMetrics([1, 1], [0.8, 0.9]),
    ];
    setWarningsEnabled(true);
    const s = summarizeBinaryMetrics(folds);
    expect(s.accuracy.n).toBe(3);
    expect(s.accuracy.mean).toBeCloseTo(2 / 3, 15);
    expect(s.auc?.n).toBe(2);
    expect(s.auc?.mean).toBe(0.5);
    expect(s.prAuc?.n).toBe(3);
  });

  it('null when no AUC defined', () => {
    setWarningsEnabled(false);
    const s = summarizeBinaryMetrics([binaryMetrics([0, 0], [0.1, 0.2])]);
    setWarningsEnabled(true);
    expect(s.auc).toBeNull();
    expect(s.prAuc).toBeNull();
  });

  it('rejects no results', () => {
    expect(() => summarizeBinaryMetrics([])).toThrow(/`results` is empty/);
  });
});

describe('formatSummary', () => {
  it('formats mean and std', () => {
    expect(formatSummary({ mean: 0.98412, std: 0.0081, n: 5 })).toBe('0.984 ± 0.008');
    expect(formatSummary({ mean: 0.5, std: null, n: 1 }, 2)).toBe('0.50');
  });
});
