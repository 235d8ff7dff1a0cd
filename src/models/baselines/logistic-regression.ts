/**
 * L2-regularised logistic regression baseline, fitted full-batch in tfjs on the one-hot design
 * matrix of a feature table.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import type { FeatureTable, LabeledTable } from '../../data/types';
import { InvalidArgumentError, NumericalError, ShapeMismatchError } from '../../errors';
import { requireInteger, requireNumberInRange } from '../../validate';
import type { Classifier, FitContext } from '../classifier';
import { buildFeatureMatrix, readBinaryLabels } from './feature-matrix';

const OWNER = 'LogisticRegression';

/** Options of {@link LogisticRegression}. */
export interface LogisticRegressionOptions {
  /**
   * L2 penalty λ on the coefficients (not the intercept); the loss adds (λ/2)·‖w‖². ≥ 0.
   * @defaultValue 1e-4
   */
  l2?: number;
  /**
   * Adam learning rate; > 0.
   * @defaultValue 0.05
   */
  learningRate?: number;
  /**
   * Maximum number of full-batch Adam steps; a positive integer.
   * @defaultValue 3000
   */
  maxIterations?: number;
  /**
   * Convergence threshold: fitting stops when the loss falls by less than this over 50 steps.
   * @defaultValue 1e-6
   */
  tolerance?: number;
}

/**
 * Logistic regression with an intercept and an L2 penalty, the linear baseline of the comparison
 * table.
 *
 * ```
 * p(y = 1 | x) = σ(x·w + b)
 * loss(w, b)   = (1/R) Σ_r CE(y_r, σ(x_r·w + b)) + (λ/2)·‖w‖²
 * ```
 *
 * x is a row of {@link buildFeatureMatrix} (standardised numerics then one-hot categoricals), R
 * the number of training rows, σ the logistic function and λ = `l2`. The weights start at zero
 * and are fitted with full-batch Adam until the loss stops falling, so a fit has no randomness.
 *
 * @example
 * ```ts
 * const model = new LogisticRegression();
 * await model.fit(trainTable);
 * const p = await model.predictProba(testTable); // Float32Array [R]
 * model.dispose();
 * ```
 * @throws InvalidArgumentError for invalid options, a second `fit`, or `predictProba` before `fit`.
 * @throws DataError for labels other than 0/1 or malformed feature values.
 * @throws ShapeMismatchError when the table to predict has other columns than the training one.
 * @throws NumericalError when the loss becomes NaN or infinite.
 */
export class LogisticRegression implements Classifier {
  readonly name = 'Logistic regression';
  readonly l2: number;
  readonly learningRate: number;
  readonly maxIterations: number;
  readonly tolerance: number;

  private weights: tf.Variable | undefined;
  private intercept: tf.Variable | undefined;
  private numColumns = 0;
  /** Number of Adam steps the last fit took. */
  iterations = 0;

  constructor(options: LogisticRegressionOptions = {}) {
    this.l2 = requireNumberInRange(OWNER, 'l2', options.l2 ?? 1e-4, { min: 0 });
    this.learningRate = requireNumberInRange(OWNER, 'learningRate', options.learningRate ?? 0.05, {
      min: 0,
      minExclusive: true,
    });
    this.maxIterations = requireInteger(OWNER, 'maxIterations', options.maxIterations ?? 3000);
    this.tolerance = requireNumberInRange(OWNER, 'tolerance', options.tolerance ?? 1e-6, { min: 0 });
  }

  async fit(train: LabeledTable, context: FitContext = {}): Promise<void> {
    if (this.weights !== undefined) {
      throw new InvalidArgumentError(`${OWNER}: \`fit\` was already called on this instance. Create a new model per fold.`);
    }
    const labels = readBinaryLabels(OWNER, train);
    const matrix = buildFeatureMatrix(train);
    this.numColumns = matrix.numColumns;
    this.weights = tf.tidy(() => tf.variable(tf.zeros([matrix.numColumns, 1]), true));
    this.intercept = tf.tidy(() => tf.variable(tf.zeros([1]), true));
    const weights = this.weights;
    const intercept = this.intercept;

    const x = tf.tensor2d(matrix.values, [matrix.numRows, matrix.numColumns]);
    const y = tf.tensor2d(labels, [matrix.numRows, 1]);
    const optimizer = tf.train.adam(this.learningRate);
    const checkEvery = 50;
    let previous = Infinity;
    try {
      for (let step = 1; step <= this.maxIterations; step++) {
        const loss = optimizer.minimize(
          () =>
            tf.tidy(() => {
              const logits = tf.add(tf.matMul(x, weights), intercept);
              const ce = tf.losses.sigmoidCrossEntropy(y, logits);
              return tf.add(ce, tf.mul(this.l2 / 2, tf.sum(tf.square(weights)))) as tf.Scalar;
            }),
          step % checkEvery === 0,
          [weights, intercept],
        );
        this.iterations = step;
        if (loss === null) {
          continue;
        }
        const value = (await loss.data())[0] as number;
        loss.dispose();
        if (!Number.isFinite(value)) {
          throw new NumericalError(
            `${OWNER}: the training loss became ${value} at step ${step}. Lower \`learningRate\` or check the features for extreme values.`,
          );
        }
        context.onProgress?.(step / this.maxIterations, `loss ${value.toFixed(5)}`);
        if (previous - value < this.tolerance) {
          break;
        }
        previous = value;
      }
    } finally {
      tf.dispose([x, y]);
      optimizer.dispose();
    }
    context.onProgress?.(1, 'converged');
  }

  async predictProba(table: FeatureTable): Promise<Float32Array> {
    if (this.weights === undefined || this.intercept === undefined) {
      throw new InvalidArgumentError(`${OWNER}: \`predictProba\` was called before \`fit\`. Fit the model first.`);
    }
    const matrix = buildFeatureMatrix(table);
    if (matrix.numColumns !== this.numColumns) {
      throw new ShapeMismatchError(
        `${OWNER}: the table has ${matrix.numColumns} feature columns after one-hot encoding but the model was fitted on ` +
          `${this.numColumns}. Preprocess both tables with the same schema.`,
      );
    }
    const weights = this.weights;
    const intercept = this.intercept;
    const probabilities = tf.tidy(() => {
      const x = tf.tensor2d(matrix.values, [matrix.numRows, matrix.numColumns]);
      return tf.reshape(tf.sigmoid(tf.add(tf.matMul(x, weights), intercept)), [-1]);
    });
    const values = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    return values;
  }

  /** Coefficients w `[D]` and intercept b, for inspection. */
  coefficients(): { weights: Float32Array; intercept: number } {
    if (this.weights === undefined || this.intercept === undefined) {
      throw new InvalidArgumentError(`${OWNER}: \`coefficients\` was called before \`fit\`. Fit the model first.`);
    }
    return {
      weights: this.weights.dataSync() as Float32Array,
      intercept: this.intercept.dataSync()[0] as number,
    };
  }

  dispose(): void {
    this.weights?.dispose();
    this.intercept?.dispose();
  }
}
