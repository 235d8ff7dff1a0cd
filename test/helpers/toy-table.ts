/**
 * Seeded toy tables of the Douyin layout (8 numeric columns, 5 categorical columns) whose label
 * is a linear threshold of the first two numeric columns, as the real churn label is.
 */
import type { LabeledTable } from '../../src/data/types';
import { createRng } from '../../src/random';

export const TOY_NUMERIC = ['Age', 'Income', 'Last_Login_Days_Ago', 'Purchase_Frequency', 'Average_Order_Value', 'Total_Spending', 'Time_Spent_on_Site_Minutes', 'Pages_Viewed'];
export const TOY_CATEGORICAL = ['Gender', 'Location', 'Interests', 'Product_Category_Preference', 'Newsletter_Subscription'];
export const TOY_CARDINALITIES = [2, 3, 5, 5, 2];

/** Label = 1 when column 2 minus column 3 is above 0; the other columns are noise. */
export function toyTable(rows: number, seed: number): LabeledTable {
  const rng = createRng(seed);
  const numeric = new Float32Array(rows * TOY_NUMERIC.length);
  const categorical = new Int32Array(rows * TOY_CATEGORICAL.length);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < TOY_NUMERIC.length; j++) {
      // Uniform on [-√3, √3): mean 0, variance 1, like a standardised uniform column.
      numeric[r * TOY_NUMERIC.length + j] = (rng.next() * 2 - 1) * Math.sqrt(3);
    }
    TOY_CARDINALITIES.forEach((card, j) => {
      categorical[r * TOY_CATEGORICAL.length + j] = 1 + rng.int(card);
    });
    const risk = (numeric[r * TOY_NUMERIC.length + 2] as number) - (numeric[r * TOY_NUMERIC.length + 3] as number);
    labels[r] = risk > 0 ? 1 : 0;
  }
  return {
    numRows: rows,
    numericColumns: [...TOY_NUMERIC],
    numeric,
    categoricalColumns: [...TOY_CATEGORICAL],
    categorical,
    cardinalities: [...TOY_CARDINALITIES],
    rowIndex: Int32Array.from({ length: rows }, (_, i) => i),
    labels,
  };
}

/** ROC AUC by the rank-sum formula with average ranks for ties (independent of src/metrics). */
export function rankAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  const ranks = new Float64Array(labels.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      positives++;
      rankSum += ranks[i] as number;
    }
  }
  const negatives = labels.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
