/**
 * srml-mca: TensorFlow.js layers and models for churn prediction on tabular user data.
 *
 * Importing this module registers every layer class with tfjs serialization, so saved models
 * that use them load with `tf.loadLayersModel`. Tree-ensemble baselines, which need optional
 * native-free wasm engines, live in the `srml-mca/trees` entry point.
 */

// Errors and warnings.
export {
  DataError,
  InvalidArgumentError,
  NotImplementedError,
  NumericalError,
  SerializationError,
  ShapeMismatchError,
  SrmlError,
  type SrmlErrorCode,
} from './errors';
export { resetWarnings, setWarningSink, setWarningsEnabled, warnOnce, type WarningSink } from './warnings';
export { createRng, withSeededRandom, type Rng } from './random';

// Layers.
export { TabularEncoder, type TabularEncoderArgs } from './layers/tabular-encoder';
export { FeatureReshape, type FeatureReshapeArgs } from './layers/feature-reshape';
export { MCA, mcaChannelKernelSize, type MCAArgs } from './layers/mca';
export { SelfCorrelationSCR, type SelfCorrelationSCRArgs } from './layers/self-correlation-scr';
export { Correlation4DCCA, type AttentionOrder, type Correlation4DCCAArgs } from './layers/correlation-4d-cca';
export { PrototypeHead, type PrototypeHeadArgs } from './layers/prototype-head';
export { CenteredAveragePool } from './layers/centered-average-pool';
export {
  GCNConv,
  GRAPH_INITIALIZERS,
  normalizeAdjacency,
  type GCNConvArgs,
  type GraphInitializerName,
  type NormalizeAdjacencyOptions,
} from './layers/graph/gcn-conv';
export { GATConv, type GATConvArgs } from './layers/graph/gat-conv';

// Losses and weight-free ops.
export { BKELoss, type BKELossArgs, type BKEReduction } from './losses/bke-loss';
export { batchNormalize, channelMoments, type BatchNormalizeArgs } from './ops/batch-normalize';
export { batchNormTrain, type BatchStatistics } from './ops/batch-norm-train';
export { transpose2d } from './ops/transpose-2d';
export { smallBatchMatMul } from './ops/small-batch-matmul';
export { centerChannels } from './ops/center-channels';
export { conv1dShift } from './ops/conv1d-shift';
export { l2Normalize } from './ops/l2-normalize';
export { meanStdPool, type MeanStdPoolResult } from './ops/mean-std-pool';
export { stopGradient } from './ops/stop-gradient';
export {
  buildToeplitzTaps,
  createToeplitzTaps,
  toeplitzConv2d,
  toeplitzOutputSize,
  toeplitzWeight,
  type ToeplitzGrid,
  type ToeplitzPadding,
} from './ops/toeplitz-conv';
export { buildUnfoldSelection, createUnfoldSelection, unfold, type UnfoldGrid } from './ops/unfold';

// Models.
export type { Classifier, FitContext } from './models/classifier';
export { SRMLMCA, loadLayersModelWithHint, type SRMLMCAExplanation, type SRMLMCAFitOptions } from './models/srml-mca';
export type { ResolvedSRMLMCAConfig, SRMLMCAConfig, SRMLMCALossWeights } from './models/srml-mca-config';
export { SRML_MCA_PRESETS, type SRMLMCAPreset, type SRMLMCAPresetName } from './models/presets';
export type { EpochLog, FitHistory, FitOptions } from './models/trainer';
export { LogisticRegression, type LogisticRegressionOptions } from './models/baselines/logistic-regression';
export { GCNClassifier, type GCNClassifierOptions } from './models/baselines/gcn-classifier';
export { GATClassifier, type GATClassifierOptions } from './models/baselines/gat-classifier';
export type { GraphNetwork, GraphTrainingOptions, ResolvedGraphTrainingOptions } from './models/baselines/transductive-graph';
export { buildFeatureMatrix, concatFeatureTables, type FeatureMatrix } from './models/baselines/feature-matrix';

// Data.
export type { FeatureTable, LabeledTable } from './data/types';
export { COLUMN_KINDS, DOUYIN_SCHEMA, columnsOfKind, validateSchema, type ColumnKind, type ColumnSpec, type TableSchema } from './data/schema';
export {
  booleanColumn,
  categoricalColumn,
  columnCodes,
  idColumn,
  numericColumn,
  type BooleanColumn,
  type CategoricalColumn,
  type Column,
  type IdColumn,
  type NumericColumn,
  type UserTable,
} from './data/user-table';
export { loadUserTable, parseUserTable, type InvalidRowPolicy, type LoadUserTableOptions, type UnknownColumnPolicy } from './data/csv-loader';
export { UserTableBuilder, type TableBuilderOptions } from './data/table-builder';
export { writeUsersCsv, type WriteUsersCsvOptions } from './data/csv-writer';
export {
  ChurnLabeler,
  churnLabelSpec,
  DEFAULT_CHURN_TERMS,
  labelChurnRisk,
  type ChurnLabelOptions,
  type ChurnLabels,
  type ChurnLabelTerm,
  type LabelSpec,
} from './data/churn-label';
export { auditLeakage, featureColumnsFor, type FeatureColumns, type FeatureSetting, type LeakageAudit } from './data/leakage';
export { fitPreprocessor, Preprocessor, type PreprocessorOptions, type PreprocessorState } from './data/preprocessor';
export { DOUYIN_CATEGORIES, DOUYIN_NUMERIC_RANGES, generateUsers } from './data/synthetic-users';
export { kFold, stratifiedKFold, type Fold } from './data/cross-validation';
export { stratifiedHoldout } from './data/stratified-holdout';

// Graphs.
export type { EdgeList } from './graph/types';
export { buildRelationGraph, DEFAULT_RELATION_COLUMNS, type RelationGraphMode, type RelationGraphOptions } from './graph/relation-graph';
export { graphStats, validateEdgeList, type GraphStats } from './graph/graph-stats';
export { denseBlock } from './graph/dense-block';
export { NeighbourSampler, type NeighbourSamplerOptions, type SampledBlock } from './graph/neighbour-sampler';

// Metrics.
export {
  accuracy,
  confusionMatrix,
  f1Score,
  precision,
  recall,
  type ConfusionMatrix,
} from './metrics/classification';
export { rocAuc } from './metrics/roc-auc';
export { averagePrecision } from './metrics/average-precision';
export { binaryMetrics, type BinaryMetrics } from './metrics/binary-metrics';
export { formatSummary, summarize, summarizeBinaryMetrics, type BinaryMetricsSummary, type Summary } from './metrics/summarize';

// Save and load.
export { fileSystemHandler } from './io/file-system-handler';
