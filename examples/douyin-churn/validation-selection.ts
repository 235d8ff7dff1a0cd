/**
 * Hyper-parameter selection on validation rows inside a training fold, so that no choice looks
 * at the fold's test rows. Used for the graph baselines, whose PyG example settings (input
 * dropout 0.5 / 0.6) are tuned for sparse bag-of-words features, not for 25 dense columns.
 */
import {
  concatFeatureTables,
  createRng,
  rocAuc,
  stratifiedHoldout,
  type Classifier,
  type FeatureTable,
  type LabeledTable,
} from '../../src/index';

/** Candidate dropout rates of the GCN and GAT baselines; 0.5 is PyG's GCN example value. */
export const GRAPH_DROPOUT_CANDIDATES = [0, 0.1, 0.5] as const;

/** Rows `positions` of `table`, in that order. */
export function selectRows(table: LabeledTable, positions: number[]): LabeledTable {
  const numericWidth = table.numericColumns.length;
  const categoricalWidth = table.categoricalColumns.length;
  const numeric = new Float32Array(positions.length * numericWidth);
  const categorical = new Int32Array(positions.length * categoricalWidth);
  positions.forEach((row, i) => {
    numeric.set(table.numeric.subarray(row * numericWidth, (row + 1) * numericWidth), i * numericWidth);
    categorical.set(table.categorical.subarray(row * categoricalWidth, (row + 1) * categoricalWidth), i * categoricalWidth);
  });
  return {
    ...table,
    numRows: positions.length,
    numeric,
    categorical,
    rowIndex: Int32Array.from(positions, (row) => table.rowIndex[row] as number),
    labels: Int32Array.from(positions, (row) => table.labels[row] as number),
  };
}

/** Splits row positions 80 / 20 into training and validation parts, stratified by label. */
export function innerSplit(labels: Int32Array, seed: number): { train: number[]; validation: number[] } {
  return stratifiedHoldout(labels, 0.2, createRng(seed));
}

/**
 * Fits one model per candidate on 80% of `train` (the other 20% and `test` unlabelled) and
 * returns the candidate with the best validation AUC; ties keep the earlier candidate.
 */
export async function selectOnValidation<T>(
  candidates: readonly T[],
  create: (candidate: T) => Classifier,
  train: LabeledTable,
  test: FeatureTable,
  seed: number,
): Promise<{ best: T; scores: number[] }> {
  const split = innerSplit(train.labels, seed);
  const innerTrain = selectRows(train, split.train);
  const validation = selectRows(train, split.validation);
  const unlabeled = concatFeatureTables([validation, test]);

  const scores: number[] = [];
  for (const candidate of candidates) {
    const model = create(candidate);
    try {
      await model.fit(innerTrain, { unlabeled });
      const probabilities = (await model.predictProba(unlabeled)).slice(0, validation.numRows);
      scores.push(rocAuc(validation.labels, probabilities) ?? 0);
    } finally {
      model.dispose();
    }
  }
  const bestIndex = scores.indexOf(Math.max(...scores));
  return { best: candidates[bestIndex] as T, scores };
}
