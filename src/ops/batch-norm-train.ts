/**
 * Training-mode batch normalisation over the rows of a `[M, C]` matrix as one op with a
 * hand-written gradient, so that a BN step records one tape entry instead of about a dozen.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from '../errors';
import { requireNumberInRange } from '../validate';

const OWNER = 'batchNormTrain';

/** Batch statistics of one {@link batchNormTrain} call, each `[C]`. */
export interface BatchStatistics {
  /** Mean over the M rows. */
  mean: tf.Tensor1D;
  /** Biased variance over the M rows (divides by M). */
  variance: tf.Tensor1D;
}

/**
 * Returns `γ · (x − μ) / sqrt(σ² + ε) + β` with μ and σ² the per-column mean and biased
 * variance of `x`, and the exact gradients for x, γ and β:
 *
 * ```
 * x̂ = (x − μ)·r,  r = 1 / sqrt(σ² + ε)
 * dβ = Σ_m dy,  dγ = Σ_m dy·x̂,  dx = γ·r·(dy − dβ/M − x̂·dγ/M)
 * ```
 *
 * The forward pass runs inside one tfjs custom op, so its intermediate products are neither
 * recorded on the gradient tape nor copied for the backward pass. Only x − μ, γ·r and r are
 * kept.
 * `onStatistics`, when given, receives μ and σ² inside that op, for example to advance moving
 * statistics. The tensors are disposed when it returns: keep what you need with `tf.keep`, or
 * write it into a variable.
 *
 * Shapes: `x` `[M, C]`, `gamma` and `beta` `[C]` → `[M, C]`.
 *
 * @throws ShapeMismatchError if `x` is not 2-D with at least one row, or `gamma` or `beta` is
 *   not `[C]`.
 * @throws InvalidArgumentError if `epsilon` is not a finite number >= 0.
 */
export function batchNormTrain(
  x: tf.Tensor2D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onStatistics?: (statistics: BatchStatistics) => void,
): tf.Tensor2D {
  checkShapes(x, gamma, beta);
  requireNumberInRange(OWNER, 'epsilon', epsilon, { min: 0 });
  const [rows, columns] = x.shape;
  const layout = new RowLayout(rows, columns);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, scale, offset] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const mean = tf.div(layout.columnSums(input), rows) as tf.Tensor1D;
    const centred = tf.sub(layout.blocked(input), layout.repeat(mean));
    const variance = tf.div(layout.columnSums(tf.square(centred)), rows) as tf.Tensor1D;
    const inverseStd = tf.rsqrt(tf.add(variance, epsilon)) as tf.Tensor1D;
    const columnScale = tf.mul(scale, inverseStd) as tf.Tensor1D;
    onStatistics?.({ mean, variance });
    save([centred, columnScale, inverseStd]);
    const y = tf.add(tf.mul(centred, layout.repeat(columnScale)), layout.repeat(offset));
    return {
      value: tf.reshape(y, [rows, columns]) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        // With x̂ = (x − μ)·r and s = γ·r: dβ = Σ dy, dγ = r·Σ dy·(x − μ), and
        // dx = s·dy − s·dβ/M − (x − μ)·s·r²·(Σ dy·(x − μ))/M.
        const upstream = layout.blocked(dy as tf.Tensor);
        const [savedCentred, savedScale, savedInverseStd] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
        const dBeta = layout.columnSums(upstream);
        const crossSum = layout.columnSums(tf.mul(upstream, savedCentred));
        const dGamma = tf.mul(crossSum, savedInverseStd);
        const centredWeight = tf.mul(savedScale, tf.div(tf.mul(tf.square(savedInverseStd), crossSum), rows)) as tf.Tensor1D;
        const shift = tf.div(tf.mul(savedScale, dBeta), rows) as tf.Tensor1D;
        const correction = tf.add(tf.mul(savedCentred, layout.repeat(centredWeight)), layout.repeat(shift));
        const dx = tf.sub(tf.mul(upstream, layout.repeat(savedScale)), correction);
        return [tf.reshape(dx, [rows, columns]), dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor2D;
}

/** Throws unless `x` is `[M, C]` with M >= 1 and `gamma` and `beta` are `[C]`. */
function checkShapes(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): void {
  if (x.rank !== 2 || (x.shape[0] as number) < 1) {
    throw new ShapeMismatchError(
      `${OWNER}: \`x\` must have shape [M, C] with M >= 1; received ${JSON.stringify(x.shape)}. Reshape it to [-1, channels] first.`,
    );
  }
  const channels = x.shape[1] as number;
  for (const [name, vector] of [['gamma', gamma], ['beta', beta]] as const) {
    if (vector.rank !== 1 || vector.shape[0] !== channels) {
      throw new ShapeMismatchError(
        `${OWNER}: \`${name}\` must have shape [${channels}] to match the columns of x; received ${JSON.stringify(vector.shape)}.`,
      );
    }
  }
}

/** Smallest matrix, in entries, that {@link RowLayout} regroups. */
const MIN_REGROUPED_SIZE = 65536;
/** Widest regrouped row, in entries. */
const MAX_REGROUPED_ROW = 2048;

/**
 * Layout of the elementwise work of {@link batchNormTrain} on a `[M, C]` matrix.
 *
 * On the wasm backend, with few columns, a product with a `[C]` vector broadcast over M rows
 * is slow, and a reduction over axis 0 transposes its input first. So a large matrix is viewed
 * as `[M/b, b·C]` (b consecutive rows side by side) with the vectors repeated b times, and
 * column sums reduce a `[M/b, b, C]` view in two steps. In one measured run, a forward and
 * backward pass on `[25600, 8]` took 4.0 ms this way against 6.8 ms in the plain layout, and
 * on `[16384, 16]` 4.8 ms against 6.3 ms. Other backends and small inputs keep the plain layout,
 * and other backends sum columns with `tf.sum`.
 */
class RowLayout {
  /** Rows per regrouped row, b; 1 for the plain layout. */
  private readonly block: number;
  /** Whether the wasm backend was active when the layout was made. */
  private readonly onWasm = tf.getBackend() === 'wasm';

  constructor(
    private readonly rows: number,
    private readonly columns: number,
  ) {
    let block = 1;
    if (this.onWasm && rows * columns >= MIN_REGROUPED_SIZE) {
      for (let candidate = 2; candidate * columns <= MAX_REGROUPED_ROW; candidate *= 2) {
        if (rows % candidate === 0) {
          block = candidate;
        }
      }
    }
    this.block = block;
  }

  /** Views `[M, C]` (or its regrouped form) as `[M/b, b·C]`. */
  blocked(x: tf.Tensor): tf.Tensor {
    return this.block === 1 ? tf.reshape(x, [this.rows, this.columns]) : tf.reshape(x, [this.rows / this.block, this.block * this.columns]);
  }

  /** Repeats a `[C]` vector b times, `[b·C]`, to broadcast over the regrouped rows. */
  repeat(vector: tf.Tensor1D): tf.Tensor1D {
    if (this.block === 1) {
      return vector;
    }
    // An outer product with ones: the wasm Tile kernel is far slower on long outputs.
    return tf.reshape(tf.matMul(tf.ones([this.block, 1]), tf.reshape(vector, [1, this.columns])), [-1]) as tf.Tensor1D;
  }

  /** Sums `[M, C]` (in either form) over its rows → `[C]`. */
  columnSums(x: tf.Tensor): tf.Tensor1D {
    const plain = tf.reshape(x, [this.rows, this.columns]) as tf.Tensor2D;
    if (!this.onWasm) {
      // The cpu backend's reduction accumulates in float64, its matMul in float32 blocks.
      return tf.sum(plain, 0) as tf.Tensor1D;
    }
    if (this.block === 1) {
      // xᵀ·1 rather than a reduction over axis 0, which transposes its input first on wasm.
      return tf.reshape(tf.matMul(plain, tf.ones([this.rows, 1]), true, false), [-1]) as tf.Tensor1D;
    }
    const grouped = tf.reshape(x, [this.rows / this.block, this.block, this.columns]);
    return tf.sum(tf.sum(grouped, 1), 0) as tf.Tensor1D;
  }
}
