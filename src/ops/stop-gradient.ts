/**
 * Stop-gradient: tfjs 4.22 has no `stopGradient` op, so this is a `customGrad` identity whose
 * gradient is zero.
 */
import * as tf from '@tensorflow/tfjs-core';

const stopGradientImpl = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  return {
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor),
  };
});

/** Returns a copy of `x` through which no gradient flows. Shapes: unchanged. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stopGradientImpl(x) as T;
}
