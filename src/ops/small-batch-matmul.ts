/**
 * Batched products of many small matrices, `[C, n, m]·[C, m, p]`. In one measured run on the
 * wasm backend of tfjs 4.22, a BatchMatMul with more than one batch entry reached 1.8 GFLOP/s
 * at every size tried, and a depthwise convolution computing the same products 7 GFLOP/s. So on
 * wasm this op runs each product, forward and backward, as one depthwise convolution. Other
 * backends use `tf.matMul`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from '../errors';
import { explicitProductGrad } from './explicit-product-grad';
import { transpose2d } from './transpose-2d';

/**
 * Computes C products `[n, m]·[m, p]` as one depthwise convolution. Each of the C channels is one
 * product. The left operand is laid out as an image `[1, n, m, C]` and the right one as a
 * `1 × m` filter with p outputs per channel `[1, m, C, p]`. A 'valid' convolution then gives
 * `out[0, i, 0, c·p + q] = Σ_j a[c, i, j]·b[c, j, q]`.
 *
 * Shapes: `a` `[C, n, m]`, `b` `[C, m, p]` → `[C, n, p]`.
 */
function depthwiseProduct(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [channels, n, m] = a.shape;
  const p = b.shape[2];
  // [C, n, m] → [n·m, C] is a 2-D transpose of [C, n·m].
  const image = tf.reshape(transpose2d(tf.reshape(a, [channels, n * m]) as tf.Tensor2D), [1, n, m, channels]) as tf.Tensor4D;
  const filter = tf.reshape(tf.transpose(b, [1, 0, 2]), [1, m, channels, p]) as tf.Tensor4D;
  const out = tf.depthwiseConv2d(image, filter, 1, 'valid');
  // [1, n, 1, C·p] → [n, C, p] → [C, n, p].
  return tf.transpose(tf.reshape(out, [n, channels, p]), [1, 0, 2]) as tf.Tensor3D;
}

/** Swaps the two inner axes: `[C, r, s]` → `[C, s, r]`. */
function swapInner(x: tf.Tensor3D): tf.Tensor3D {
  return tf.transpose(x, [0, 2, 1]) as tf.Tensor3D;
}

// dA = dY·Bᵀ `[C, n, m]` and dB = Aᵀ·dY `[C, m, p]`, also as depthwise convolutions.
const depthwiseBatchMatMul = explicitProductGrad<tf.Tensor3D>(depthwiseProduct, swapInner);

/**
 * Returns the C products a[c]·b[c] for `a` `[C, n, m]` and `b` `[C, m, p]` → `[C, n, p]`,
 * with the value and gradients of `tf.matMul(a, b)` up to float rounding. On the wasm backend
 * the products and both gradients run as depthwise convolutions. In one measured run on wasm,
 * 256 products of `[32, 32]·[32, 16]` took 2.5 ms this way, layout changes included, against
 * 4.9 ms with `tf.matMul`. Other backends use `tf.matMul`.
 *
 * @throws InvalidArgumentError if an operand is not a float32 tensor.
 * @throws ShapeMismatchError if either operand is not rank 3, or the batch or inner sizes differ.
 */
export function smallBatchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (!(a instanceof tf.Tensor) || !(b instanceof tf.Tensor)) {
    throw new InvalidArgumentError('smallBatchMatMul: `a` and `b` must be tensors. Wrap arrays with tf.tensor3d(values).');
  }
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new InvalidArgumentError(
      `smallBatchMatMul: \`a\` and \`b\` must be float32; received ${a.dtype} and ${b.dtype}. Cast them with tf.cast(t, 'float32').`,
    );
  }
  if (a.rank !== 3 || b.rank !== 3 || a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new ShapeMismatchError(
      `smallBatchMatMul: \`a\` and \`b\` must have shapes [C, n, m] and [C, m, p]; received ${JSON.stringify(a.shape)} and ${JSON.stringify(b.shape)}. Reshape both to rank 3 with the same C and inner size m.`,
    );
  }
  if (tf.getBackend() !== 'wasm' || a.size === 0 || b.size === 0) {
    return tf.matMul(a, b);
  }
  return depthwiseBatchMatMul(a, b);
}
