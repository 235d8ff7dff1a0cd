/** Model-ready tables shared by the data pipeline, the models and cross-validation. */

/**
 * Features of a set of users after preprocessing, row-major. Numeric values are already
 * standardised with training-fold statistics; categorical codes are 1..cardinality, with 0 for
 * a missing or unseen category.
 */
export interface FeatureTable {
  /** Number of rows R. */
  numRows: number;
  /** Names of the numeric columns, in matrix order. */
  numericColumns: string[];
  /** float32 `[R, numericColumns.length]`. */
  numeric: Float32Array;
  /** Names of the categorical columns, in matrix order. */
  categoricalColumns: string[];
  /** int32 `[R, categoricalColumns.length]`, codes in `[0, cardinalities[j]]`. */
  categorical: Int32Array;
  /** Number of known categories per categorical column (code 0 excluded). */
  cardinalities: number[];
  /** Position of each row in the source table; graph models use it as the node id. */
  rowIndex: Int32Array;
}

/** A feature table with binary labels (1 = churn risk). */
export interface LabeledTable extends FeatureTable {
  /** int32 `[R]`, values 0 or 1. */
  labels: Int32Array;
}
