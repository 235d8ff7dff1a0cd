/**
 * The interface every model of the comparison table implements (SRML-MCA, logistic regression,
 * tree ensembles, GCN, GAT), so that cross-validation treats them alike.
 */
import type { FeatureTable, LabeledTable } from '../data/types';

/** Extra data a model may use while fitting. */
export interface FitContext {
  /**
   * Rows whose labels are hidden but whose features may be used (the test fold, for the
   * transductive graph models). Tabular models ignore it.
   */
  unlabeled?: FeatureTable;
  /** Called after each epoch or boosting round with progress in [0, 1]. */
  onProgress?: (fraction: number, message?: string) => void;
}

/** A binary classifier of churn risk. */
export interface Classifier {
  /** Row name in result tables, e.g. "Logistic regression". */
  readonly name: string;
  /** Trains on `train`; may be called once per instance. */
  fit(train: LabeledTable, context?: FitContext): Promise<void>;
  /** Returns P(label = 1) for each row of `table`, float32 `[R]`. */
  predictProba(table: FeatureTable): Promise<Float32Array>;
  /** Frees tensors and native memory held by the model. */
  dispose(): void;
}
