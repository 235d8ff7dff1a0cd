/**
 * Conversion of a FeatureTable into the model's input tensors, with the checks that catch a
 * table prepared for another model (column count, names, non-finite values).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureTable } from '../data/types';
import { DataError, ShapeMismatchError } from '../errors';
import type { ResolvedSRMLMCAConfig } from './srml-mca-config';

/** Numeric `[R, n]` float32 and, when the model has categorical columns, codes `[R, m]` int32. */
export interface TableTensors {
  numeric: tf.Tensor2D;
  categorical: tf.Tensor2D | undefined;
}

/** Checks `table` against the model's columns; throws naming the mismatch and the fix. */
export function checkTable(
  owner: string,
  table: FeatureTable,
  config: Pick<ResolvedSRMLMCAConfig, 'numNumeric' | 'cardinalities' | 'numericColumns' | 'categoricalColumns'>,
): void {
  if (table.numericColumns.length !== config.numNumeric) {
    throw new ShapeMismatchError(
      `${owner}: the table has ${table.numericColumns.length} numeric columns (${JSON.stringify(table.numericColumns)}) but the model expects ${config.numNumeric}. Preprocess with the same column list the model was built for.`,
    );
  }
  if (table.categoricalColumns.length !== config.cardinalities.length) {
    throw new ShapeMismatchError(
      `${owner}: the table has ${table.categoricalColumns.length} categorical columns but the model expects ${config.cardinalities.length}. Preprocess with the same column list the model was built for.`,
    );
  }
  const expectNames = (kind: string, actual: string[], expected: string[] | null): void => {
    if (expected !== null && actual.some((name, i) => name !== expected[i])) {
      throw new ShapeMismatchError(
        `${owner}: ${kind} columns ${JSON.stringify(actual)} differ from the model's ${JSON.stringify(expected)}. Pass columns in the order the model was trained on.`,
      );
    }
  };
  expectNames('numeric', table.numericColumns, config.numericColumns);
  expectNames('categorical', table.categoricalColumns, config.categoricalColumns);
  if (table.cardinalities.some((c, j) => c !== config.cardinalities[j])) {
    throw new ShapeMismatchError(
      `${owner}: the table's category counts ${JSON.stringify(table.cardinalities)} differ from the model's ${JSON.stringify(config.cardinalities)}, so its codes would map to other embeddings. Encode new data with the preprocessor the model was trained with.`,
    );
  }
  const expectLength = (arg: string, actual: number, width: number): void => {
    if (actual !== table.numRows * width) {
      throw new ShapeMismatchError(
        `${owner}: \`${arg}\` has ${actual} values but numRows × columns is ${table.numRows} × ${width} = ${table.numRows * width}. Build the table so its arrays match numRows.`,
      );
    }
  };
  expectLength('numeric', table.numeric.length, table.numericColumns.length);
  expectLength('categorical', table.categorical.length, table.categoricalColumns.length);

  const n = table.numericColumns.length;
  for (let i = 0; i < table.numeric.length; i++) {
    if (!Number.isFinite(table.numeric[i] as number)) {
      const row = Math.floor(i / n);
      throw new DataError(
        `${owner}: numeric column ${JSON.stringify(table.numericColumns[i % n])} has a non-finite value (${table.numeric[i]}) at row ${row}. Clean or impute it before training or scoring.`,
      );
    }
  }
}

/** Builds the input tensors of `table`; the caller disposes them. */
export function tableToTensors(table: FeatureTable): TableTensors {
  const numeric = tf.tensor2d(table.numeric, [table.numRows, table.numericColumns.length], 'float32');
  const categorical =
    table.categoricalColumns.length > 0
      ? tf.tensor2d(table.categorical, [table.numRows, table.categoricalColumns.length], 'int32')
      : undefined;
  return { numeric, categorical };
}
