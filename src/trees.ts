/**
 * srml-mca/trees: tree-ensemble baselines backed by wasm engines (Yggdrasil Decision Forests via
 * `ydf-training`, XGBoost via `ml-xgboost`). Kept out of the main entry point so that the layer
 * library does not depend on those engines; install them to use this entry point.
 */
export { GradientBoostedTrees, RandomForest, type TreeEnsembleOptions } from './models/baselines/tree-ensembles';
export { XGBoostClassifier, type XGBoostOptions } from './models/baselines/xgboost';
