/**
 * Data preparation of the douyin-churn example: load the user table (the public CSV or the
 * built-in seeded generator), label it, split it into folds, and produce each fold's tables for
 * one feature setting.
 */
import {
  buildRelationGraph,
  DOUYIN_SCHEMA,
  featureColumnsFor,
  fitPreprocessor,
  generateUsers,
  idColumn,
  labelChurnRisk,
  loadUserTable,
  stratifiedKFold,
  type ChurnLabels,
  type EdgeList,
  type FeatureSetting,
  type Fold,
  type LabeledTable,
  type Preprocessor,
  type UserTable,
} from '../../src/index';

/** Source of the users: a CSV file or the seeded generator. */
export type DataSource =
  | { kind: 'csv'; path: string; dropInvalidRows?: boolean }
  | { kind: 'synthetic'; users: number; seed: number };

/** Everything the folds need, computed once per process. */
export interface PreparedData {
  source: DataSource;
  table: UserTable;
  labels: ChurnLabels;
  folds: Fold[];
  /** User graph of the GCN/GAT baselines: users sharing interests, category preference and location. */
  graph: EdgeList;
  /** User_ID of each row. */
  userIds: string[];
}

/** One fold of one setting, ready for a Classifier. */
export interface FoldTables {
  train: LabeledTable;
  test: LabeledTable;
}

/** Loads or generates the users, labels them and builds the seeded stratified folds. */
export async function prepareData(source: DataSource, folds: number, seed: number): Promise<PreparedData> {
  const table =
    source.kind === 'csv'
      ? await loadUserTable(source.path, { onInvalidRow: source.dropInvalidRows === true ? 'drop' : 'error' })
      : generateUsers(source.users, source.seed);
  const labels = labelChurnRisk(table);
  const graph = buildRelationGraph(table, { maxDegree: 64, seed });
  const userIds = idColumn(table, 'User_ID');
  return { source, table, labels, folds: stratifiedKFold(labels.labels, folds, seed), graph, userIds };
}

/** Preprocesses one fold with statistics of its training rows only. */
export function foldTables(data: PreparedData, foldIndex: number, setting: FeatureSetting): FoldTables {
  const fold = data.folds[foldIndex];
  if (fold === undefined) {
    throw new RangeError(`fold ${foldIndex} does not exist; there are ${data.folds.length} folds`);
  }
  const columns = featureColumnsFor(setting, DOUYIN_SCHEMA, data.labels);
  const preprocessor = fitPreprocessor(data.table, fold.train, columns);
  return {
    train: preprocessor.transform(data.table, fold.train, data.labels.labels),
    test: preprocessor.transform(data.table, fold.test, data.labels.labels),
  };
}

/** Fits the preprocessing on every user and returns it with the full labelled table. */
export function preprocessorForAllRows(data: PreparedData, setting: FeatureSetting): { preprocessor: Preprocessor; table: LabeledTable } {
  const columns = featureColumnsFor(setting, DOUYIN_SCHEMA, data.labels);
  const rows = Int32Array.from({ length: data.table.numRows }, (_, i) => i);
  const preprocessor = fitPreprocessor(data.table, rows, columns);
  return { preprocessor, table: preprocessor.transform(data.table, rows, data.labels.labels) };
}
