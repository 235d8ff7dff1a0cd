/**
 * Adam over all trainable variables at once, on one flat vector, with optional clipping by the
 * global gradient norm. tfjs's `AdamOptimizer` runs about 14 kernels per variable and step, so
 * with SRML-MCA's 58 variables it dispatched over 800 small kernels per step, about a quarter
 * of all kernels in a training step on the wasm backend. Here the whole update takes a few
 * dozen kernels on one `[P]` vector (P = total number of weights) and one reshape per variable.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors';

/** Settings of a {@link FlatAdam}. */
export interface FlatAdamOptions {
  /** Exponential decay of the first moment. @defaultValue 0.9 */
  beta1?: number;
  /** Exponential decay of the second moment. @defaultValue 0.999 */
  beta2?: number;
  /** Term added to √v̂. @defaultValue the backend's epsilon, 1e-7 on cpu and wasm (as tfjs's Adam) */
  epsilon?: number;
  /** Clip the global gradient norm to this value before the update; 0 turns clipping off. @defaultValue 0 */
  clipNorm?: number;
}

/** Variables that share one learning rate. */
export interface FlatAdamGroup {
  variables: tf.Variable[];
  learningRate: number;
}

/**
 * Adam (Kingma and Ba) with the same formula and float operations per element as tfjs 4.22's
 * `tf.train.adam`, applied to every variable through one flat vector:
 *
 * ```
 * g ← g · min(1, c / ‖g‖)            (when clipNorm c > 0; ‖g‖ over all variables together)
 * m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 * θ ← θ − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * ```
 *
 * Each group of variables has its own learning rate η. The moments start at 0. A variable that
 * gets no gradient in a step is updated with a zero gradient, where tfjs's Adam would skip it.
 */
export class FlatAdam {
  private readonly variables: tf.Variable[];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly clipNorm: number;
  /** −η per weight, `[P]`. */
  private readonly negativeRates: tf.Tensor1D;
  private firstMoment: tf.Tensor1D;
  private secondMoment: tf.Tensor1D;
  /** β₁ᵗ and β₂ᵗ, advanced by a float32 product per step as in tfjs's Adam. */
  private accumulatedBeta1: tf.Scalar;
  private accumulatedBeta2: tf.Scalar;

  constructor(groups: FlatAdamGroup[], options: FlatAdamOptions = {}) {
    this.variables = groups.flatMap((group) => group.variables);
    if (this.variables.length === 0) {
      throw new InvalidArgumentError('FlatAdam: no variables to train. Pass at least one group with variables.');
    }
    for (const group of groups) {
      if (!(group.learningRate > 0)) {
        throw new InvalidArgumentError(`FlatAdam: every learning rate must be > 0; received ${JSON.stringify(group.learningRate)}.`);
      }
    }
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? tf.backend().epsilon();
    this.clipNorm = options.clipNorm ?? 0;

    const rates = new Float32Array(this.variables.reduce((total, variable) => total + variable.size, 0));
    let offset = 0;
    for (const group of groups) {
      for (const variable of group.variables) {
        rates.fill(-group.learningRate, offset, offset + variable.size);
        offset += variable.size;
      }
    }
    // The state is kept, so that an enclosing tidy does not dispose it.
    this.negativeRates = tf.keep(tf.tensor1d(rates));
    this.firstMoment = tf.keep(tf.zeros([rates.length]));
    this.secondMoment = tf.keep(tf.zeros([rates.length]));
    this.accumulatedBeta1 = tf.keep(tf.scalar(this.beta1));
    this.accumulatedBeta2 = tf.keep(tf.scalar(this.beta2));
  }

  /** Applies one update from `grads`, keyed by variable name. */
  applyGradients(grads: tf.NamedTensorMap): void {
    const next = tf.tidy(() => {
      const flatGradient = tf.concat(
        this.variables.map((variable) => tf.reshape(grads[variable.name] ?? tf.zerosLike(variable), [-1])),
      ) as tf.Tensor1D;
      const gradient = this.clipNorm > 0 ? this.clip(flatGradient) : flatGradient;

      const oneMinusBeta1Power = tf.sub(1, this.accumulatedBeta1);
      const oneMinusBeta2Power = tf.sub(1, this.accumulatedBeta2);
      const first = tf.add(tf.mul(this.firstMoment, this.beta1), tf.mul(gradient, 1 - this.beta1)) as tf.Tensor1D;
      const second = tf.add(tf.mul(this.secondMoment, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2)) as tf.Tensor1D;
      const corrected1 = tf.div(first, oneMinusBeta1Power);
      const corrected2 = tf.div(second, oneMinusBeta2Power);
      const step = tf.mul(tf.div(corrected1, tf.add(tf.sqrt(corrected2), this.epsilon)), this.negativeRates);

      const values = tf.concat(this.variables.map((variable) => tf.reshape(variable, [-1])));
      const updated = tf.split(tf.add(step, values), this.variables.map((variable) => variable.size));
      this.variables.forEach((variable, i) => variable.assign(tf.reshape(updated[i] as tf.Tensor, variable.shape)));

      return {
        first,
        second,
        beta1Power: tf.mul(this.accumulatedBeta1, this.beta1) as tf.Scalar,
        beta2Power: tf.mul(this.accumulatedBeta2, this.beta2) as tf.Scalar,
      };
    });
    tf.dispose([this.firstMoment, this.secondMoment, this.accumulatedBeta1, this.accumulatedBeta2]);
    this.firstMoment = tf.keep(next.first);
    this.secondMoment = tf.keep(next.second);
    this.accumulatedBeta1 = tf.keep(next.beta1Power);
    this.accumulatedBeta2 = tf.keep(next.beta2Power);
  }

  dispose(): void {
    tf.dispose([this.negativeRates, this.firstMoment, this.secondMoment, this.accumulatedBeta1, this.accumulatedBeta2]);
  }

  /** g · c / max(‖g‖, c). */
  private clip(gradient: tf.Tensor1D): tf.Tensor1D {
    const norm = tf.sqrt(tf.sum(tf.square(gradient)));
    return tf.mul(gradient, tf.div(this.clipNorm, tf.maximum(norm, this.clipNorm))) as tf.Tensor1D;
  }
}
