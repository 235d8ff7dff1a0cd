/**
 * Adam over all trainable variables at once, on one flat vector, with optional clipping by the
 * global gradient norm. tfjs's `AdamOptimizer` runs about 14 kernels per variable and step, so
 * with SRML-MCA's 58 variables it dispatched over 800 small kernels per step, about a quarter
 * of all kernels in a training step on the wasm backend. Here the whole update takes a few
 * dozen kernels on one `[P]` vector (P = total number of weights) and three reshapes per variable.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from '../errors';
import { requireNumberInRange } from '../validate';

const OWNER = 'FlatAdam';

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
 * gets no gradient in a step is updated with a zero gradient. (tfjs 4.22's Adam keeps its moments
 * by position in the gradient map, so a missing gradient there shifts them to other variables.)
 */
export class FlatAdam {
  private readonly variables: tf.Variable[];
  private readonly byName = new Map<string, tf.Variable>();
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
      throw new InvalidArgumentError(`${OWNER}: no variables to train. Pass at least one group with variables.`);
    }
    for (const variable of this.variables) {
      if (this.byName.has(variable.name)) {
        throw new InvalidArgumentError(`${OWNER}: variable ${JSON.stringify(variable.name)} is listed twice. List each variable in one group only.`);
      }
      this.byName.set(variable.name, variable);
    }
    for (const group of groups) {
      requireNumberInRange(OWNER, 'learningRate', group.learningRate, { min: 0, minExclusive: true });
    }
    this.beta1 = requireNumberInRange(OWNER, 'beta1', options.beta1 ?? 0.9, { min: 0, max: 1, maxExclusive: true });
    this.beta2 = requireNumberInRange(OWNER, 'beta2', options.beta2 ?? 0.999, { min: 0, max: 1, maxExclusive: true });
    this.epsilon = requireNumberInRange(OWNER, 'epsilon', options.epsilon ?? tf.backend().epsilon(), { min: 0, minExclusive: true });
    this.clipNorm = requireNumberInRange(OWNER, 'clipNorm', options.clipNorm ?? 0, { min: 0 });

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

  /**
   * Applies one update from `grads`, keyed by variable name.
   * @throws ShapeMismatchError if a gradient's shape differs from its variable's.
   * @throws InvalidArgumentError if a key names no variable of this optimizer.
   */
  applyGradients(grads: tf.NamedTensorMap): void {
    for (const [name, gradient] of Object.entries(grads)) {
      const variable = this.byName.get(name);
      if (variable === undefined) {
        throw new InvalidArgumentError(`${OWNER}: the gradient ${JSON.stringify(name)} names no variable of this optimizer. Pass the variables to the constructor.`);
      }
      if (!tf.util.arraysEqual(gradient.shape, variable.shape)) {
        throw new ShapeMismatchError(
          `${OWNER}: the gradient of ${JSON.stringify(name)} has shape ${JSON.stringify(gradient.shape)}, but the variable has ${JSON.stringify(variable.shape)}.`,
        );
      }
    }
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
