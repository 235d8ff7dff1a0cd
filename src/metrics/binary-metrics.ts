/**
 * All metrics of the comparison table for one set of predicted probabilities.
 */
import { requireNumberInRange } from '../validate';
import { averagePrecision } from './average-precision';
import { accuracyOf, confusionMatrix, f1Of, precisionOf, recallOf } from './classification';
import type { ConfusionMatrix } from './classification';
import { checkBinaryLabels, checkScores } from './check-inputs';
import { rocAuc } from './roc-auc';

/** Result of {@link binaryMetrics}. */
export interface BinaryMetrics {
  accuracy: number;
  /** 0 when nothing is predicted positive. */
  precision: number;
  /** 0 when no label is positive. */
  recall: number;
  /** 0 when precision and recall are both 0. */
  f1: number;
  /** ROC AUC; `null` when the labels hold a single class. */
  auc: number | null;
  /** Average precision; `null` when no label is positive. */
  prAuc: number | null;
  confusion: ConfusionMatrix;
}

/**
 * Scores predicted probabilities of class 1 against 0/1 labels. A row is predicted positive
 * when its probability is strictly above `threshold`, which for 0.5 matches an argmax over
 * [1 − p, p] that breaks ties towards class 0. AUC and average precision use the raw
 * probabilities.
 *
 * @param threshold - Decision threshold in [0, 1]. Defaults to 0.5.
 * @throws {@link InvalidArgumentError} for labels other than 0/1, mismatched lengths, a
 * probability outside [0, 1] or an invalid threshold.
 * @throws {@link NumericalError} for a non-finite probability.
 * @example
 * ```ts
 * const m = binaryMetrics(test.labels, await model.predictProba(test));
 * ```
 */
export function binaryMetrics(labels: ArrayLike<number>, probabilities: ArrayLike<number>, threshold = 0.5): BinaryMetrics {
  requireNumberInRange('binaryMetrics', 'threshold', threshold, { min: 0, max: 1 });
  checkBinaryLabels('binaryMetrics', labels);
  checkScores('binaryMetrics', 'probabilities', probabilities, labels.length, true);
  const predictions = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    predictions[i] = (probabilities[i] as number) > threshold ? 1 : 0;
  }
  const confusion = confusionMatrix(labels, predictions);
  return {
    accuracy: accuracyOf(confusion),
    precision: precisionOf(confusion),
    recall: recallOf(confusion),
    f1: f1Of(confusion),
    auc: rocAuc(labels, probabilities),
    prAuc: averagePrecision(labels, probabilities),
    confusion,
  };
}
