/** Input checks shared by the metric functions. */
import { InvalidArgumentError, NumericalError } from '../errors';

/** Throws unless `labels` is a non-empty array of 0/1 values. */
export function checkBinaryLabels(owner: string, labels: ArrayLike<number>): void {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number' || labels.length === 0) {
    throw new InvalidArgumentError(`${owner}: \`labels\` must be a non-empty array of 0/1 values; received ${JSON.stringify(labels)}.`);
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1) {
      throw new InvalidArgumentError(`${owner}: \`labels[${i}]\` is ${JSON.stringify(label)}; labels must be 0 or 1.`);
    }
  }
}

/** Throws unless `values` has one finite entry per label (and lies in [0, 1] when `unitInterval`). */
export function checkScores(owner: string, arg: string, values: ArrayLike<number>, expectedLength: number, unitInterval = false): void {
  if (values === null || typeof values !== 'object' || values.length !== expectedLength) {
    throw new InvalidArgumentError(
      `${owner}: \`${arg}\` must have one entry per label (${expectedLength}); received length ${(values as { length?: number } | null)?.length}.`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new NumericalError(`${owner}: \`${arg}[${i}]\` is ${String(value)}; every score must be a finite number. Check the model for NaN outputs.`);
    }
    if (unitInterval && (value < 0 || value > 1)) {
      throw new InvalidArgumentError(
        `${owner}: \`${arg}[${i}]\` is ${value}, outside [0, 1]. Pass probabilities, not logits (apply a sigmoid or softmax first).`,
      );
    }
  }
}

/** Throws unless `predictions` contains one 0/1 value per label. */
export function checkPredictions(owner: string, predictions: ArrayLike<number>, expectedLength: number): void {
  if (predictions === null || typeof predictions !== 'object' || predictions.length !== expectedLength) {
    throw new InvalidArgumentError(
      `${owner}: \`predictions\` must have one entry per label (${expectedLength}); received length ${(predictions as { length?: number } | null)?.length}.`,
    );
  }
  for (let i = 0; i < predictions.length; i++) {
    const value = predictions[i];
    if (value !== 0 && value !== 1) {
      throw new InvalidArgumentError(
        `${owner}: \`predictions[${i}]\` is ${JSON.stringify(value)}; predicted classes must be 0 or 1. Threshold probabilities first, or use binaryMetrics.`,
      );
    }
  }
}
