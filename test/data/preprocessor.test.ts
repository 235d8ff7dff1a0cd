import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseUserTable } from '../../src/data/csv-loader';
import { fitPreprocessor, Preprocessor } from '../../src/data/preprocessor';
import { DataError, InvalidArgumentError } from '../../src/errors';
import { resetWarnings, setWarningSink } from '../../src/warnings';

const SCHEMA = {
  columns: [
    { name: 'x', kind: 'numeric' as const },
    { name: 'k', kind: 'numeric' as const },
    { name: 'city', kind: 'categorical' as const },
    { name: 'flag', kind: 'boolean' as const },
  ],
};
// Rows 0-3 train, rows 4-5 test; "Oslo" only occurs in the test rows.
const TABLE = parseUserTable(
  'x,k,city,flag\n1,5,Rome,TRUE\n3,5,Paris,FALSE\n5,5,Rome,TRUE\n7,5,Berlin,TRUE\n9,5,Oslo,FALSE\n0,5,Paris,TRUE\n',
  { schema: SCHEMA },
);
const TRAIN = Int32Array.from([0, 1, 2, 3]);
const TEST = Int32Array.from([4, 5]);
const OPTIONS = { numericColumns: ['x', 'k'], categoricalColumns: ['city', 'flag'] };

let warnings: { code: string; message: string }[] = [];
beforeEach(() => {
  warnings = [];
  resetWarnings();
  setWarningSink((code, message) => warnings.push({ code, message }));
});
afterEach(() => setWarningSink(undefined));

describe('fitPreprocessor', () => {
  it('learns training statistics', () => {
    const pre = fitPreprocessor(TABLE, TRAIN, OPTIONS);
    // x over training rows: 1, 3, 5, 7 → mean 4, population std √5.
    expect(pre.means[0]).toBe(4);
    expect(pre.stds[0]).toBeCloseTo(Math.sqrt(5), 14);
    expect(pre.vocabularies).toEqual([['Berlin', 'Paris', 'Rome'], ['false', 'true']]);
    expect(pre.cardinalities).toEqual([3, 2]);
  });

  it('replaces zero std with 1', () => {
    const pre = fitPreprocessor(TABLE, TRAIN, OPTIONS);
    expect(pre.means[1]).toBe(5);
    expect(pre.stds[1]).toBe(1);
    expect(warnings.map((w) => w.code)).toEqual(['preprocessor-zero-std:k']);
    expect(warnings[0]?.message).toMatch(/column "k" is constant \(5\)/);
  });

  it('transforms test rows', () => {
    const pre = fitPreprocessor(TABLE, TRAIN, OPTIONS);
    const out = pre.transform(TABLE, TEST);
    expect(out.numRows).toBe(2);
    expect(out.numericColumns).toEqual(['x', 'k']);
    expect(out.categoricalColumns).toEqual(['city', 'flag']);
    const s = Math.sqrt(5);
    expect(out.numeric[0]).toBeCloseTo(5 / s, 6);
    expect(out.numeric[1]).toBe(0);
    expect(out.numeric[2]).toBeCloseTo(-4 / s, 6);
    expect(out.numeric[3]).toBe(0);
    // Oslo is unseen → 0; Paris is 2nd of [Berlin, Paris, Rome]; FALSE → 1, TRUE → 2.
    expect(Array.from(out.categorical)).toEqual([0, 1, 2, 2]);
    expect(out.cardinalities).toEqual([3, 2]);
    expect(Array.from(out.rowIndex)).toEqual([4, 5]);
    expect('labels' in out).toBe(false);
  });

  it('warns once per unseen column', () => {
    const pre = fitPreprocessor(TABLE, TRAIN, OPTIONS);
    pre.transform(TABLE, TEST);
    pre.transform(TABLE, TEST);
    const unseen = warnings.filter((w) => w.code.startsWith('preprocessor-unseen'));
    expect(unseen).toHaveLength(1);
    expect(unseen[0]?.message).toMatch(/column "city" has value\(s\) \["Oslo"\]/);
  });

  it('no warning without unseen rows', () => {
    const pre = fitPreprocessor(TABLE, TRAIN, OPTIONS);
    pre.transform(TABLE, TRAIN);
    expect(warnings.filter((w) => w.code.startsWith('preprocessor-unseen'))).toEqual([]);
  });

  it('standardises training rows', () => {
    const pre = fitPreprocessor(TABLE, TRAIN, { numericColumns: ['x'], categoricalColumns: [] });
    const out = pre.transform(TABLE, TRAIN);
    const values = Array.from(out.numeric);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(0, 6);
    expect(variance).toBeCloseTo(1, 6);
  });

  it('attaches labels by source row', () => {
    const pre = fitPreprocessor(TABLE, TRAIN, OPTIONS);
    const labels = Int32Array.from([0, 0, 1, 0, 1, 0]);
    const out = pre.transform(TABLE, Int32Array.from([4, 2, 0]), labels);
    expect(Array.from(out.labels)).toEqual([1, 1, 0]);
    expect(Array.from(out.rowIndex)).toEqual([4, 2, 0]);
  });

  it('orders codes independently of rows', () => {
    const reversed = Int32Array.from([3, 2, 1, 0]);
    expect(fitPreprocessor(TABLE, reversed, OPTIONS).vocabularies).toEqual(fitPreprocessor(TABLE, TRAIN, OPTIONS).vocabularies);
  });

  it.each([
    ['empty rows', new Int32Array(0), OPTIONS, InvalidArgumentError, /`trainRows` is empty/],
    ['row out of range', Int32Array.from([0, 6]), OPTIONS, InvalidArgumentError, /contains row 6, outside \[0, 6\)/],
    ['plain array rows', [0, 1], OPTIONS, InvalidArgumentError, /`trainRows` must be an Int32Array/],
    ['repeated column', TRAIN, { numericColumns: ['x', 'x'], categoricalColumns: [] }, InvalidArgumentError, /lists a column twice/],
    ['missing list', TRAIN, { numericColumns: ['x'] }, InvalidArgumentError, /`categoricalColumns` must be an array/],
    ['missing column', TRAIN, { numericColumns: ['y'], categoricalColumns: [] }, DataError, /column "y" is missing/],
    ['numeric as categorical', TRAIN, { numericColumns: [], categoricalColumns: ['x'] }, DataError, /"x" is numeric, but a categorical or boolean/],
  ])('rejects %s', (_, rows, options, errorClass, pattern) => {
    expect(() => fitPreprocessor(TABLE, rows as never, options as never)).toThrow(errorClass);
    expect(() => fitPreprocessor(TABLE, rows as never, options as never)).toThrow(pattern);
  });

  it.each([
    ['short labels', Int32Array.from([0, 1]), /one label per table row \(6\); received length 2/],
    ['label 2', Int32Array.from([0, 0, 0, 0, 2, 0]), /label of row 4 is 2; labels must be 0 or 1/],
  ])('transform rejects %s', (_, labels, pattern) => {
    const pre = fitPreprocessor(TABLE, TRAIN, OPTIONS);
    expect(() => pre.transform(TABLE, TEST, labels)).toThrow(InvalidArgumentError);
    expect(() => pre.transform(TABLE, TEST, labels)).toThrow(pattern);
  });
});

describe('Preprocessor JSON state', () => {
  it('round trip transforms identically', () => {
    const fitted = fitPreprocessor(TABLE, TRAIN, OPTIONS);
    const restored = Preprocessor.fromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));
    const before = fitted.transform(TABLE, TEST);
    const after = restored.transform(TABLE, TEST);
    expect(Array.from(after.numeric)).toEqual(Array.from(before.numeric));
    expect(Array.from(after.categorical)).toEqual(Array.from(before.categorical));
    expect(restored.cardinalities).toEqual(fitted.cardinalities);
  });

  it.each([
    [{ means: [0] }, /means/],
    [{ stds: [1, 0] }, /stds/],
    [{ vocabularies: [['a']] }, /vocabularies/],
    [{ numericColumns: 'x' }, /numericColumns/],
  ])('rejects malformed state %j', (override, pattern) => {
    const state = { ...fitPreprocessor(TABLE, TRAIN, OPTIONS).toJSON(), ...override };
    expect(() => Preprocessor.fromJSON(state as never)).toThrow(InvalidArgumentError);
    expect(() => Preprocessor.fromJSON(state as never)).toThrow(pattern);
  });
});
