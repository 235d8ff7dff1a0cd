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

/**
 * Components of sizes 6 (larger than a block of 4), 3, 2 (one directed edge), 1 (isolated),
 * 4 (training and test rows mixed), 3 and 7 over nodes 0–29, undirected unless noted.
 */
export function componentGraph(): EdgeList {
  const pairs: [number, number][] = [];
  const link = (a: number, b: number): void => {
    pairs.push([a, b], [b, a]);
  };
  for (let a = 0; a < 6; a++) {
    for (let b = a + 1; b < 6; b++) link(a, b);
  }
  link(6, 7);
  link(7, 8);
  pairs.push([9, 10]);
  link(12, 15);
  link(15, 20);
  link(20, 21);
  link(13, 22);
  link(22, 25);
  for (const [a, b] of [[19, 23], [23, 24], [24, 26], [26, 27], [27, 28], [28, 29], [19, 29]] as const) link(a, b);
  // 11, 14, 16, 17, 18 stay isolated.
  return { numNodes: 30, source: Int32Array.from(pairs, (p) => p[0]), target: Int32Array.from(pairs, (p) => p[1]) };
}
