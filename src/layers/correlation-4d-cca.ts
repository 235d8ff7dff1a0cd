/**
 * 4-D self-correlation of a feature map refined by cross-correlational attention (CCA) and
 * pooled with co-attention: the relational branch of SRML-MCA, after RENet (Kang et al., ICCV
 * 2021) as reused by SRML.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, ShapeMismatchError } from '../errors';
import { centerChannels } from '../ops/center-channels';
import { l2Normalize } from '../ops/l2-normalize';
import { matMulExplicitGrad } from '../ops/matmul-explicit-grad';
import { createToeplitzTaps, toeplitzConv2d, type ToeplitzGrid } from '../ops/toeplitz-conv';
import { requireBoolean, requireInteger, requireNumberInRange, requireOneOf } from '../validate';
import { BatchNormState } from './internal/batch-norm-state';
import { torchUniform } from './internal/initializers';
import type { Initializer, Kwargs, LayerArgs } from './internal/tfl-types';

const OWNER = 'Correlation4DCCA';
const CONV_KERNEL = 3;
/** Guard of the L2 normalisation before the correlation (RENet's value). */
const L2_EPSILON = 1e-8;
/** Added to the unbiased variance in the gaussian normalisation of the scores (RENet's value). */
const GAUSSIAN_EPSILON = 1e-5;

/** Order of the co-attention steps; see {@link Correlation4DCCAArgs.attentionOrder}. */
export type AttentionOrder = 'softmaxThenSum' | 'sumThenSoftmax';
const ATTENTION_ORDERS: readonly AttentionOrder[] = ['softmaxThenSum', 'sumThenSoftmax'];

export interface Correlation4DCCAArgs extends LayerArgs {
  /**
   * Width d_c of the 1 × 1 reduction applied before the correlation; a positive integer.
   * @defaultValue 8
   */
  reducedChannels?: number;
  /**
   * Hidden channels h between the two separable 4-D convolutions; a positive integer.
   * @defaultValue 16
   */
  hiddenChannels?: number;
  /**
   * Temperature γ of the co-attention softmax; a finite number > 0. Large values flatten the
   * attention towards a plain mean over positions.
   * @defaultValue 1.0
   */
  temperature?: number;
  /**
   * true: refine the correlation once and add its transpose, g(C) + swap(g(C)); this equals the
   * reference two-pass form because the correlation of a map with itself is symmetric, at half
   * the cost. false: run the reference two-pass form g(C) + swap(g(swap(C))).
   * @defaultValue true
   */
  symmetric?: boolean;
  /**
   * 'softmaxThenSum': per query position, softmax over support positions, then sum over query
   * positions (the reference code). 'sumThenSoftmax': sum the normalised scores over query
   * positions first, then take one softmax over support positions, scaled by N.
   * @defaultValue 'softmaxThenSum'
   */
  attentionOrder?: AttentionOrder;
}

/** Weights of one separable 4-D convolution. */
interface SepConv4dWeights {
  first: tfl.LayerVariable;
  firstNorm: BatchNormState;
  second: tfl.LayerVariable;
  secondNorm: BatchNormState;
  projection: tfl.LayerVariable | undefined;
  projectionNorm: BatchNormState | undefined;
}

/**
 * Correlates a feature map with itself over all pairs of positions, refines the 4-D correlation
 * with two separable 4-D convolutions, and pools the centred map with the resulting
 * co-attention.
 *
 * Source: D. Kang, H. Kwon, J. Min, M. Cho, "Relational Embedding for Few-Shot
 * Classification", ICCV 2021, arXiv:2108.09666 (official code `models/cca.py`,
 * `models/renet.py`), used unchanged as the relational branch of Y. Li et al., "SRML:
 * Structure-relation mutual learning network for few-shot image classification", Pattern
 * Recognition 168 (2025) 111822. Here the support and query maps are the same map.
 *
 * ```
 * Z̃ = centre(F)                                   [B, N, C]
 * Q = ReLU(BN_r(Z̃ · W_r)),  Q̂ = Q / max(‖Q‖₂, 1e-8)   [B, N, d_c]
 * Cc[b, s, q] = ⟨Q̂[b, s], Q̂[b, q]⟩                  [B, N, N]
 * g(x) = SepConv4d_2(ReLU(SepConv4d_1(x)))          1 -> h -> 1 channels
 * C′ = g(Cc) + swap(g(swap(Cc)))                    (= g(Cc) + swap(g(Cc)) for symmetric Cc)
 * M̂[b, q, s] = (C′[b, s, q] − mean_s) / sqrt(var_s + 1e-5)
 * a[b, s] = Σ_q softmax_s(M̂[b, q, :] / γ)[s]       [B, N], Σ_s a = N
 * f_inter[b] = (1/N) Σ_s a[b, s] · Z̃[b, s]          [B, C]
 * ```
 *
 * centre(x) subtracts the channel mean at every position; N = H·W positions, n = i·W + j;
 * swap exchanges the two position axes; var_s is the unbiased variance over s (divides by
 * N − 1); γ is `temperature`. SepConv4d(x) on x `[B, N₁, N₂, c_in]`: a 3 × 3 'same'
 * convolution c_in -> c_in over the (i, j) grid of the first position for every second
 * position, BN, ReLU; a 3 × 3 'same' convolution c_in -> c_in over the grid of the second
 * position, BN; and, when c_in ≠ c_out, a 1 × 1 projection c_in -> c_out with BN. With
 * `attentionOrder: 'sumThenSoftmax'`, a[b, s] = N·softmax_s(Σ_q M̂[b, q, s] / γ). No weight has
 * a bias; each BN is per channel with ε = 1e-5 and momentum 0.9 (PyTorch defaults).
 *
 * **Input shape:** `[B, H, W, C]` float32 with H·W ≥ 2.
 * **Output shape:** `[B, C]` float32. {@link Correlation4DCCA.computeAttention} returns a as
 * `[B, H, W]`.
 *
 * Weights (PyTorch's default init U(±1/√fan_in)): `kernel_reduce` `[C, d_c]` + `bn_reduce`;
 * `sep1_first`, `sep1_second` `[3, 3, 1, 1]` + BN(1) each, `sep1_projection` `[1, h]` + BN(h);
 * `sep2_first`, `sep2_second` `[3, 3, h, h]` + BN(h) each, `sep2_projection` `[h, 1]` + BN(1).
 *
 * In training with `symmetric: true`, the BN moving statistics of the refinement advance once
 * per call; the two-pass form advances them twice, because it runs the refinement twice.
 *
 * Differs from the paper: the 4-D convolutions are computed as matMuls with dense Toeplitz
 * weights (the results equal the reference convolutions) so that they train on the cpu and wasm
 * backends; the symmetric one-pass shortcut is the default; the kernels use the tfjs
 * `[kh, kw, in, out]` layout, so a PyTorch weight `[out, in, 3, 3, 1]` (applied first) maps to
 * `K[a, b, i, o] = w[o, i, a, b, 0]` and `[out, in, 1, 3, 3]` to `K[a, b, i, o] = w[o, i, 0, a, b]`.
 *
 * @example
 * ```ts
 * const cca = new Correlation4DCCA({ reducedChannels: 8, hiddenChannels: 16, temperature: 1 });
 * const x = tf.randomUniform([2, 4, 4, 32]);
 * const f = cca.apply(x, { training: true }) as tf.Tensor2D; // [2, 32]
 * const a = cca.computeAttention(x); // [2, 4, 4], each map sums to 16
 * ```
 *
 * @throws InvalidArgumentError if `reducedChannels` or `hiddenChannels` is not a positive
 *   integer, `temperature` is not a finite number > 0, `symmetric` is not a boolean or
 *   `attentionOrder` is not one of the listed values.
 * @throws ShapeMismatchError if the input is not a rank-4 map with known H, W, C and H·W ≥ 2.
 */
export class Correlation4DCCA extends tfl.layers.Layer {
  static readonly className = 'Correlation4DCCA';

  readonly reducedChannels: number;
  readonly hiddenChannels: number;
  readonly temperature: number;
  readonly symmetric: boolean;
  readonly attentionOrder: AttentionOrder;

  private kernelReduce: tfl.LayerVariable | undefined;
  private bnReduce: BatchNormState | undefined;
  private sep1: SepConv4dWeights | undefined;
  private sep2: SepConv4dWeights | undefined;

  /** Constant tap selection of the 3 × 3 'same' convolution on the H × W grid, owned by this layer. */
  private taps: tf.Tensor2D | undefined;
  private grid: ToeplitzGrid | undefined;

  constructor(args: Correlation4DCCAArgs = {}) {
    super(args);
    const reducedChannels = args.reducedChannels ?? 8;
    const hiddenChannels = args.hiddenChannels ?? 16;
    const temperature = args.temperature ?? 1.0;
    const symmetric = args.symmetric ?? true;
    const attentionOrder = args.attentionOrder ?? 'softmaxThenSum';

    requireInteger(OWNER, 'reducedChannels', reducedChannels);
    requireInteger(OWNER, 'hiddenChannels', hiddenChannels);
    requireNumberInRange(OWNER, 'temperature', temperature, { min: 0, minExclusive: true });
    requireBoolean(OWNER, 'symmetric', symmetric);
    requireOneOf(OWNER, 'attentionOrder', attentionOrder, ATTENTION_ORDERS);

    this.reducedChannels = reducedChannels;
    this.hiddenChannels = hiddenChannels;
    this.temperature = temperature;
    this.symmetric = symmetric;
    this.attentionOrder = attentionOrder;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const [height, width, channels] = checkMapShape(shape);
    const h = this.hiddenChannels;
    const addWeight = (name: string, weightShape: number[], initializer: Initializer, trainable: boolean) =>
      this.addWeight(name, weightShape, 'float32', initializer, undefined, trainable);

    this.kernelReduce = addWeight('kernel_reduce', [channels, this.reducedChannels], torchUniform(channels), true);
    this.bnReduce = BatchNormState.create(addWeight, 'bn_reduce', this.reducedChannels);
    this.sep1 = this.createSepConv4d(addWeight, 'sep1', 1, h);
    this.sep2 = this.createSepConv4d(addWeight, 'sep2', h, 1);

    // The constant lives as long as the layer: keep it out of any enclosing tidy.
    this.grid = { height, width, kernelSize: CONV_KERNEL, padding: 'same' };
    this.taps?.dispose();
    this.taps = tf.keep(createToeplitzTaps(this.grid));

    this.inputSpec = [new tfl.InputSpec({ ndim: 4, axes: { 1: height, 2: width, 3: channels } })];
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const [, , channels] = checkMapShape(shape);
    return [shape[0] ?? null, channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const training = kwargs['training'] === true;
      const [batch, height, width, channels] = x.shape;
      const positions = height * width;
      const { weights, centred } = this.attend(x, training);

      // f_inter = (1/N)·Σ_s a[b, s]·Z̃[b, s, :]: [B, 1, N] x [B, N, C] -> [B, C].
      const pooled = tf.matMul(tf.reshape(weights, [batch, 1, positions]), centred);
      return tf.div(tf.reshape(pooled, [batch, channels]), positions);
    });
  }

  /**
   * Computes the co-attention a over positions, `[B, H, W]`; each map sums to N = H·W and
   * each entry lies in [0, N]. Builds the layer on first use (by one inference pass). With `training` true, BN uses
   * batch statistics and advances its moving statistics, as in `apply`.
   *
   * @throws ShapeMismatchError if `x` is not `[B, H, W, C]` with the shape the layer was built
   *   for.
   */
  computeAttention(x: tf.Tensor4D, training = false): tf.Tensor3D {
    if (!this.built) {
      // Building through `apply` (one inference pass) also starts the layer's reference count,
      // which `dispose()` requires.
      tf.dispose(this.apply(x, { training: false }) as tf.Tensor);
    }
    this.checkCallShape(x.shape);
    return tf.tidy(() => {
      const [batch, height, width] = x.shape;
      return tf.reshape(this.attend(x, training).weights, [batch, height, width]) as tf.Tensor3D;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      reducedChannels: this.reducedChannels,
      hiddenChannels: this.hiddenChannels,
      temperature: this.temperature,
      symmetric: this.symmetric,
      attentionOrder: this.attentionOrder,
    };
  }

  /** Disposes the weights (when the reference count reaches 0) and the constant tap matrix. */
  override dispose(): ReturnType<tfl.layers.Layer['dispose']> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0) {
      this.taps?.dispose();
      this.taps = undefined;
    }
    return result;
  }

  /** Returns the attention a `[B, N]` and the centred map Z̃ `[B, N, C]`. */
  private attend(x: tf.Tensor4D, training: boolean): { weights: tf.Tensor2D; centred: tf.Tensor3D } {
    const [batch, height, width, channels] = x.shape;
    const positions = height * width;
    const { kernelReduce, bnReduce } = this.requireBuilt();

    // Z̃ = centre(F): [B, N, C].
    const centred = centerChannels(tf.reshape(x, [batch, positions, channels])) as tf.Tensor3D;

    // Q̂ = L2(ReLU(BN_r(Z̃·W_r))): [B·N, d_c] -> [B, N, d_c].
    const reduced = tf.relu(bnReduce.apply(matMulExplicitGrad(tf.reshape(centred, [-1, channels]) as tf.Tensor2D, kernelReduce.read() as tf.Tensor2D), training));
    const unit = tf.reshape(l2Normalize(reduced, L2_EPSILON), [batch, positions, this.reducedChannels]);

    // Cc[b, s, q] = ⟨Q̂_s, Q̂_q⟩: [B, N, N, 1].
    const correlation = tf.reshape(tf.matMul(unit, unit, false, true), [batch, positions, positions, 1]);

    // C′ = g(Cc) + swap(g(swap(Cc))); for symmetric Cc, g(swap(Cc)) = g(Cc).
    const refined = this.refine(correlation, training);
    const mirrored = this.symmetric ? refined : this.refine(swapPositions(correlation), training);
    const combined = tf.add(refined, swapPositions(mirrored));

    // Scores with s on the last axis, so the softmax runs there: [B, q, s].
    const scores = tf.transpose(tf.reshape(combined, [batch, positions, positions]), [0, 2, 1]);

    // Gaussian normalisation over s with the unbiased variance.
    const { mean, variance } = tf.moments(scores, -1, true);
    const unbiased = tf.mul(variance, positions / (positions - 1));
    const normalised = tf.div(tf.sub(scores, mean), tf.sqrt(tf.add(unbiased, GAUSSIAN_EPSILON)));
    const logits = tf.div(normalised, this.temperature);

    // a[b, s]: [B, N], summing to N.
    const weights =
      this.attentionOrder === 'softmaxThenSum'
        ? tf.sum(tf.softmax(logits), 1)
        : tf.mul(tf.softmax(tf.sum(logits, 1)), positions);
    return { weights: weights as tf.Tensor2D, centred };
  }

  /** g(x) = SepConv4d_2(ReLU(SepConv4d_1(x))): `[B, N, N, 1]` -> `[B, N, N, 1]`. */
  private refine(correlation: tf.Tensor, training: boolean): tf.Tensor {
    const { sep1, sep2 } = this.requireBuilt();
    const hidden = tf.relu(this.sepConv4d(correlation, sep1, training));
    return this.sepConv4d(hidden, sep2, training);
  }

  /**
   * Separable 4-D convolution: `[B, N₁, N₂, c_in]` -> `[B, N₁, N₂, c_out]`. Each 3 × 3 step
   * is one matMul over rows that hold one position grid and its channels.
   */
  private sepConv4d(x: tf.Tensor, weights: SepConv4dWeights, training: boolean): tf.Tensor {
    const { taps, grid } = this.requireBuilt();
    const [batch, firstPositions, secondPositions, inChannels] = x.shape as [number, number, number, number];

    // Over the first position pair, for every second position: rows [B·N₂, N₁·c_in].
    const bySecond = tf.reshape(swapPositions(x), [batch * secondPositions, firstPositions * inChannels]);
    const first = toeplitzConv2d(bySecond, weights.first.read(), taps, grid);
    const firstOut = tf.relu(weights.firstNorm.apply(tf.reshape(first, [-1, inChannels]), training));

    // Over the second position pair, for every first position: rows [B·N₁, N₂·c_in].
    const byFirst = tf.reshape(
      swapPositions(tf.reshape(firstOut, [batch, secondPositions, firstPositions, inChannels])),
      [batch * firstPositions, secondPositions * inChannels],
    );
    const second = toeplitzConv2d(byFirst, weights.second.read(), taps, grid);
    let y = weights.secondNorm.apply(tf.reshape(second, [-1, inChannels]), training);

    // 1 × 1 projection c_in -> c_out when the widths differ.
    if (weights.projection !== undefined && weights.projectionNorm !== undefined) {
      y = weights.projectionNorm.apply(matMulExplicitGrad(y as tf.Tensor2D, weights.projection.read() as tf.Tensor2D), training);
    }
    const outChannels = y.shape[1] as number;
    return tf.reshape(y, [batch, firstPositions, secondPositions, outChannels]);
  }

  private createSepConv4d(
    addWeight: (name: string, shape: number[], initializer: Initializer, trainable: boolean) => tfl.LayerVariable,
    prefix: string,
    inChannels: number,
    outChannels: number,
  ): SepConv4dWeights {
    const kernelShape = [CONV_KERNEL, CONV_KERNEL, inChannels, inChannels];
    const fanIn = CONV_KERNEL * CONV_KERNEL * inChannels;
    const first = addWeight(`${prefix}_first`, kernelShape, torchUniform(fanIn), true);
    const firstNorm = BatchNormState.create(addWeight, `${prefix}_first_bn`, inChannels);
    const second = addWeight(`${prefix}_second`, kernelShape, torchUniform(fanIn), true);
    const secondNorm = BatchNormState.create(addWeight, `${prefix}_second_bn`, inChannels);
    if (inChannels === outChannels) {
      return { first, firstNorm, second, secondNorm, projection: undefined, projectionNorm: undefined };
    }
    const projection = addWeight(`${prefix}_projection`, [inChannels, outChannels], torchUniform(inChannels), true);
    const projectionNorm = BatchNormState.create(addWeight, `${prefix}_projection_bn`, outChannels);
    return { first, firstNorm, second, secondNorm, projection, projectionNorm };
  }

  private checkCallShape(shape: number[]): void {
    const grid = this.grid;
    const expected = this.kernelReduce?.shape[0];
    if (
      shape.length !== 4 ||
      grid === undefined ||
      shape[1] !== grid.height ||
      shape[2] !== grid.width ||
      shape[3] !== expected
    ) {
      throw new ShapeMismatchError(
        `${OWNER}: input must have shape [B, ${grid?.height}, ${grid?.width}, ${expected}] as when the layer was built; received ${JSON.stringify(shape)}.`,
      );
    }
  }

  private requireBuilt() {
    const { kernelReduce, bnReduce, sep1, sep2, taps, grid } = this;
    if (
      kernelReduce === undefined ||
      bnReduce === undefined ||
      sep1 === undefined ||
      sep2 === undefined ||
      taps === undefined ||
      grid === undefined
    ) {
      throw new InvalidArgumentError(`${OWNER}: the layer was called before \`build\` or after \`dispose()\`. Call it through \`apply\` on a live layer.`);
    }
    return { kernelReduce, bnReduce, sep1, sep2, taps, grid };
  }
}
tf.serialization.registerClass(Correlation4DCCA);

/** Exchanges the two position axes of `[B, N₁, N₂, c]`. */
function swapPositions(x: tf.Tensor): tf.Tensor {
  return tf.transpose(x, [0, 2, 1, 3]);
}

/** Returns [H, W, C] of a `[B, H, W, C]` shape with H·W ≥ 2, or throws naming the shape. */
function checkMapShape(shape: tfl.Shape): [number, number, number] {
  const [, height, width, channels] = shape;
  if (
    shape.length !== 4 ||
    typeof height !== 'number' ||
    typeof width !== 'number' ||
    typeof channels !== 'number' ||
    height < 1 ||
    width < 1 ||
    channels < 1
  ) {
    throw new ShapeMismatchError(
      `${OWNER}: input must have shape [B, H, W, C] with known positive H, W and C; received ${JSON.stringify(shape)}. Reshape the features to a map first (for example with FeatureReshape).`,
    );
  }
  if (height * width < 2) {
    throw new ShapeMismatchError(
      `${OWNER}: the map must have at least 2 positions (H·W ≥ 2) for the unbiased variance over positions; received ${JSON.stringify(shape)}. Use a larger map.`,
    );
  }
  return [height, width, channels];
}
