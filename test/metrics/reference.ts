/**
 * Naive reference implementations for the metric tests, written independently of src/metrics:
 * AUC by counting all positive-negative pairs, average precision by the precision at each
 * positive's rank (valid when scores have no ties).
 */

/** P(score₊ > score₋) + ½·P(score₊ = score₋) over all positive-negative pairs. */
export function pairwiseAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) {
      continue;
    }
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) {
        continue;
      }
      pairs++;
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

/** Mean over positives of the precision among rows ranked at or above that positive (distinct scores only). */
export function rankAveragePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let hits = 0;
  let sum = 0;
  order.forEach((index, rank) => {
    if (labels[index] === 1) {
      hits++;
      sum += hits / (rank + 1);
    }
  });
  return sum / hits;
}
