/**
 * 2-D transpose that takes the faster kernel path on the wasm backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from '../errors';

/** Row block sizes to try, largest first. A block must divide the row count. */
const ROW_BLOCKS = [64, 32, 16, 8];

/**
 * Returns xᵀ for a 2-D `x`, `[R, K]` → `[K, R]`, with the value and gradient of
 * `tf.transpose(x)`.
 *
 * On the wasm backend (tfjs 4.22) the rank-3 transpose of x viewed as `[R/b, b, K]` with
 * permutation `[2, 0, 1]` gives the same result 1.7 to 9 times faster than the rank-2 kernel,
 * measured on `[25600, 32]`, `[16384, 16]`, `[1024, 256]` and `[1024, 200]` inputs. On the cpu
 * backend the rank-2 kernel is faster, so every other backend gets plain `tf.transpose`.
 *
 * @throws ShapeMismatchError if `x` is not 2-D.
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  if (x.rank !== 2) {
    throw new ShapeMismatchError(
      `transpose2d: \`x\` must be 2-D; received shape ${JSON.stringify(x.shape)}. Use tf.transpose with a permutation for other ranks.`,
    );
  }
  const [rows, columns] = x.shape;
  const block = ROW_BLOCKS.find((size) => rows % size === 0 && rows > size);
  if (tf.getBackend() !== 'wasm' || block === undefined) {
    return tf.transpose(x);
  }
  return tf.tidy(() => {
    const blocked = tf.reshape(x, [rows / block, block, columns]);
    return tf.reshape(tf.transpose(blocked, [2, 0, 1]), [columns, rows]) as tf.Tensor2D;
  });
}
