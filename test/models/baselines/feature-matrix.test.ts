import { describe, expect, it } from 'vitest';
import { DataError } from '../../../src/errors';
import { buildFeatureMatrix, concatFeatureTables, readBinaryLabels } from '../../../src/models/baselines/feature-matrix';
import { separableTable } from './fixtures';

describe('buildFeatureMatrix', () => {
  const table = {
    numRows: 3,
    numericColumns: ['a', 'b'],
    numeric: Float32Array.from([0.5, -1, 2, 0, -0.25, 3]),
    categoricalColumns: ['g', 'h'],
    categorical: Int32Array.from([1, 3, 2, 0, 0, 1]),
    cardinalities: [2, 3],
    rowIndex: Int32Array.from([4, 5, 6]),
  };

  it('numeric then one-hot', () => {
    const matrix = buildFeatureMatrix(table);
    expect(matrix.numColumns).toBe(7);
    expect(matrix.columnNames).toEqual(['a', 'b', 'g=1', 'g=2', 'h=1', 'h=2', 'h=3']);
    expect(Array.from(matrix.values)).toEqual([
      0.5, -1, 1, 0, 0, 0, 1,
      2, 0, 0, 1, 0, 0, 0,
      -0.25, 3, 0, 0, 1, 0, 0,
    ]);
  });

  it.each([
    ['code above cardinality', { categorical: Int32Array.from([1, 4, 2, 0, 0, 1]) }, /column `h` has the code 4 at row 0; expected an integer in \[0, 3\]/],
    ['NaN numeric', { numeric: Float32Array.from([0, 0, NaN, 0, 0, 0]) }, /numeric column `a` has the value NaN at row 1/],
  ])('rejects %s', (_title, override, pattern) => {
    const bad = { ...table, ...override };
    expect(() => buildFeatureMatrix(bad)).toThrow(DataError);
    expect(() => buildFeatureMatrix(bad)).toThrow(pattern);
  });
});

describe('concatFeatureTables', () => {
  it('stacks rows in order', () => {
    const a = separableTable(3, 1, 0);
    const b = separableTable(2, 2, 10);
    const joined = concatFeatureTables([a, b]);
    expect(joined.numRows).toBe(5);
    expect(Array.from(joined.rowIndex)).toEqual([0, 1, 2, 10, 11]);
    expect(Array.from(joined.numeric.slice(9))).toEqual(Array.from(b.numeric));
  });

  it('rejects other schema', () => {
    const a = separableTable(3, 1);
    const b = { ...separableTable(2, 2), cardinalities: [4] };
    expect(() => concatFeatureTables([a, b])).toThrow(DataError);
    expect(() => concatFeatureTables([a, b])).toThrow(/different columns or cardinalities/);
  });
});

describe('readBinaryLabels', () => {
  it('rejects label 2', () => {
    const t = { ...separableTable(3, 1), labels: Int32Array.from([0, 2, 1]) };
    expect(() => readBinaryLabels('Model', t)).toThrow(DataError);
    expect(() => readBinaryLabels('Model', t)).toThrow(/Model: label at row 1 is 2; expected 0 or 1/);
  });
});
