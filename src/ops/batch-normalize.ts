/**
 * Per-channel batch normalisation of a tensor of any rank, by reshaping to `[M, C]` first.
 * tfjs 4.22's `batchNorm` gradient throws above rank 4; per-channel statistics do not change
 * under this reshape, so the result is exact.
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

/** Returns `γ · (x − mean) / sqrt(variance + ε) + β` over the last axis of `x`, any rank. */
export function batchNormalize(x: tf.Tensor, args: BatchNormalizeArgs): tf.Tensor {
  return tf.tidy(() => {
    const channels = x.shape[x.rank - 1] as number;
    const flat = tf.reshape(x, [-1, channels]) as tf.Tensor2D;
    const y = tf.batchNorm(flat, args.mean, args.variance, args.beta, args.gamma, args.epsilon);
    return tf.reshape(y, x.shape);
  });
}

/** Batch mean and biased variance over every axis except the last; each of shape `[C]`. */
export function channelMoments(x: tf.Tensor): { mean: tf.Tensor1D; variance: tf.Tensor1D; count: number } {
  const channels = x.shape[x.rank - 1] as number;
  const count = x.size / channels;
  const { mean, variance } = tf.tidy(() => tf.moments(tf.reshape(x, [-1, channels]), 0));
  return { mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D, count };
}
