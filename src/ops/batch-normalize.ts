/**
 * Per-channel batch normalisation of a tensor of any rank (channels last), built from
 * broadcasting elementwise ops, so it works above rank 4 where tfjs 4.22's `batchNorm` gradient
 * throws.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface BatchNormalizeArgs {
  /** Scale γ, shape `[C]`. */
  gamma: tf.Tensor;
  /** Offset β, shape `[C]`. */
  beta: tf.Tensor;
  /** Mean to subtract, shape `[C]` (the batch mean in training, the moving mean otherwise). */
  mean: tf.Tensor;
  /** Variance, shape `[C]` (biased batch variance in training, the moving variance otherwise). */
  variance: tf.Tensor;
  /** Added to the variance inside the square root. */
  epsilon: number;
}

/**
 * Returns `γ · (x − mean) / sqrt(variance + ε) + β` over the last axis of `x`, any rank.
 *
 * Written as one multiply and one add with per-channel vectors, `x · s + (β − mean · s)` with
 * `s = γ / sqrt(variance + ε)`, instead of `tf.batchNorm`: the gradient of tfjs 4.22's fused
 * batch norm tiles mean, variance and scale to the full input shape, which made it the most
 * expensive kernel of a training step on wasm.
 */
export function batchNormalize(x: tf.Tensor, args: BatchNormalizeArgs): tf.Tensor {
  return tf.tidy(() => {
    const scale = tf.mul(args.gamma, tf.rsqrt(tf.add(args.variance, args.epsilon)));
    const shift = tf.sub(args.beta, tf.mul(args.mean, scale));
    return tf.add(tf.mul(x, scale), shift);
  });
}

/** Batch mean and biased variance over every axis except the last; each of shape `[C]`. */
export function channelMoments(x: tf.Tensor): { mean: tf.Tensor1D; variance: tf.Tensor1D; count: number } {
  const channels = x.shape[x.rank - 1] as number;
  const count = x.size / channels;
  const { mean, variance } = tf.tidy(() => tf.moments(tf.reshape(x, [-1, channels]), 0));
  return { mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D, count };
}
