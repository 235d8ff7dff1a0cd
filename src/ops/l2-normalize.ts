/**
 * L2 normalisation along the last axis whose gradient stays finite at the zero vector.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Returns `x / sqrt(max(Σ x², ε²))` along the last axis, which equals `x / max(‖x‖₂, ε)`
 * (PyTorch's `F.normalize`). Unlike `x / max(norm(x), ε)`, its gradient is finite (zero) at an
 * all-zero vector, because the square root never sees 0.
 *
 * Shapes: `x` `[..., C]` → `[..., C]`.
 *
 * @param epsilon - lower bound on the norm; ε² must stay a normal float32, so ε ≥ 1e-18.
 */
export function l2Normalize(x: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.tidy(() => {
    const squaredNorm = tf.sum(tf.square(x), -1, true);
    const safe = tf.maximum(squaredNorm, epsilon * epsilon);
    return tf.mul(x, tf.rsqrt(safe));
  });
}
