/**
 * The models of the comparison table, by CLI key, and how each is built for one fold.
 */
import {
  GATClassifier,
  GCNClassifier,
  LogisticRegression,
  SRMLMCA,
  type Classifier,
  type EdgeList,
  type LabeledTable,
  type SRMLMCAPresetName,
} from '../../src/index';
import { GradientBoostedTrees, RandomForest, XGBoostClassifier } from '../../src/trees';

/** Every model key the example supports, in table order. */
export const MODEL_KEYS = ['lr', 'rf', 'xgboost', 'gbt', 'gcn', 'gat', 'srml', 'srml-mca', 'srml-mca-wide'] as const;
export type ModelKey = (typeof MODEL_KEYS)[number];

/**
 * The paper's seven rows. On request: `gbt` (YDF gradient-boosted trees) and `srml-mca-wide`
 * (SRML-MCA plus a linear path from the numeric inputs, which is not in the paper).
 */
export const DEFAULT_MODELS: ModelKey[] = ['lr', 'rf', 'xgboost', 'gcn', 'gat', 'srml', 'srml-mca'];

/** Relative training cost, used to start the slowest jobs first. */
export const MODEL_COST: Record<ModelKey, number> = { 'srml-mca-wide': 100, 'srml-mca': 100, srml: 90, gat: 80, gcn: 30, xgboost: 2, gbt: 2, rf: 2, lr: 1 };

/** Options that apply to the neural SRML models. */
export interface SrmlOptions {
  preset: SRMLMCAPresetName;
  epochs: number;
  seed: number;
}

/** Returns true when `key` names a model of this example. */
export function isModelKey(key: string): key is ModelKey {
  return (MODEL_KEYS as readonly string[]).includes(key);
}

/** Hyper-parameters chosen per fold on validation rows (see validation-selection.ts). */
export interface SelectedSettings {
  /** Input and hidden dropout of GCN and GAT. */
  graphDropout?: number;
}

/** Builds a fresh, untrained model for one fold. */
export function createModel(
  key: ModelKey,
  train: LabeledTable,
  graph: EdgeList,
  options: SrmlOptions,
  selected: SelectedSettings = {},
): Classifier {
  const graphOptions = { seed: options.seed, ...(selected.graphDropout !== undefined ? { dropout: selected.graphDropout } : {}) };
  switch (key) {
    case 'lr':
      return new LogisticRegression();
    case 'rf':
      return new RandomForest({ seed: options.seed });
    case 'gbt':
      return new GradientBoostedTrees({ seed: options.seed });
    case 'xgboost':
      return new XGBoostClassifier({ seed: options.seed });
    case 'gcn':
      return new GCNClassifier(graph, graphOptions);
    case 'gat':
      return new GATClassifier(graph, graphOptions);
    case 'srml':
    case 'srml-mca':
    case 'srml-mca-wide':
      return new SRMLMCA({
        numNumeric: train.numericColumns.length,
        cardinalities: train.cardinalities,
        numericColumns: train.numericColumns,
        categoricalColumns: train.categoricalColumns,
        preset: options.preset,
        useMca: key !== 'srml',
        widePath: key === 'srml-mca-wide',
        seed: options.seed,
      });
  }
}

/** Fit options of the SRML models; other models train with their own documented defaults. */
export function srmlFitOptions(options: SrmlOptions): { epochs: number; seed: number } {
  return { epochs: options.epochs, seed: options.seed };
}
