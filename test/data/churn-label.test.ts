import { describe, expect, it } from 'vitest';
import { ChurnLabeler, DEFAULT_CHURN_TERMS, churnLabelSpec, labelChurnRisk } from '../../src/data/churn-label';
import { loadUserTable, parseUserTable } from '../../src/data/csv-loader';
import { DataError, InvalidArgumentError } from '../../src/errors';
import { REAL_CSV_MISSING, REAL_CSV_PATH } from './real-data';

const SCHEMA = {
  columns: [
    { name: 'login', kind: 'numeric' as const },
    { name: 'buys', kind: 'numeric' as const },
    { name: 'city', kind: 'categorical' as const },
  ],
};
const TERMS = [
  { column: 'login', weight: 1 },
  { column: 'buys', weight: -1 },
];

/** login = [1, 2, 3, 4], buys = [4, 2, 2, 0]. */
const TABLE = parseUserTable('login,buys,city\n1,4,a\n2,2,a\n3,2,b\n4,0,b\n', { schema: SCHEMA });

describe('labelChurnRisk', () => {
  it('matches a hand derivation', () => {
    // login: mean 2.5, population std √1.25; buys: mean 2, std √2.
    // risk = (login − 2.5)/√1.25 − (buys − 2)/√2.
    const zl = [-1.5, -0.5, 0.5, 1.5].map((d) => d / Math.sqrt(1.25));
    const zb = [2, 0, 0, -2].map((d) => d / Math.sqrt(2));
    const expectedRisk = zl.map((z, i) => z - (zb[i] as number));
    const result = labelChurnRisk(TABLE, { columns: TERMS });
    result.risk.forEach((value, i) => expect(value).toBeCloseTo(expectedRisk[i] as number, 12));
    // Sorted risks: r0 < r1 < r2 < r3; the median is the mean of r1 and r2.
    expect(result.threshold).toBeCloseTo(((expectedRisk[1] as number) + (expectedRisk[2] as number)) / 2, 12);
    expect(Array.from(result.labels)).toEqual([0, 0, 1, 1]);
    expect(result.positives).toBe(2);
    expect(result.negatives).toBe(2);
    expect(result.tiedAtThreshold).toBe(0);
    expect(result.sourceColumns).toEqual(['login', 'buys']);
  });

  it('labels ties at threshold 0', () => {
    // Odd count: the median is the middle risk itself, so that row is tied and labelled 0.
    const table = parseUserTable('login,buys,city\n1,0,a\n2,0,a\n3,0,a\n', { schema: SCHEMA });
    const result = labelChurnRisk(table, { columns: [{ column: 'login', weight: 1 }] });
    expect(result.threshold).toBe(0);
    expect(Array.from(result.labels)).toEqual([0, 0, 1]);
    expect(result.tiedAtThreshold).toBe(1);
  });

  it('interpolates other quantiles', () => {
    const result = labelChurnRisk(TABLE, { columns: [{ column: 'login', weight: 2 }], quantile: 0.25 });
    // risk = 2·(login − 2.5)/√1.25; position 3·0.25 = 0.75 between r0 and r1.
    const r = [-1.5, -0.5, 0.5, 1.5].map((d) => (2 * d) / Math.sqrt(1.25));
    expect(result.threshold).toBeCloseTo((r[0] as number) + 0.75 * ((r[1] as number) - (r[0] as number)), 12);
    expect(Array.from(result.labels)).toEqual([0, 1, 1, 1]);
  });

  it.skipIf(REAL_CSV_MISSING)('real file gives 496 positives (skipped when ../shared/data is absent)', async () => {
    const users = await loadUserTable(REAL_CSV_PATH);
    const result = labelChurnRisk(users);
    expect(result.positives).toBe(496);
    expect(result.negatives).toBe(504);
    expect(result.tiedAtThreshold).toBe(5);
    expect(result.sourceColumns).toEqual(['Last_Login_Days_Ago', 'Purchase_Frequency']);
  });

  it.each([
    ['empty columns', { columns: [] }, InvalidArgumentError, /`columns` must be a non-empty array/],
    ['zero weight', { columns: [{ column: 'login', weight: 0 }] }, InvalidArgumentError, /finite, non-zero weight/],
    ['NaN weight', { columns: [{ column: 'login', weight: Number.NaN }] }, InvalidArgumentError, /finite, non-zero weight/],
    ['repeated column', { columns: [TERMS[0], TERMS[0]] }, InvalidArgumentError, /"login" is listed twice/],
    ['quantile 0', { columns: TERMS, quantile: 0 }, InvalidArgumentError, /`quantile` must be a finite number in \(0, 1\)/],
    ['quantile 1', { columns: TERMS, quantile: 1 }, InvalidArgumentError, /`quantile`/],
    ['missing column', { columns: [{ column: 'age', weight: 1 }] }, DataError, /column "age" is missing/],
    ['categorical column', { columns: [{ column: 'city', weight: 1 }] }, DataError, /"city" is categorical, but numeric was expected/],
  ])('rejects %s', (_, options, errorClass, pattern) => {
    expect(() => labelChurnRisk(TABLE, options as never)).toThrow(errorClass);
    expect(() => labelChurnRisk(TABLE, options as never)).toThrow(pattern);
  });

  it('rejects a constant column', () => {
    const table = parseUserTable('login,buys,city\n1,3,a\n2,3,a\n', { schema: SCHEMA });
    expect(() => labelChurnRisk(table, { columns: TERMS })).toThrow(/column "buys" is constant \(3\) over the 2 fitting rows/);
  });
});

describe('ChurnLabeler', () => {
  it('fits on training rows only', () => {
    const labeler = ChurnLabeler.fit(TABLE, Int32Array.from([0, 1]), { columns: [{ column: 'login', weight: 1 }] });
    // Training logins 1 and 2: mean 1.5, population std 0.5, threshold = median of z = 0.
    expect(labeler.means[0]).toBe(1.5);
    expect(labeler.stds[0]).toBe(0.5);
    expect(labeler.threshold).toBe(0);
    const result = labeler.apply(TABLE);
    expect(Array.from(result.risk)).toEqual([-1, 1, 3, 5]);
    expect(Array.from(result.labels)).toEqual([0, 1, 1, 1]);
    expect(result.positives).toBe(3);
  });

  it('ignores test rows', () => {
    const train = Int32Array.from([0, 1, 2]);
    const other = parseUserTable('login,buys,city\n1,4,a\n2,2,a\n3,2,b\n400,-50,b\n', { schema: SCHEMA });
    const a = ChurnLabeler.fit(TABLE, train, { columns: TERMS });
    const b = ChurnLabeler.fit(other, train, { columns: TERMS });
    expect(b.threshold).toBe(a.threshold);
    expect(Array.from(b.means)).toEqual(Array.from(a.means));
  });

  it('equals labelChurnRisk on all rows', () => {
    const full = labelChurnRisk(TABLE, { columns: TERMS });
    const fitted = ChurnLabeler.fit(TABLE, Int32Array.from([0, 1, 2, 3]), { columns: TERMS }).apply(TABLE);
    expect(Array.from(fitted.labels)).toEqual(Array.from(full.labels));
    expect(fitted.threshold).toBe(full.threshold);
  });

  it.each([
    ['empty rows', new Int32Array(0), /`rows` is empty/],
    ['row out of range', Int32Array.from([0, 9]), /row index 9 is outside \[0, 4\)/],
  ])('rejects %s', (_, rows, pattern) => {
    expect(() => ChurnLabeler.fit(TABLE, rows, { columns: TERMS })).toThrow(InvalidArgumentError);
    expect(() => ChurnLabeler.fit(TABLE, rows, { columns: TERMS })).toThrow(pattern);
  });

  it('exposes source columns', () => {
    expect(ChurnLabeler.fit(TABLE, undefined, { columns: TERMS }).sourceColumns).toEqual(['login', 'buys']);
  });
});

describe('churnLabelSpec', () => {
  it('defaults to the paper columns', () => {
    expect(churnLabelSpec().sourceColumns).toEqual(['Last_Login_Days_Ago', 'Purchase_Frequency']);
    expect(DEFAULT_CHURN_TERMS.map((t) => t.weight)).toEqual([1, -1]);
  });
});
