/**
 * Result records of the douyin-churn example, shared by the runner, the table printer, the
 * report writer and `results.json`.
 */
import type { BinaryMetrics } from '../../src/index';

/** Feature setting: all columns (as in the paper) or without the two label-source columns. */
export type Setting = 'paper' | 'noLeak';

/** Metrics of one model on one fold of one setting, plus its test-fold scores for the plots. */
export interface FoldResult {
  /** CLI key of the model (`lr`, `rf`, `xgboost`, `gbt`, `gcn`, `gat`, `srml`, `srml-mca`). */
  key: string;
  /** Display name, e.g. "Random forest (YDF)". */
  model: string;
  setting: Setting;
  fold: number;
  metrics: BinaryMetrics;
  /** Positions of the test rows in the source table. */
  testRows: number[];
  /** Test-row labels, aligned with `testRows`. */
  labels: number[];
  /** Churn probabilities, aligned with `testRows`. */
  probabilities: number[];
  /** Training and scoring wall time in seconds. */
  seconds: number;
  /** Hyper-parameters chosen on validation rows inside the training fold, e.g. `{ graphDropout: 0.1 }`. */
  selected?: { graphDropout?: number };
}

/** Mean and sample standard deviation (n − 1) of one metric over folds. */
export interface MetricSummary {
  mean: number;
  std: number | null;
  n: number;
}

/** One row of the comparison table. */
export interface SummaryRow {
  /** CLI key of the model; PAPER_TABLE is keyed by it. */
  key: string;
  model: string;
  setting: Setting;
  accuracy: MetricSummary;
  precision: MetricSummary;
  recall: MetricSummary;
  f1: MetricSummary;
  auc: MetricSummary;
  seconds: number;
}

/** Explanation of one high-risk user by the SRML-MCA model. */
export interface UserExplanation {
  userId: string;
  probability: number;
  /** Features sorted by |attribution|, largest first: occlusion change of churn log-odds. */
  topFeatures: { feature: string; attribution: number }[];
  /** Co-attention map [H][W] of the relational branch, when present. */
  attention?: number[][];
}

/** The model trained on every user for scoring and explanations. */
export interface FinalModelInfo {
  /** CLI key: `srml-mca` or `srml-mca-gated`. */
  key: string;
  /** Display name, e.g. "SRML-MCA + input gate". */
  name: string;
  /** Learned input gates by column, for a model with gates; near 0 means the column is switched off. */
  inputGates?: { column: string; gate: number }[];
}

/** Everything one run produced; written as results.json. */
export interface RunResults {
  createdAt: string;
  /** `droppedRows`: CSV rows skipped by `--drop-invalid-rows` (absent in older results). */
  data: { source: string; users: number; positives: number; negatives: number; tiedAtThreshold: number; droppedRows?: number };
  options: { folds: number; seed: number; epochs: number; backend: string; workers: number; preset: string; models: string[] };
  labelCaveat: string;
  folds: FoldResult[];
  summary: SummaryRow[];
  explanations: UserExplanation[];
  modelDir?: string;
  /** The final model, when the run trained one. */
  finalModel?: FinalModelInfo;
  wallSeconds: number;
}

/**
 * The paper's Table 2 (all features), keyed by model key; null where the figure is not known
 * to this project. The paper's tree rows are XGBoost and a random forest; ours may run another
 * engine, whose name the row shows.
 */
export const PAPER_TABLE: Record<string, { accuracy: number | null; precision: number | null; recall: number | null; f1: number | null; auc: number | null }> = {
  lr: { accuracy: 0.903, precision: null, recall: null, f1: null, auc: 0.971 },
  rf: { accuracy: 0.937, precision: null, recall: null, f1: null, auc: 0.982 },
  xgboost: { accuracy: 0.919, precision: null, recall: null, f1: null, auc: 0.974 },
  gcn: { accuracy: 0.941, precision: null, recall: null, f1: null, auc: 0.982 },
  gat: { accuracy: 0.982, precision: null, recall: null, f1: null, auc: 0.9988 },
  'srml-mca': { accuracy: 0.984, precision: null, recall: null, f1: 0.9839, auc: 0.9992 },
};
