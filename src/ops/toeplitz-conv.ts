/**
 * Small-map k × k convolution as one matMul with a dense (Toeplitz) weight. On tfjs 4.22 the
 * wasm backend has no filter gradient for `conv2d` and a wrong input gradient for `conv3d`,
 * while matMul and transpose train correctly on cpu and wasm; on maps of a few dozen
 * positions the dense weight stays small.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from '../errors';
import { requireInteger, requireOneOf } from '../validate';
import { matMulExplicitGrad } from './matmul-explicit-grad';

/** Zero padding mode: 'same' keeps H × W (k odd), 'valid' gives (H − k + 1) × (W − k + 1). */
export type ToeplitzPadding = 'same' | 'valid';

/** Geometry of one convolution over an H × W grid. */
export interface ToeplitzGrid {
  /** Input height H. */
  height: number;
  /** Input width W. */
  width: number;
  /** Kernel side k. Odd for 'same'; at most min(H, W) for 'valid'. */
  kernelSize: number;
  /** Zero padding mode. */
  padding: ToeplitzPadding;
}

/** Output height and width of a convolution over `grid`. */
export function toeplitzOutputSize(grid: ToeplitzGrid): { height: number; width: number } {
  if (grid.padding === 'same') {
    return { height: grid.height, width: grid.width };
  }
  return { height: grid.height - grid.kernelSize + 1, width: grid.width - grid.kernelSize + 1 };
}

function checkGrid(owner: string, grid: ToeplitzGrid): void {
  requireInteger(owner, 'height', grid.height);
  requireInteger(owner, 'width', grid.width);
  requireInteger(owner, 'kernelSize', grid.kernelSize);
  requireOneOf(owner, 'padding', grid.padding, ['same', 'valid'] as const);
  if (grid.padding === 'same' && grid.kernelSize % 2 === 0) {
    throw new InvalidArgumentError(
      `${owner}: \`kernelSize\` must be odd with 'same' padding; received ${JSON.stringify(grid.kernelSize)}. Use an odd kernel or 'valid' padding.`,
    );
  }
  if (grid.padding === 'valid' && grid.kernelSize > Math.min(grid.height, grid.width)) {
    throw new InvalidArgumentError(
      `${owner}: \`kernelSize\` ${JSON.stringify(grid.kernelSize)} exceeds the ${grid.height} x ${grid.width} grid with 'valid' padding. Use a smaller kernel or 'same' padding.`,
    );
  }
}

/**
 * Builds the constant tap-selection matrix T ∈ {0,1}^{(N_out·N_in) × k²} as a plain array.
 *
 * T[n_out·N_in + n_in, a·k + b] = 1 when input position n_in sits under kernel tap (a, b) of
 * output position n_out, i.e. (i_in, j_in) = (i_out + a − p, j_out + b − p) with p = (k − 1)/2
 * for 'same' and p = 0 for 'valid'. Positions are row-major (n = i·W + j). Taps that fall
 * outside the map leave their entry 0, which is the zero padding.
 *
 * @throws InvalidArgumentError if a size is not a positive integer, the padding is unknown,
 *   `kernelSize` is even with 'same' padding, or larger than the grid with 'valid' padding.
 */
export function buildToeplitzTaps(grid: ToeplitzGrid): Float32Array {
  checkGrid('buildToeplitzTaps', grid);
  const { height, width, kernelSize } = grid;
  const out = toeplitzOutputSize(grid);
  const pad = grid.padding === 'same' ? (kernelSize - 1) / 2 : 0;
  const inputPositions = height * width;
  const taps = kernelSize * kernelSize;
  const values = new Float32Array(out.height * out.width * inputPositions * taps);

  for (let i = 0; i < out.height; i++) {
    for (let j = 0; j < out.width; j++) {
      const nOut = i * out.width + j;
      for (let a = 0; a < kernelSize; a++) {
        const row = i + a - pad;
        if (row < 0 || row >= height) {
          continue;
        }
        for (let b = 0; b < kernelSize; b++) {
          const col = j + b - pad;
          if (col < 0 || col >= width) {
            continue;
          }
          const nIn = row * width + col;
          values[(nOut * inputPositions + nIn) * taps + a * kernelSize + b] = 1;
        }
      }
    }
  }
  return values;
}

/**
 * Creates T of {@link buildToeplitzTaps} as a `[N_out·N_in, k²]` float32 tensor. The caller owns
 * it: a layer creates it once in `build` and disposes it in `dispose()`.
 */
export function createToeplitzTaps(grid: ToeplitzGrid): tf.Tensor2D {
  const values = buildToeplitzTaps(grid);
  const out = toeplitzOutputSize(grid);
  const taps = grid.kernelSize * grid.kernelSize;
  return tf.tensor2d(values, [out.height * out.width * grid.height * grid.width, taps], 'float32');
}

/**
 * Expands a kernel into the dense weight D `[N_in·c_in, N_out·c_out]` of the convolution, so
 * that y = x·D. D is built with one matMul and one transpose, both of which pass gradients to
 * the kernel on every backend.
 *
 * Shapes: `taps` `[N_out·N_in, k²]`, `kernel` `[k, k, c_in, c_out]` (the tfjs `conv2d` layout)
 * → `[N_in·c_in, N_out·c_out]`.
 *
 * @throws ShapeMismatchError if the kernel is not rank 4, not k × k, or `taps` does not match
 *   the grid.
 */
export function toeplitzWeight(taps: tf.Tensor2D, kernel: tf.Tensor, grid: ToeplitzGrid): tf.Tensor2D {
  const out = toeplitzOutputSize(grid);
  const inputPositions = grid.height * grid.width;
  const outputPositions = out.height * out.width;
  const k = grid.kernelSize;
  if (kernel.rank !== 4 || kernel.shape[0] !== k || kernel.shape[1] !== k) {
    throw new ShapeMismatchError(
      `toeplitzWeight: \`kernel\` must have shape [${k}, ${k}, c_in, c_out]; received ${JSON.stringify(kernel.shape)}. Pass a kernel in the tfjs conv2d layout.`,
    );
  }
  if (taps.shape[0] !== outputPositions * inputPositions || taps.shape[1] !== k * k) {
    throw new ShapeMismatchError(
      `toeplitzWeight: \`taps\` of shape ${JSON.stringify(taps.shape)} does not match the grid ${JSON.stringify(grid)}, which needs [${outputPositions * inputPositions}, ${k * k}]. Build it with createToeplitzTaps(grid).`,
    );
  }
  const inChannels = kernel.shape[2] as number;
  const outChannels = kernel.shape[3] as number;

  return tf.tidy(() => {
    // [N_out·N_in, k²] x [k², c_in·c_out] -> [N_out, N_in, c_in, c_out].
    const flatKernel = tf.reshape(kernel, [k * k, inChannels * outChannels]);
    const dense = tf.reshape(tf.matMul(taps, flatKernel), [outputPositions, inputPositions, inChannels, outChannels]);

    // -> [N_in, c_in, N_out, c_out], so rows index the input (position, channel) pairs.
    const ordered = tf.transpose(dense, [1, 2, 0, 3]);
    return tf.reshape(ordered, [inputPositions * inChannels, outputPositions * outChannels]) as tf.Tensor2D;
  });
}

/**
 * Applies a k × k convolution (cross-correlation, zero padding, stride 1, no bias) to every
 * row of `x`, as y = x·D with D from {@link toeplitzWeight}.
 *
 * ```
 * y[m, i, j, o] = Σ_{a,b < k} Σ_{c < c_in} x[m, i + a − p, j + b − p, c] · K[a, b, c, o]
 * ```
 *
 * x[m, i′, j′, c] is 0 outside the grid; p = (k − 1)/2 for 'same' and 0 for 'valid'. It costs
 * N_in·N_out·c_in·c_out multiply-adds per row, N_in/k² times a direct convolution ('same'),
 * but as one large matMul it is the fastest form on the wasm backend for maps up to about 8 × 8.
 *
 * Shapes: `x` `[M, H·W·c_in]` → `[M, H_out·W_out·c_out]`, or `x` `[M, H, W, c_in]` →
 * `[M, H_out, W_out, c_out]`; `kernel` `[k, k, c_in, c_out]`; `taps` from
 * {@link createToeplitzTaps} for the same grid.
 *
 * @throws ShapeMismatchError if `x` does not match the grid and the kernel's input channels.
 *
 * @example
 * ```ts
 * const grid = { height: 4, width: 4, kernelSize: 3, padding: 'same' as const };
 * const taps = createToeplitzTaps(grid);
 * const y = toeplitzConv2d(tf.ones([2, 4, 4, 1]), tf.ones([3, 3, 1, 5]), taps, grid); // [2, 4, 4, 5]
 * taps.dispose();
 * ```
 */
export function toeplitzConv2d(x: tf.Tensor, kernel: tf.Tensor, taps: tf.Tensor2D, grid: ToeplitzGrid): tf.Tensor {
  const inChannels = kernel.shape[2] as number;
  const outChannels = kernel.shape[3] as number;
  const rowLength = grid.height * grid.width * inChannels;
  const shapeOk =
    (x.rank === 2 && x.shape[1] === rowLength) ||
    (x.rank === 4 && x.shape[1] === grid.height && x.shape[2] === grid.width && x.shape[3] === inChannels);
  if (!shapeOk) {
    throw new ShapeMismatchError(
      `toeplitzConv2d: \`x\` must have shape [M, ${rowLength}] or [M, ${grid.height}, ${grid.width}, ${inChannels}] for this grid and kernel; received ${JSON.stringify(x.shape)}.`,
    );
  }
  const out = toeplitzOutputSize(grid);

  return tf.tidy(() => {
    const rows = x.shape[0] as number;
    const weight = toeplitzWeight(taps, kernel, grid);
    const y = matMulExplicitGrad(tf.reshape(x, [rows, rowLength]) as tf.Tensor2D, weight);
    return x.rank === 2 ? y : tf.reshape(y, [rows, out.height, out.width, outChannels]);
  });
}
