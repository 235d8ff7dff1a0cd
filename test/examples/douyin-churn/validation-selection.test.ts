import { describe, expect, it } from 'vitest';
import type { Classifier, FeatureTable, LabeledTable } from '../../../src/index';
import { innerSplit, selectOnValidation, selectRows } from '../../../examples/douyin-churn/validation-selection';
import { toyTable } from '../../helpers/toy-table';

/** A classifier whose score is one numeric column, so its validation AUC is known in advance. */
class ColumnScorer implements Classifier {
  readonly name = 'column scorer';
  fitted: LabeledTable | undefined;
  constructor(private readonly column: number) {}
  async fit(train: LabeledTable): Promise<void> {
    this.fitted = train;
  }
  async predictProba(table: FeatureTable): Promise<Float32Array> {
    const width = table.numericColumns.length;
    return Float32Array.from({ length: table.numRows }, (_, r) => 1 / (1 + Math.exp(-(table.numeric[r * width + this.column] as number))));
  }
  dispose(): void {}
}

describe('validation selection', () => {
  it('selectRows keeps rows aligned', () => {
    const table = toyTable(10, 1);
    const picked = selectRows(table, [7, 2]);
    expect(picked.numRows).toBe(2);
    expect(Array.from(picked.numeric.slice(0, 8))).toEqual(Array.from(table.numeric.slice(56, 64)));
    expect(Array.from(picked.labels)).toEqual([table.labels[7], table.labels[2]]);
    expect(Array.from(picked.rowIndex)).toEqual([7, 2]);
  });

  it('innerSplit is stratified and disjoint', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => (i < 40 ? 1 : 0));
    const { train, validation } = innerSplit(labels, 3);
    expect(validation.length).toBe(20);
    expect(validation.filter((i) => labels[i] === 1).length).toBe(8);
    expect(new Set([...train, ...validation]).size).toBe(100);
  });

  it('picks the candidate with best AUC', async () => {
    const table = toyTable(200, 2);
    const test = toyTable(50, 3);
    // Column 2 drives the label (risk = column 2 − column 3); column 0 is noise.
    const choice = await selectOnValidation([0, 2], (column) => new ColumnScorer(column), table, test, 5);
    expect(choice.best).toBe(2);
    expect(choice.scores[1]).toBeGreaterThan(choice.scores[0] as number);
  });
});
