/**
 * One-channel 1-D 'same' convolution along the last axis, built from constant shift matrices
 * and matMul so that its kernel gradient works on every tfjs backend (tfjs 4.22's wasm backend
 * has no filter gradient for `conv1d`/`conv2d`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from '../errors';

/**
 * Shift matrices as plain arrays, keyed by `${length}x${kernelSize}`, one entry per distinct
 * (L, k) pair seen. They are arrays rather than tensors, so no tensor outlives a call. Each call
 * turns its array into a tensor inside its own `tidy`.
 */
const shiftCache = new Map<string, Float32Array>();

function shiftMatrices(length: number, kernelSize: number): Float32Array {
  const key = `${length}x${kernelSize}`;
  const cached = shiftCache.get(key);
  if (cached !== undefined) {
    return cached;
  }

  // Entry [j, ℓ', ℓ] is 1 iff ℓ' = ℓ + j − p, so column ℓ of Σ_j κ_j E_j picks the inputs under
  // the kernel centred at ℓ. Positions outside [0, L) stay 0, which is the zero padding.
  const pad = (kernelSize - 1) / 2;
  const values = new Float32Array(kernelSize * length * length);
  for (let j = 0; j < kernelSize; j++) {
    for (let out = 0; out < length; out++) {
      const source = out + j - pad;
      if (source >= 0 && source < length) {
        values[(j * length + source) * length + out] = 1;
      }
    }
  }
  shiftCache.set(key, values);
  return values;
}

/**
 * Convolves each row of `q` with `kernel` (cross-correlation, no flip), zero-padded to keep
 * the length.
 *
 * ```
 * y[b, ℓ] = Σ_{j=0}^{k−1} κ[j] · q[b, ℓ + j − p],   p = (k − 1)/2
 * ```
 *
 * q[b, m] is taken as 0 for m outside [0, L). This is PyTorch's `Conv1d(1, 1, k, padding=p,
 * bias=False)`. It is computed as y = q · T with T = Σ_j κ[j]·E_j, where E_j ∈ {0,1}^{L×L} are
 * constant shift matrices, so only `reshape` and `matMul` are used and both q and κ receive
 * gradients on the cpu and wasm backends.
 *
 * Shapes: `q` `[B, L]`, `kernel` `[k]` with k odd → `[B, L]`. k may exceed L; the taps that
 * fall outside the row then see only padding.
 *
 * @throws ShapeMismatchError if `q` is not rank 2 or `kernel` is not rank 1.
 * @throws InvalidArgumentError if the kernel length is even.
 *
 * @example
 * ```ts
 * const q = tf.tensor2d([[1, 2, 3]]);
 * conv1dShift(q, tf.tensor1d([1, 0, -1])); // [[-2, -2, 2]]
 * ```
 */
export function conv1dShift(q: tf.Tensor, kernel: tf.Tensor): tf.Tensor2D {
  if (q.rank !== 2) {
    throw new ShapeMismatchError(
      `conv1dShift: \`q\` must have rank 2 [B, L]; received shape ${JSON.stringify(q.shape)}. ` +
        'Reshape the input so the convolved axis is last.',
    );
  }
  if (kernel.rank !== 1) {
    throw new ShapeMismatchError(
      `conv1dShift: \`kernel\` must have rank 1 [k]; received shape ${JSON.stringify(kernel.shape)}.`,
    );
  }
  const length = q.shape[1] as number;
  const kernelSize = kernel.shape[0] as number;
  if (kernelSize % 2 !== 1) {
    throw new InvalidArgumentError(
      `conv1dShift: the kernel length must be odd for symmetric 'same' padding; received ${kernelSize}. ` +
        'Use a kernel of length 1, 3, 5, ...',
    );
  }

  return tf.tidy(() => {
    const shifts = tf.tensor2d(shiftMatrices(length, kernelSize), [kernelSize, length * length]);

    // T = Σ_j κ[j] E_j as one matMul: [1, k] · [k, L·L] → [L, L].
    const toeplitz = tf.reshape(tf.matMul(tf.reshape(kernel, [1, kernelSize]), shifts), [length, length]);

    // [B, L] · [L, L] → [B, L].
    return tf.matMul(q as tf.Tensor2D, toeplitz as tf.Tensor2D);
  });
}
