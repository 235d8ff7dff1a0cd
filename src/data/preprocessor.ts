/**
 * Per-fold preprocessing: z-scores numeric columns and encodes categorical columns with
 * statistics and vocabularies learned on the training rows only, then emits the model-ready
 * {@link FeatureTable}.
 */
import { DataError, InvalidArgumentError } from '../errors';
import { warnOnce } from '../warnings';
import type { FeatureTable, LabeledTable } from './types';
import { columnCodes, numericColumn } from './user-table';
import type { UserTable } from './user-table';

/** Options of {@link fitPreprocessor}. */
export interface PreprocessorOptions {
  /** Numeric columns to standardise, in output order. */
  numericColumns: readonly string[];
  /** Categorical or boolean columns to encode, in output order; a boolean is a 2-category column. */
  categoricalColumns: readonly string[];
}

const OWNER = 'Preprocessor';

/** JSON form of a fitted {@link Preprocessor}. */
export interface PreprocessorState {
  numericColumns: string[];
  categoricalColumns: string[];
  means: number[];
  stds: number[];
  vocabularies: string[][];
}

function checkRows(owner: string, rows: Int32Array, numRows: number, arg: string): void {
  if (!(rows instanceof Int32Array)) {
    throw new InvalidArgumentError(`${owner}: \`${arg}\` must be an Int32Array of row indices; received ${typeof rows}.`);
  }
  for (const row of rows) {
    if (row < 0 || row >= numRows) {
      throw new InvalidArgumentError(`${owner}: \`${arg}\` contains row ${row}, outside [0, ${numRows}). Pass rows of this table.`);
    }
  }
}

function checkColumnNames(arg: string, names: unknown): readonly string[] {
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new InvalidArgumentError(`fitPreprocessor: \`${arg}\` must be an array of column names; received ${JSON.stringify(names)}.`);
  }
  if (new Set(names).size !== names.length) {
    throw new InvalidArgumentError(`fitPreprocessor: \`${arg}\` lists a column twice: ${JSON.stringify(names)}. List each column once.`);
  }
  return names;
}

function compareCodeUnits(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}

/**
 * Fitted preprocessing of one fold. Output values:
 *
 * ```text
 * numeric[r, j]     = (x_j(r) − μ_j) / σ_j      (σ_j := 1 when the training std is 0)
 * categorical[r, j] = 1 + rank of x_j(r) in the sorted training vocabulary of column j,
 *                     or 0 when the value never occurs in the training rows
 * ```
 * μ_j and σ_j are the mean and population std (divisor n) of column j over the training rows.
 * Vocabularies are sorted by UTF-16 code units, so codes do not depend on row order or locale.
 * A boolean column has the vocabulary `['false', 'true']` when both values occur.
 */
export class Preprocessor {
  readonly numericColumns: readonly string[];
  readonly categoricalColumns: readonly string[];
  /** μ_j per numeric column. */
  readonly means: Float64Array;
  /** σ_j per numeric column, with 0 replaced by 1. */
  readonly stds: Float64Array;
  /** Sorted training categories per categorical column; code k + 1 is `vocabularies[j][k]`. */
  readonly vocabularies: readonly (readonly string[])[];

  /** Use {@link fitPreprocessor}. */
  constructor(options: PreprocessorOptions, means: Float64Array, stds: Float64Array, vocabularies: readonly (readonly string[])[]) {
    this.numericColumns = [...options.numericColumns];
    this.categoricalColumns = [...options.categoricalColumns];
    this.means = means;
    this.stds = stds;
    this.vocabularies = vocabularies;
  }

  /** Returns the fitted state as plain JSON, for saving next to a trained model. */
  toJSON(): PreprocessorState {
    return {
      numericColumns: [...this.numericColumns],
      categoricalColumns: [...this.categoricalColumns],
      means: Array.from(this.means),
      stds: Array.from(this.stds),
      vocabularies: this.vocabularies.map((vocabulary) => [...vocabulary]),
    };
  }

  /**
   * Rebuilds a preprocessor from {@link Preprocessor.toJSON} output.
   *
   * @throws {@link InvalidArgumentError} when the state is malformed (lengths disagree, a
   * statistic is not finite, or a std is not positive).
   */
  static fromJSON(state: PreprocessorState): Preprocessor {
    const owner = `${OWNER}.fromJSON`;
    const numericColumns = checkColumnNames('numericColumns', state?.numericColumns);
    const categoricalColumns = checkColumnNames('categoricalColumns', state?.categoricalColumns);
    const sameLength = (arg: string, values: unknown, expected: number): number[] => {
      if (!Array.isArray(values) || values.length !== expected || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new InvalidArgumentError(`${owner}: \`${arg}\` must hold ${expected} finite numbers; received ${JSON.stringify(values)}.`);
      }
      return values as number[];
    };
    const means = sameLength('means', state.means, numericColumns.length);
    const stds = sameLength('stds', state.stds, numericColumns.length);
    if (stds.some((std) => std <= 0)) {
      throw new InvalidArgumentError(`${owner}: every entry of \`stds\` must be positive; received ${JSON.stringify(stds)}.`);
    }
    const vocabularies = state.vocabularies;
    if (
      !Array.isArray(vocabularies) ||
      vocabularies.length !== categoricalColumns.length ||
      !vocabularies.every((vocabulary) => Array.isArray(vocabulary) && vocabulary.every((v) => typeof v === 'string'))
    ) {
      throw new InvalidArgumentError(
        `${owner}: \`vocabularies\` must hold one array of category strings per categorical column (${categoricalColumns.length}); received ${JSON.stringify(vocabularies)}.`,
      );
    }
    return new Preprocessor({ numericColumns, categoricalColumns }, Float64Array.from(means), Float64Array.from(stds), vocabularies);
  }

  /** Number of known categories per categorical column (code 0 excluded). */
  get cardinalities(): number[] {
    return this.vocabularies.map((vocabulary) => vocabulary.length);
  }

  /**
   * Encodes `rows` of `table`. With `labels` (one per row of `table`, indexed by source row),
   * the result also carries `labels[rows[i]]` for each output row i.
   *
   * @throws {@link DataError} when a column is missing or of the wrong kind.
   * @throws {@link InvalidArgumentError} when a row is out of range or `labels` has the wrong
   * length or a value other than 0 and 1.
   */
  transform(table: UserTable, rows: Int32Array): FeatureTable;
  transform(table: UserTable, rows: Int32Array, labels: Int32Array): LabeledTable;
  transform(table: UserTable, rows: Int32Array, labels?: Int32Array): FeatureTable | LabeledTable {
    checkRows(`${OWNER}.transform`, rows, table.numRows, 'rows');
    const numRows = rows.length;
    const numNumeric = this.numericColumns.length;
    const numCategorical = this.categoricalColumns.length;

    const numeric = new Float32Array(numRows * numNumeric);
    this.numericColumns.forEach((name, j) => {
      const values = numericColumn(table, name);
      const mean = this.means[j] as number;
      const std = this.stds[j] as number;
      for (let i = 0; i < numRows; i++) {
        numeric[i * numNumeric + j] = ((values[rows[i] as number] as number) - mean) / std;
      }
    });

    const categorical = new Int32Array(numRows * numCategorical);
    this.categoricalColumns.forEach((name, j) => {
      const { codes, categories } = columnCodes(table, name);
      const lookup = this.codeLookup(categories, j);
      const unseen = new Set<string>();
      for (let i = 0; i < numRows; i++) {
        const sourceCode = codes[rows[i] as number] as number;
        const code = lookup[sourceCode] as number;
        categorical[i * numCategorical + j] = code;
        if (code === 0) {
          unseen.add(categories[sourceCode] as string);
        }
      }
      if (unseen.size > 0) {
        warnOnce(
          `preprocessor-unseen-category:${name}`,
          `${OWNER}: column ${JSON.stringify(name)} has value(s) ${JSON.stringify([...unseen].slice(0, 5))} that never occur ` +
            'in the training rows; they are encoded as 0 (unknown). Rare categories in small folds cause this.',
        );
      }
    });

    const features: FeatureTable = {
      numRows,
      numericColumns: [...this.numericColumns],
      numeric,
      categoricalColumns: [...this.categoricalColumns],
      categorical,
      cardinalities: this.cardinalities,
      rowIndex: Int32Array.from(rows),
    };
    if (labels === undefined) {
      return features;
    }
    return { ...features, labels: this.gatherLabels(labels, rows, table.numRows) };
  }

  /** Maps the table's own category codes of column j to vocabulary codes (0 for unseen values). */
  private codeLookup(categories: readonly string[], j: number): Int32Array {
    const vocabulary = this.vocabularies[j] as readonly string[];
    const codeOf = new Map(vocabulary.map((value, k) => [value, k + 1]));
    const lookup = new Int32Array(categories.length);
    categories.forEach((value, code) => {
      lookup[code] = codeOf.get(value) ?? 0;
    });
    return lookup;
  }

  private gatherLabels(labels: Int32Array, rows: Int32Array, numRows: number): Int32Array {
    if (!(labels instanceof Int32Array) || labels.length !== numRows) {
      throw new InvalidArgumentError(
        `${OWNER}.transform: \`labels\` must be an Int32Array with one label per table row (${numRows}); ` +
          `received length ${(labels as { length?: number })?.length}. Pass the labels of the whole table, not of the selected rows.`,
      );
    }
    const out = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const label = labels[rows[i] as number] as number;
      if (label !== 0 && label !== 1) {
        throw new InvalidArgumentError(`${OWNER}.transform: label of row ${rows[i]} is ${label}; labels must be 0 or 1.`);
      }
      out[i] = label;
    }
    return out;
  }
}

/**
 * Learns standardisation statistics and category vocabularies from `trainRows` of `table`.
 *
 * A numeric column with zero std over the training rows gets σ = 1 (values become x − μ) and a
 * one-time warning. Categories absent from the training rows get code 0 when transformed.
 *
 * @throws {@link DataError} when a column is missing or of the wrong kind, or a numeric column
 * has a non-finite training mean.
 * @throws {@link InvalidArgumentError} for empty or out-of-range `trainRows` or invalid column lists.
 * @example
 * ```ts
 * const pre = fitPreprocessor(users, fold.train, featureColumnsFor('paper', DOUYIN_SCHEMA, churnLabelSpec()));
 * const train = pre.transform(users, fold.train, labels);
 * const test = pre.transform(users, fold.test, labels);
 * ```
 */
export function fitPreprocessor(table: UserTable, trainRows: Int32Array, options: PreprocessorOptions): Preprocessor {
  const numericColumns = checkColumnNames('numericColumns', options?.numericColumns);
  const categoricalColumns = checkColumnNames('categoricalColumns', options?.categoricalColumns);
  checkRows('fitPreprocessor', trainRows, table.numRows, 'trainRows');
  if (trainRows.length === 0) {
    throw new InvalidArgumentError('fitPreprocessor: `trainRows` is empty; pass at least one training row.');
  }
  const n = trainRows.length;

  const means = new Float64Array(numericColumns.length);
  const stds = new Float64Array(numericColumns.length);
  numericColumns.forEach((name, j) => {
    const values = numericColumn(table, name);
    let sum = 0;
    for (const row of trainRows) {
      sum += values[row] as number;
    }
    const mean = sum / n;
    if (!Number.isFinite(mean)) {
      throw new DataError(`fitPreprocessor: column ${JSON.stringify(name)} has a non-finite mean (${mean}) over the training rows. Remove NaN or infinite values first.`);
    }
    let squares = 0;
    for (const row of trainRows) {
      const d = (values[row] as number) - mean;
      squares += d * d;
    }
    let std = Math.sqrt(squares / n);
    if (std === 0) {
      warnOnce(
        `preprocessor-zero-std:${name}`,
        `fitPreprocessor: column ${JSON.stringify(name)} is constant (${mean}) over the training rows; its std is set to 1, ` +
          'so it becomes all zeros. Consider removing the column.',
      );
      std = 1;
    }
    means[j] = mean;
    stds[j] = std;
  });

  const vocabularies = categoricalColumns.map((name) => {
    const { codes, categories } = columnCodes(table, name);
    const present = new Uint8Array(categories.length);
    for (const row of trainRows) {
      present[codes[row] as number] = 1;
    }
    // Plain `<` comparison (UTF-16 code units), so the order does not depend on the locale.
    const seen = categories.filter((_, code) => present[code] === 1);
    return seen.sort(compareCodeUnits);
  });

  return new Preprocessor({ numericColumns, categoricalColumns }, means, stds, vocabularies);
}
