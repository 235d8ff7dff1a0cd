/**
 * Custom-gradient wrapper shared by the products whose gradients avoid tfjs's flagged
 * (transposed) matMuls, which the wasm backend runs slowly.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Builds the op y = product(a, b) with the gradients dA = product(dy, swap(b)) and
 * dB = product(swap(a), dy), where `swap` transposes the two inner axes of its input. Both
 * operands are saved for the backward pass and both gradients are always computed.
 */
export function explicitProductGrad<T extends tf.Tensor>(product: (a: T, b: T) => T, swap: (x: T) => T): (a: T, b: T) => T {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const a = args[0] as T;
    const b = args[1] as T;
    const save = args[2] as tf.GradSaveFunc;
    save([a, b]);
    return {
      value: product(a, b),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [savedA, savedB] = saved as [T, T];
        const upstream = dy as T;
        return [product(upstream, swap(savedB)), product(swap(savedA), upstream)];
      },
    };
  });
  return (a, b) => op(a, b) as T;
}
