/**
 * Area under the ROC curve through the Mann-Whitney U statistic, with tied scores given their
 * average rank.
 */
import { warnOnce } from '../warnings';
import { checkBinaryLabels, checkScores } from './check-inputs';

/**
 * Computes the ROC AUC, the probability that a random positive scores above a random negative
 * (ties count one half):
 *
 * ```text
 * AUC = (R₊ − n₊(n₊ + 1)/2) / (n₊ · n₋)
 * ```
 * R₊ is the sum of the ranks (1-based, ascending score, ties averaged) of the positives, n₊
 * and n₋ the numbers of positives and negatives. Equal scores for every row give 0.5.
 *
 * @returns The AUC, or `null` (with a one-time warning) when `labels` hold a single class,
 * because the AUC is then undefined.
 * @throws {@link InvalidArgumentError} for labels other than 0/1 or mismatched lengths.
 * @throws {@link NumericalError} for a non-finite score.
 * @example
 * ```ts
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * ```
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  checkBinaryLabels('rocAuc', labels);
  checkScores('rocAuc', 'scores', scores, labels.length);
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    positives += labels[i] as number;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    warnOnce(
      'roc-auc-single-class',
      `rocAuc: the labels contain only class ${positives === 0 ? 0 : 1}, so the ROC AUC is undefined and null is returned. ` +
        'Use stratified folds so every test fold holds both classes.',
    );
    return null;
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positiveRankSum = 0;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && scores[order[end] as number] === scores[order[start] as number]) {
      end++;
    }
    // Ranks start + 1 .. end share their mean.
    const averageRank = (start + 1 + end) / 2;
    for (let t = start; t < end; t++) {
      if (labels[order[t] as number] === 1) {
        positiveRankSum += averageRank;
      }
    }
    start = end;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
