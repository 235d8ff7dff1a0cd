/**
 * 2-D matMul with the value of `tf.matMul` and a gradient built from explicit transposes and
 * plain products, because the wasm backend runs tfjs's flagged (transposed) products slowly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from '../errors';
import { explicitProductGrad } from './explicit-product-grad';
import { transpose2d } from './transpose-2d';

/**
 * matMul whose gradient is built from explicit transposes and plain matMuls. tfjs 4.22's own
 * BatchMatMul gradient passes `transposeA`/`transposeB` flags. The wasm backend runs flagged
 * products up to 15× slower than an explicit transpose followed by a plain product (measured
 * on [4096, 256] x [256, 256]). On the cpu backend both forms cost the same.
 */
const matMulExplicitGradImpl = explicitProductGrad<tf.Tensor2D>((a, b) => tf.matMul(a, b), transpose2d);

/**
 * Returns a·b for 2-D `a` `[M, K]` and `b` `[K, P]`, with the same value and gradients as
 * `tf.matMul(a, b)` but a gradient that avoids flagged (transposed) products, which are slow
 * on the wasm backend. Both gradients are always computed, so keep it for products where
 * both operands need one or the constant operand is small.
 */
export function matMulExplicitGrad(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matMulExplicitGradImpl(a, b);
}

/**
 * Returns a·b for 2-D `a` `[M, K]` and `b` `[K, P]` with a gradient for `b` only. `a` is
 * treated as a constant, such as a graph's node features, and gets no gradient at all, so use
 * it only where no path from the loss needs one. b's gradient is computed as (dyᵀ·a)ᵀ, so the
 * wasm backend packs `a` `[M, K]` as the right operand instead of dy `[M, P]`. That is cheaper
 * when K < P, as for GAT's first layer (K = 25 features, P = 128).
 */
export function matMulConstantLeft(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2) {
    throw new ShapeMismatchError(
      `matMulConstantLeft: \`a\` and \`b\` must be 2-D; received shapes ${JSON.stringify(a.shape)} and ${JSON.stringify(b.shape)}. Reshape them to matrices first.`,
    );
  }
  const product = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const weight = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    // Saved (kept past the caller's tidy) because the gradient reads it after the forward pass.
    save([a]);
    return {
      value: tf.matMul(a, weight),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        transpose2d(tf.matMul(transpose2d(dy as tf.Tensor2D), saved[0] as tf.Tensor2D)),
    };
  });
  return product(b) as tf.Tensor2D;
}
