/**
 * Area under the precision-recall curve as average precision (the step-wise sum used by
 * scikit-learn's `average_precision_score`, without interpolation).
 */
import { warnOnce } from '../warnings';
import { checkBinaryLabels, checkScores } from './check-inputs';

/**
 * Computes the average precision of the scores:
 *
 * ```text
 * AP = Σ_t (R_t − R_{t−1}) · P_t
 * ```
 * t runs over the distinct scores from highest to lowest; P_t and R_t are the precision and
 * recall when every row scoring at least the t-th distinct score is predicted positive, and
 * R_0 = 0. Equal scores for every row give the positive rate.
 *
 * @returns The average precision, or `null` (with a one-time warning) when no label is positive,
 * because recall is then undefined.
 * @throws {@link InvalidArgumentError} for labels other than 0/1 or mismatched lengths.
 * @throws {@link NumericalError} for a non-finite score.
 * @example
 * ```ts
 * averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.8333…
 * ```
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  checkBinaryLabels('averagePrecision', labels);
  checkScores('averagePrecision', 'scores', scores, labels.length);
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    positives += labels[i] as number;
  }
  if (positives === 0) {
    warnOnce(
      'average-precision-no-positive',
      'averagePrecision: no label is positive, so recall and the average precision are undefined; null is returned. ' +
        'Use stratified folds so every test fold holds positives.',
    );
    return null;
  }

  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let truePositives = 0;
  let predictedPositives = 0;
  let previousRecall = 0;
  let sum = 0;
  let start = 0;
  while (start < n) {
    let end = start;
    while (end < n && scores[order[end] as number] === scores[order[start] as number]) {
      truePositives += labels[order[end] as number] as number;
      end++;
    }
    predictedPositives += end - start;
    const recall = truePositives / positives;
    sum += (recall - previousRecall) * (truePositives / predictedPositives);
    previousRecall = recall;
    start = end;
  }
  return sum;
}
