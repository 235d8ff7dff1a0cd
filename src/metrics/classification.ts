/**
 * Metrics of hard 0/1 predictions: confusion matrix, accuracy, precision, recall and F1, with
 * class 1 (churn risk) as the positive class.
 *
 * Convention for empty denominators (as scikit-learn's `zero_division=0`): precision is 0 when
 * nothing is predicted positive, recall is 0 when no label is positive, and F1 is 0 when
 * precision + recall is 0.
 */
import { checkBinaryLabels, checkPredictions } from './check-inputs';

/** Counts of the four outcomes. */
export interface ConfusionMatrix {
  /** Label 0, predicted 0. */
  tn: number;
  /** Label 0, predicted 1. */
  fp: number;
  /** Label 1, predicted 0. */
  fn: number;
  /** Label 1, predicted 1. */
  tp: number;
}

/**
 * Counts true/false positives and negatives.
 * @throws {@link InvalidArgumentError} when the arrays differ in length, are empty or hold values other than 0 and 1.
 * @example
 * ```ts
 * confusionMatrix([0, 1, 1], [1, 1, 0]); // { tn: 0, fp: 1, fn: 1, tp: 1 }
 * ```
 */
export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>): ConfusionMatrix {
  checkBinaryLabels('confusionMatrix', labels);
  checkPredictions('confusionMatrix', predictions, labels.length);
  const counts: ConfusionMatrix = { tn: 0, fp: 0, fn: 0, tp: 0 };
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) {
      if (predictions[i] === 1) {
        counts.tp++;
      } else {
        counts.fn++;
      }
    } else if (predictions[i] === 1) {
      counts.fp++;
    } else {
      counts.tn++;
    }
  }
  return counts;
}

/** (tp + tn) / n. */
export function accuracyOf(counts: ConfusionMatrix): number {
  return (counts.tp + counts.tn) / (counts.tp + counts.tn + counts.fp + counts.fn);
}

/** tp / (tp + fp), or 0 when nothing is predicted positive. */
export function precisionOf(counts: ConfusionMatrix): number {
  const predicted = counts.tp + counts.fp;
  return predicted === 0 ? 0 : counts.tp / predicted;
}

/** tp / (tp + fn), or 0 when no label is positive. */
export function recallOf(counts: ConfusionMatrix): number {
  const actual = counts.tp + counts.fn;
  return actual === 0 ? 0 : counts.tp / actual;
}

/** Harmonic mean 2·tp / (2·tp + fp + fn), or 0 when tp = 0. */
export function f1Of(counts: ConfusionMatrix): number {
  const denominator = 2 * counts.tp + counts.fp + counts.fn;
  return denominator === 0 ? 0 : (2 * counts.tp) / denominator;
}

/** Fraction of correct predictions. */
export function accuracy(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  return accuracyOf(confusionMatrix(labels, predictions));
}

/** Fraction of predicted positives that are positive; 0 when nothing is predicted positive. */
export function precision(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  return precisionOf(confusionMatrix(labels, predictions));
}

/** Fraction of positives predicted positive; 0 when no label is positive. */
export function recall(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  return recallOf(confusionMatrix(labels, predictions));
}

/** Harmonic mean of precision and recall; 0 when both are 0. */
export function f1Score(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  return f1Of(confusionMatrix(labels, predictions));
}
