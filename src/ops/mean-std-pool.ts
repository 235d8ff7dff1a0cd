/**
 * Mean and unbiased standard-deviation pooling over chosen axes, the squeeze statistics of the
 * MCA gates (Yu et al., 2023, reference code `MCAGate`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from '../errors';

/** Pooled statistics; each has the shape of the input with the pooled axes removed. */
export interface MeanStdPoolResult {
  /** Mean over the pooled axes. */
  mean: tf.Tensor;
  /** Unbiased standard deviation over the pooled axes, with ε inside the square root. */
  std: tf.Tensor;
}

/**
 * Computes the mean and the unbiased standard deviation of `x` over `axes`.
 *
 * ```
 * mean = (1/n) Σ x
 * std  = sqrt( (1/(n − 1)) Σ (x − mean)² + ε )
 * ```
 *
 * n is the number of entries pooled into each output value, i.e. the product of the sizes of
 * `axes`. PyTorch's `torch.std` divides by n − 1 in the same way but adds no ε. The ε keeps the
 * gradient finite on a constant slab, where the variance is 0 and the derivative of the square
 * root would be infinite.
 *
 * Shapes: `x` of any rank; `mean` and `std` have the shape of `x` without `axes`.
 *
 * @param x - input tensor.
 * @param axes - distinct axes to pool over; negative values count from the end.
 * @param epsilon - added to the unbiased variance inside the square root; must be >= 0.
 * @returns `{mean, std}`, both float32.
 * @throws InvalidArgumentError if an axis is out of range or repeated, if `epsilon` is
 *   negative, or if fewer than 2 entries are pooled (n < 2), where the unbiased variance is
 *   undefined.
 *
 * @example
 * ```ts
 * const x = tf.tensor3d([[[1, 2], [3, 4]]]); // [1, 2, 2]
 * const { mean, std } = meanStdPool(x, [1, 2]); // mean [2.5], std [sqrt(5/3 + 1e-5)]
 * ```
 */
export function meanStdPool(x: tf.Tensor, axes: number[], epsilon = 1e-5): MeanStdPoolResult {
  const resolved = resolveAxes(x, axes);
  if (!(typeof epsilon === 'number' && Number.isFinite(epsilon) && epsilon >= 0)) {
    throw new InvalidArgumentError(
      `meanStdPool: \`epsilon\` must be a finite number >= 0; received ${JSON.stringify(epsilon)}.`,
    );
  }

  const count = resolved.reduce((product, axis) => product * (x.shape[axis] as number), 1);
  if (count < 2) {
    throw new InvalidArgumentError(
      `meanStdPool: pooling axes ${JSON.stringify(axes)} of shape ${JSON.stringify(x.shape)} ` +
        `cover ${count} entries, but the unbiased standard deviation needs at least 2. ` +
        'Pool over larger axes or use a larger input.',
    );
  }

  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, resolved);
    // tf.moments returns the biased variance (divides by n); rescale to divide by n − 1.
    const unbiased = tf.mul(variance, count / (count - 1));
    const std = tf.sqrt(tf.add(unbiased, epsilon));
    return { mean, std };
  });
}

function resolveAxes(x: tf.Tensor, axes: number[]): number[] {
  if (!Array.isArray(axes) || axes.length === 0) {
    throw new InvalidArgumentError(
      `meanStdPool: \`axes\` must be a non-empty array of axis indices; received ${JSON.stringify(axes)}.`,
    );
  }
  const resolved = axes.map((axis) => {
    if (!Number.isInteger(axis) || axis < -x.rank || axis >= x.rank) {
      throw new InvalidArgumentError(
        `meanStdPool: axis ${JSON.stringify(axis)} in \`axes\` is out of range for an input of ` +
          `rank ${x.rank} (shape ${JSON.stringify(x.shape)}); use integers in [${-x.rank}, ${x.rank - 1}].`,
      );
    }
    return axis < 0 ? axis + x.rank : axis;
  });
  if (new Set(resolved).size !== resolved.length) {
    throw new InvalidArgumentError(
      `meanStdPool: \`axes\` must not repeat an axis; received ${JSON.stringify(axes)} ` +
        `for an input of rank ${x.rank}.`,
    );
  }
  return resolved;
}
