/**
 * Tiny seeded churn-like problems for the baseline tests: the label is a linear threshold on
 * two numeric columns, the third numeric and the categorical column are noise.
 */
import type { FeatureTable, LabeledTable } from '../../../src/data/types';
import type { EdgeList } from '../../../src/graph/types';
import { createRng } from '../../../src/random';

/** Rows `[0, numRows)` with label = [x0 − x1 > 0]; rowIndex starts at `firstRow`. */
export function separableTable(numRows: number, seed: number, firstRow = 0): LabeledTable {
  const rng = createRng(seed);
  const numeric = new Float32Array(numRows * 3);
  const categorical = new Int32Array(numRows);
  const labels = new Int32Array(numRows);
  for (let r = 0; r < numRows; r++) {
    for (let c = 0; c < 3; c++) {
      numeric[r * 3 + c] = rng.normal();
    }
    categorical[r] = 1 + rng.int(3);
    labels[r] = (numeric[r * 3] as number) - (numeric[r * 3 + 1] as number) > 0 ? 1 : 0;
  }
  return {
    numRows,
    numericColumns: ['login', 'purchases', 'noise'],
    numeric,
    categoricalColumns: ['city'],
    categorical,
    cardinalities: [3],
    rowIndex: Int32Array.from({ length: numRows }, (_, r) => firstRow + r),
    labels,
  };
}

/** Drops the labels of a table. */
export function withoutLabels(table: LabeledTable): FeatureTable {
  const { labels: _labels, ...features } = table;
  return features;
}

/** ROC AUC by pair counting (ties count one half). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let pairs = 0;
  let wins = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j] !== 0) continue;
      pairs += 1;
      const a = scores[i] as number;
      const b = scores[j] as number;
      if (a > b) {
        wins += 1;
      } else if (a === b) {
        wins += 0.5;
      }
    }
  }
  return wins / pairs;
}

/**
 * Cliques of users sharing the categorical code, as the relation graph links users with equal
 * preferences: nodes r and s are linked when their `city` codes are equal and |r − s| < 12.
 */
export function cliqueGraph(tables: FeatureTable[]): EdgeList {
  const codes = new Map<number, number>();
  for (const t of tables) {
    t.rowIndex.forEach((node, r) => codes.set(node, t.categorical[r] as number));
  }
  const numNodes = Math.max(...codes.keys()) + 1;
  const source: number[] = [];
  const target: number[] = [];
  for (const [u, cu] of codes) {
    for (const [v, cv] of codes) {
      if (u !== v && cu === cv && Math.abs(u - v) < 12) {
        source.push(v);
        target.push(u);
      }
    }
  }
  return { numNodes, source: Int32Array.from(source), target: Int32Array.from(target) };
}
