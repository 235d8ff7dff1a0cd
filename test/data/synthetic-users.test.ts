import { describe, expect, it } from 'vitest';
import { labelChurnRisk } from '../../src/data/churn-label';
import { loadUserTable } from '../../src/data/csv-loader';
import { DOUYIN_SCHEMA } from '../../src/data/schema';
import { DOUYIN_CATEGORIES, DOUYIN_NUMERIC_RANGES, generateUsers } from '../../src/data/synthetic-users';
import { booleanColumn, categoricalColumn, idColumn, numericColumn } from '../../src/data/user-table';
import { InvalidArgumentError } from '../../src/errors';
import { REAL_CSV_MISSING, REAL_CSV_PATH } from './real-data';

describe('generateUsers', () => {
  const users = generateUsers(20_000, 1);

  it('has the Douyin columns', () => {
    expect(users.numRows).toBe(20_000);
    expect(users.schema).toBe(DOUYIN_SCHEMA);
    const stored = DOUYIN_SCHEMA.columns.filter((c) => c.kind !== 'ignored').map((c) => c.name);
    expect([...users.columns.keys()]).toEqual(stored);
    expect(idColumn(users, 'User_ID').slice(0, 2)).toEqual(['#1', '#2']);
    expect(new Set(idColumn(users, 'User_ID')).size).toBe(20_000);
  });

  it.each(Object.entries(DOUYIN_NUMERIC_RANGES))('covers the range of %s', (name, [low, high]) => {
    const values = numericColumn(users, name);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let nonIntegers = 0;
    for (const v of values) {
      nonIntegers += Number.isInteger(v) ? 0 : 1;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(nonIntegers).toBe(0);
    // The gap to each bound has mean ≈ span / 20000, so 10 times that (plus one) is a loose bound.
    const slack = (10 * (high - low + 1)) / values.length + 1;
    expect(min).toBeGreaterThanOrEqual(low);
    expect(max).toBeLessThanOrEqual(high);
    expect(min - low).toBeLessThan(slack);
    expect(high - max).toBeLessThan(slack);
    // Uniform mean (low + high) / 2; std of the mean ≈ (high − low)/√12/√20000 ≈ 0.002·(high − low).
    expect(Math.abs(sum / values.length - (low + high) / 2)).toBeLessThan(0.01 * (high - low));
  });

  it.each(Object.entries(DOUYIN_CATEGORIES))('draws %s uniformly', (name, categories) => {
    const column = categoricalColumn(users, name);
    expect(column.categories).toEqual(categories);
    const counts = new Array<number>(categories.length).fill(0);
    for (const code of column.codes) {
      counts[code] = (counts[code] as number) + 1;
    }
    const expected = 20_000 / categories.length;
    // Binomial std ≤ √(20000·0.25) ≈ 71, so 4% of the expected count is over 5 std for 5 categories.
    for (const count of counts) {
      expect(Math.abs(count - expected)).toBeLessThan(0.04 * expected + 400 / categories.length);
    }
  });

  it('draws a fair newsletter flag', () => {
    const ones = booleanColumn(users, 'Newsletter_Subscription').reduce((a, b) => a + b, 0);
    expect(Math.abs(ones - 10_000)).toBeLessThan(400);
  });

  it('repeats with a seed', () => {
    const a = generateUsers(100, 5);
    const b = generateUsers(100, 5);
    expect(Array.from(numericColumn(a, 'Income'))).toEqual(Array.from(numericColumn(b, 'Income')));
    expect(Array.from(numericColumn(a, 'Income'))).not.toEqual(Array.from(numericColumn(generateUsers(100, 6), 'Income')));
  });

  it('labels near the median', () => {
    const labels = labelChurnRisk(users);
    expect(labels.positives + labels.negatives).toBe(20_000);
    expect(labels.positives).toBeGreaterThan(9_000);
    expect(labels.positives).toBeLessThanOrEqual(10_000);
  });

  it.skipIf(REAL_CSV_MISSING)('matches real ranges (skipped when ../shared/data is absent)', async () => {
    const real = await loadUserTable(REAL_CSV_PATH);
    for (const [name, [low, high]] of Object.entries(DOUYIN_NUMERIC_RANGES)) {
      const values = numericColumn(real, name);
      expect(Math.min(...values)).toBe(low);
      expect(Math.max(...values)).toBe(high);
    }
    for (const [name, categories] of Object.entries(DOUYIN_CATEGORIES)) {
      expect(categoricalColumn(real, name).categories).toEqual(categories);
    }
  });

  it.each([
    ['count 0', 0, 1, /`count` must be a positive integer/],
    ['fractional count', 1.5, 1, /`count` must be a positive integer/],
    ['fractional seed', 10, 0.5, /`seed` must be an integer/],
  ])('rejects %s', (_, count, seed, pattern) => {
    expect(() => generateUsers(count, seed)).toThrow(InvalidArgumentError);
    expect(() => generateUsers(count, seed)).toThrow(pattern);
  });
});
