/**
 * Neighbourhood unfold (patch extraction) of a small feature map as one matMul with a constant
 * 0/1 selection matrix. tfjs 4.22 has no patch-extraction op, and `gather` has no gradient on
 * the wasm backend, so this form is the one that trains on cpu and wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { transpose2d } from './transpose-2d';
import { InvalidArgumentError, ShapeMismatchError } from '../errors';
import { requireInteger } from '../validate';

/**
 * selection·x with a zero gradient for the constant selection and an explicit transpose in the
 * gradient for x. tfjs 4.22's own matMul gradient uses a `transposeA` product, which the wasm
 * backend runs several times slower than a transpose followed by a plain product.
 */
const selectRows = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const selection = args[0] as tf.Tensor2D;
  const x = args[1] as tf.Tensor2D;
  const save = args[2] as tf.GradSaveFunc;
  save([selection]);
  return {
    value: tf.matMul(selection, x),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const savedSelection = saved[0] as tf.Tensor2D;
      return [tf.zerosLike(savedSelection), tf.matMul(transpose2d(savedSelection), dy as tf.Tensor2D)];
    },
  };
});

/** Geometry of an unfold: an H × W map and a U × U window centred on each position. */
export interface UnfoldGrid {
  /** Map height H. */
  height: number;
  /** Map width W. */
  width: number;
  /** Window side U; odd, so the window has a centre. Zero padding is (U − 1)/2. */
  windowSize: number;
}

function checkGrid(owner: string, grid: UnfoldGrid): void {
  requireInteger(owner, 'height', grid.height);
  requireInteger(owner, 'width', grid.width);
  requireInteger(owner, 'windowSize', grid.windowSize);
  if (grid.windowSize % 2 === 0) {
    throw new InvalidArgumentError(
      `${owner}: \`windowSize\` must be odd so the window has a centre; received ${JSON.stringify(grid.windowSize)}. Use 3, 5, 7, ...`,
    );
  }
}

/**
 * Builds the selection matrix S ∈ {0,1}^{(N·U²) × N}, N = H·W, row-major as a plain array.
 *
 * Row r = n·U² + u·U + v (n = i·W + j) has a single 1 in column (i + u − p)·W + (j + v − p),
 * p = (U − 1)/2, when that position lies inside the map; otherwise the row is all zeros, which
 * is the zero padding.
 *
 * @throws InvalidArgumentError if a size is not a positive integer or `windowSize` is even.
 */
export function buildUnfoldSelection(grid: UnfoldGrid): Float32Array {
  checkGrid('buildUnfoldSelection', grid);
  const { height, width, windowSize } = grid;
  const positions = height * width;
  const taps = windowSize * windowSize;
  const pad = (windowSize - 1) / 2;
  const values = new Float32Array(positions * taps * positions);

  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      const n = i * width + j;
      for (let u = 0; u < windowSize; u++) {
        const row = i + u - pad;
        if (row < 0 || row >= height) {
          continue;
        }
        for (let v = 0; v < windowSize; v++) {
          const col = j + v - pad;
          if (col < 0 || col >= width) {
            continue;
          }
          const r = n * taps + u * windowSize + v;
          values[r * positions + row * width + col] = 1;
        }
      }
    }
  }
  return values;
}

/**
 * Creates the selection matrix of {@link buildUnfoldSelection} as a `[N·U², N]` float32 tensor.
 * The caller owns it: a layer creates it once in `build` and disposes it in `dispose()`.
 */
export function createUnfoldSelection(grid: UnfoldGrid): tf.Tensor2D {
  const positions = grid.height * grid.width;
  const values = buildUnfoldSelection(grid);
  return tf.tensor2d(values, [positions * grid.windowSize * grid.windowSize, positions], 'float32');
}

/**
 * Gathers the U × U neighbourhood of every map position, with zeros outside the map.
 *
 * ```
 * y[b, n, t, c] = x[b, i + u − p, j + v − p, c]   if that position is inside the map, else 0
 * n = i·W + j,   t = u·U + v,   p = (U − 1)/2
 * ```
 *
 * Computed as one 2-D matMul: x is transposed to `[N, B·C]`, multiplied by the constant
 * selection matrix S `[N·U², N]`, and transposed back. Forward and backward are plain matMuls;
 * S is treated as a constant and gets a zero gradient. Cost: U²·N²·C multiply-adds per
 * sample, so prefer it for maps up to about 8 × 8.
 *
 * Shapes: `x` `[B, H, W, C]` or `[B, N, C]`, `selection` `[N·U², N]` → `[B, N, U², C]`.
 *
 * @throws ShapeMismatchError if `x` is not rank 3 or 4, or its positions do not match the
 *   selection matrix.
 *
 * @example
 * ```ts
 * const grid = { height: 4, width: 4, windowSize: 5 };
 * const selection = createUnfoldSelection(grid);
 * const patches = unfold(tf.ones([2, 4, 4, 3]), selection, grid.windowSize); // [2, 16, 25, 3]
 * selection.dispose();
 * ```
 */
export function unfold(x: tf.Tensor, selection: tf.Tensor2D, windowSize: number): tf.Tensor4D {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new ShapeMismatchError(
      `unfold: \`x\` must have shape [B, H, W, C] or [B, N, C]; received shape ${JSON.stringify(x.shape)}. Reshape the map first.`,
    );
  }
  const taps = windowSize * windowSize;
  const batch = x.shape[0] as number;
  const channels = x.shape[x.rank - 1] as number;
  const positions = x.size / Math.max(1, batch * channels);
  const [rows, columns] = selection.shape;
  if (columns !== positions || rows !== positions * taps) {
    throw new ShapeMismatchError(
      `unfold: \`x\` of shape ${JSON.stringify(x.shape)} has ${positions} positions, but the selection matrix of shape ${JSON.stringify(selection.shape)} expects ${columns} positions and a ${windowSize} x ${windowSize} window. Build the selection matrix for this map size.`,
    );
  }

  return tf.tidy(() => {
    // [B, N, C] -> [N, B·C]: the positions become the rows that S selects from.
    const byPosition = tf.reshape(tf.transpose(tf.reshape(x, [batch, positions, channels]), [1, 0, 2]), [
      positions,
      batch * channels,
    ]);

    // [N·U², N] x [N, B·C] -> [N, U², B, C] -> [B, N, U², C].
    const gathered = tf.reshape(selectRows(selection, byPosition) as tf.Tensor2D, [positions, taps, batch, channels]);
    return tf.transpose(gathered, [2, 0, 1, 3]) as tf.Tensor4D;
  });
}
