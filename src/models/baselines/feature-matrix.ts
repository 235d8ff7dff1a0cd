/**
 * Dense design matrix of a {@link FeatureTable} for the baselines: the numeric columns as given
 * (already standardised with training-fold statistics) followed by one-hot categoricals.
 */
import type { FeatureTable, LabeledTable } from '../../data/types';
import { DataError } from '../../errors';

/** A row-major float32 matrix with named columns. */
export interface FeatureMatrix {
  /** Number of rows R. */
  numRows: number;
  /** Number of columns D. */
  numColumns: number;
  /** Column names: numeric names, then `"<column>=<code>"` for each one-hot column. */
  columnNames: string[];
  /** float32 `[R, D]`, row-major. */
  values: Float32Array;
}

/**
 * Builds the design matrix `[numeric | one-hot(categorical)]` of `table`.
 *
 * Each categorical column j with cardinality c_j contributes c_j indicator columns, one per code
 * 1..c_j. Code 0 (missing or unseen) gives an all-zero block, so an unknown category adds
 * nothing instead of aliasing a known one. The width is D = n_num + Σ_j c_j. The numeric values
 * are copied unchanged: the data pipeline has already standardised them with training-fold
 * statistics. Tables with the same columns and cardinalities give matrices with the same
 * columns, which is what lets a model fitted on one fold predict another.
 *
 * @example
 * ```ts
 * const { values, numColumns } = buildFeatureMatrix(trainTable); // [R, D]
 * ```
 * @throws DataError when a categorical code lies outside [0, c_j] or a numeric value is NaN or
 *   infinite. The message names the column and the row.
 */
export function buildFeatureMatrix(table: FeatureTable): FeatureMatrix {
  const numNumeric = table.numericColumns.length;
  const numCategorical = table.categoricalColumns.length;
  const offsets: number[] = [];
  let width = numNumeric;
  for (const cardinality of table.cardinalities) {
    offsets.push(width);
    width += cardinality;
  }

  const columnNames = [...table.numericColumns];
  table.categoricalColumns.forEach((name, j) => {
    for (let code = 1; code <= (table.cardinalities[j] as number); code++) {
      columnNames.push(`${name}=${code}`);
    }
  });

  const values = new Float32Array(table.numRows * width);
  for (let r = 0; r < table.numRows; r++) {
    const rowStart = r * width;
    for (let c = 0; c < numNumeric; c++) {
      const value = table.numeric[r * numNumeric + c] as number;
      if (!Number.isFinite(value)) {
        throw new DataError(
          `buildFeatureMatrix: numeric column \`${table.numericColumns[c]}\` has the value ${String(value)} at row ${r}. ` +
            'Impute or drop missing values before fitting.',
        );
      }
      values[rowStart + c] = value;
    }
    for (let j = 0; j < numCategorical; j++) {
      const code = table.categorical[r * numCategorical + j] as number;
      const cardinality = table.cardinalities[j] as number;
      if (!Number.isInteger(code) || code < 0 || code > cardinality) {
        throw new DataError(
          `buildFeatureMatrix: categorical column \`${table.categoricalColumns[j]}\` has the code ${JSON.stringify(code)} ` +
            `at row ${r}; expected an integer in [0, ${cardinality}]. Encode categories as 1..cardinality, 0 for unknown.`,
        );
      }
      if (code > 0) {
        values[rowStart + (offsets[j] as number) + code - 1] = 1;
      }
    }
  }
  return { numRows: table.numRows, numColumns: width, columnNames, values };
}

/**
 * Stacks the rows of several tables that share columns and cardinalities into one table
 * (used by the transductive graph models to gather labelled and unlabelled nodes).
 *
 * @throws DataError when the tables' columns or cardinalities differ.
 */
export function concatFeatureTables(tables: FeatureTable[]): FeatureTable {
  const first = tables[0];
  if (first === undefined) {
    throw new DataError('concatFeatureTables: received no table. Pass at least one FeatureTable.');
  }
  const signature = (t: FeatureTable): string =>
    JSON.stringify([t.numericColumns, t.categoricalColumns, t.cardinalities]);
  for (const t of tables) {
    if (signature(t) !== signature(first)) {
      throw new DataError(
        `concatFeatureTables: tables have different columns or cardinalities (${signature(first)} and ${signature(t)}). ` +
          'Preprocess every fold with the same schema.',
      );
    }
  }
  const numRows = tables.reduce((s, t) => s + t.numRows, 0);
  const numeric = new Float32Array(numRows * first.numericColumns.length);
  const categorical = new Int32Array(numRows * first.categoricalColumns.length);
  const rowIndex = new Int32Array(numRows);
  let row = 0;
  for (const t of tables) {
    numeric.set(t.numeric, row * first.numericColumns.length);
    categorical.set(t.categorical, row * first.categoricalColumns.length);
    rowIndex.set(t.rowIndex, row);
    row += t.numRows;
  }
  return {
    numRows,
    numericColumns: [...first.numericColumns],
    numeric,
    categoricalColumns: [...first.categoricalColumns],
    categorical,
    cardinalities: [...first.cardinalities],
    rowIndex,
  };
}

/**
 * Returns the labels of `table` as float32 0/1 values.
 *
 * @throws DataError when the label count differs from the row count or a label is not 0 or 1.
 */
export function readBinaryLabels(owner: string, table: LabeledTable): Float32Array {
  if (table.labels.length !== table.numRows) {
    throw new DataError(
      `${owner}: the table has ${table.numRows} rows but ${table.labels.length} labels. Pass one label per row.`,
    );
  }
  const labels = new Float32Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const label = table.labels[r] as number;
    if (label !== 0 && label !== 1) {
      throw new DataError(`${owner}: label at row ${r} is ${JSON.stringify(label)}; expected 0 or 1.`);
    }
    labels[r] = label;
  }
  return labels;
}
