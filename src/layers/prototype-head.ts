/**
 * PrototypeHead: cosine-similarity class logits against learnable class prototypes, the branch
 * classifier of SRML (cosine similarity divided by a temperature of 0.2).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeMismatchError } from '../errors';
import { l2Normalize } from '../ops/l2-normalize';
import { requireInteger, requireNumberInRange } from '../validate';
import { torchUniform } from './internal/initializers';
import type { Kwargs, LayerArgs } from './internal/tfl-types';

export interface PrototypeHeadArgs extends LayerArgs {
  /**
   * Number of classes K.
   * @defaultValue 2
   */
  units?: number;
  /**
   * Temperature τ > 0: logits are cosine similarities divided by τ, so they lie in [−1/τ, 1/τ].
   * @defaultValue 0.2
   */
  temperature?: number;
  /**
   * Lower bound on the norms inside the cosine, so a zero vector gives logits of 0, not NaN.
   * @defaultValue 1e-8
   */
  epsilon?: number;
}

/**
 * Scores each input vector against K learnable prototypes by cosine similarity.
 *
 * Source: Li et al., "SRML: Structure-relation mutual learning network for few-shot image
 * classification", Pattern Recognition 168 (2025) 111822, doi:10.1016/j.patcog.2025.111822.
 *
 * ```
 * s[b, k] = ⟨f̂_b, p̂_k⟩ / τ,   f̂ = f / max(‖f‖, ε),   p̂ = p / max(‖p‖, ε)
 * ```
 * f_b is row b of the input, p_k the prototype of class k, τ the temperature, ε the norm guard.
 *
 * **Input shape**: `[B, C]` float32. **Output shape**: `[B, K]` float32.
 *
 * @example
 * ```ts
 * const head = new PrototypeHead({ units: 2 });
 * const logits = head.apply(tf.randomNormal([8, 32])) as tf.Tensor; // [8, 2]
 * ```
 *
 * @throws InvalidArgumentError for a non-integer or non-positive `units`, or a non-positive
 *   `temperature` or `epsilon`.
 * @throws ShapeMismatchError when the input is not rank 2.
 *
 * Differs from the paper: SRML compares with class prototypes averaged over a few-shot support
 * set; here each class has one learned prototype, because a churn model has no support set at
 * prediction time.
 */
export class PrototypeHead extends tfl.layers.Layer {
  static readonly className = 'PrototypeHead';

  readonly units: number;
  readonly temperature: number;
  readonly epsilon: number;

  private prototypes: tfl.LayerVariable | undefined;

  constructor(args: PrototypeHeadArgs = {}) {
    super(args);
    const units = args.units ?? 2;
    const temperature = args.temperature ?? 0.2;
    const epsilon = args.epsilon ?? 1e-8;

    this.units = requireInteger('PrototypeHead', 'units', units);
    this.temperature = requireNumberInRange('PrototypeHead', 'temperature', temperature, {
      min: 0,
      minExclusive: true,
    });
    this.epsilon = requireNumberInRange('PrototypeHead', 'epsilon', epsilon, { min: 1e-18 });
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = inputShape as tfl.Shape;
    if (shape.length !== 2 || shape[1] == null) {
      throw new ShapeMismatchError(
        `PrototypeHead: input must be [B, C] with a known C; received ${JSON.stringify(shape)}.`,
      );
    }
    const channels = shape[1];
    this.prototypes = this.addWeight('prototypes', [this.units, channels], 'float32', torchUniform(channels));
    this.inputSpec = [{ ndim: 2, axes: { [-1]: channels } }];
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = inputShape as tfl.Shape;
    return [shape[0] ?? null, this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      const prototypes = (this.prototypes as tfl.LayerVariable).read();

      // [B, C] and [K, C], unit rows.
      const features = l2Normalize(x, this.epsilon);
      const anchors = l2Normalize(prototypes, this.epsilon);

      // [B, K].
      return tf.div(tf.matMul(features, anchors, false, true), this.temperature);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, temperature: this.temperature, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(PrototypeHead);
