/** Synthetic inputs of the benchmarks: labelled user tables and the 1000-user relation graph. */
import {
  buildFeatureMatrix,
  buildRelationGraph,
  columnsOfKind,
  denseBlock,
  DOUYIN_SCHEMA,
  fitPreprocessor,
  generateUsers,
  labelChurnRisk,
  type EdgeList,
  type LabeledTable,
  type UserTable,
} from '../src/index';

/** Returns every numeric column, then the categorical and boolean columns ("paper" feature setting). */
export function featureColumns(): { numericColumns: string[]; categoricalColumns: string[] } {
  return {
    numericColumns: columnsOfKind(DOUYIN_SCHEMA, 'numeric'),
    categoricalColumns: [...columnsOfKind(DOUYIN_SCHEMA, 'categorical'), ...columnsOfKind(DOUYIN_SCHEMA, 'boolean')],
  };
}

/** Returns every row index of a table of `count` rows, in order. */
export function allRows(count: number): Int32Array {
  return Int32Array.from({ length: count }, (_, i) => i);
}

/** Labels `users` and preprocesses every row with statistics from all rows. */
export function labelledTable(users: UserTable): LabeledTable {
  const { labels } = labelChurnRisk(users);
  const rows = allRows(users.numRows);
  return fitPreprocessor(users, rows, featureColumns()).transform(users, rows, labels);
}

/** `count` seeded synthetic users as a model-ready labelled table. */
export function syntheticTable(count: number, seed = 1): LabeledTable {
  return labelledTable(generateUsers(count, seed));
}

/** A graph benchmark input: node features, dense adjacency and labels of every node. */
export interface GraphFixture {
  graph: EdgeList;
  /** float32 `[N, D]`, numeric columns then one-hot categoricals. */
  features: Float32Array;
  numFeatures: number;
  /** float32 `[N, N]`; symmetric, because the relation graph stores both directions of each edge. */
  adjacency: Float32Array;
  labels: Int32Array;
  numNodes: number;
}

/** Builds the relation graph of `count` synthetic users (shared Interests, category and Location). */
export function graphFixture(count: number, seed = 1): GraphFixture {
  const users = generateUsers(count, seed);
  const table = labelledTable(users);
  const graph = buildRelationGraph(users);
  const matrix = buildFeatureMatrix(table);
  return {
    graph,
    features: matrix.values,
    numFeatures: matrix.numColumns,
    adjacency: denseBlock(graph, allRows(count)),
    labels: table.labels,
    numNodes: count,
  };
}
