/**
 * Channel centring: at every position, subtract the mean over the channel (last) axis.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Returns `x − mean_c(x)` along the last axis. Shapes: `[..., C]` → `[..., C]`. */
export function centerChannels(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(x, tf.mean(x, -1, true)));
}
