/**
 * Self-correlation followed by the self-correlational representation (SCR) block: the
 * structural branch of SRML-MCA, after RENet (Kang et al., ICCV 2021) as reused by SRML.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, NotImplementedError, ShapeMismatchError } from '../errors';
import { l2Normalize } from '../ops/l2-normalize';
import { matMulExplicitGrad } from '../ops/matmul-explicit-grad';
import { createToeplitzTaps, toeplitzConv2d, type ToeplitzGrid } from '../ops/toeplitz-conv';
import { createUnfoldSelection, unfold } from '../ops/unfold';
import { requireInteger, requireNumberInRange } from '../validate';
import { BatchNormState } from './internal/batch-norm-state';
import { torchUniform } from './internal/initializers';
import type { Initializer, Kwargs, LayerArgs } from './internal/tfl-types';

const OWNER = 'SelfCorrelationSCR';

/** The only window side for which two 'valid' 3 × 3 convolutions reduce the window to 1 × 1. */
const SUPPORTED_WINDOW = 5;
const CONV_KERNEL = 3;

export interface SelfCorrelationSCRArgs extends LayerArgs {
  /**
   * Side U of the square self-correlation window (zero padding (U − 1)/2). Only 5 is
   * implemented.
   * @defaultValue 5
   */
  windowSize?: number;
  /**
   * Inner width d_s of the SCR block (channels of the two 3 × 3 convolutions); a positive
   * integer.
   * @defaultValue 8
   */
  innerChannels?: number;
  /**
   * Lower bound ε on the channel norm in the L2 normalisation, so all-zero positions stay
   * finite; a number in [1e-18, 1e-3] (ε² must stay a normal float32).
   * @defaultValue 1e-12
   */
  epsilon?: number;
}

/**
 * Computes the self-correlation of a feature map over a 5 × 5 neighbourhood and refines it with
 * the SCR block, adding the result to the rectified input.
 *
 * Source: D. Kang, H. Kwon, J. Min, M. Cho, "Relational Embedding for Few-Shot
 * Classification", ICCV 2021, arXiv:2108.09666 (official code `models/scr.py`), used unchanged
 * as the structural branch of Y. Li et al., "SRML: Structure-relation mutual learning network
 * for few-shot image classification", Pattern Recognition 168 (2025) 111822.
 *
 * ```
 * Z  = ReLU(F)                                         [B, H, W, C]
 * Ẑ  = Z / max(‖Z‖₂, ε)            (norm over C)
 * R[b, n, t, c] = Ẑ[b, n + δ(t), c] · Ẑ[b, n, c]      [B, N, 25, C]
 * Y0 = ReLU(BN_in(R · W_in))                            [B, N, 5, 5, d_s]
 * Y1 = ReLU(BN_1(conv3x3_valid(Y0, K_1)))               [B, N, 3, 3, d_s]
 * Y2 = ReLU(BN_2(conv3x3_valid(Y1, K_2)))               [B, N, 1, 1, d_s]
 * Y3 = BN_out(Y2 · W_out)                               [B, H, W, C]
 * S  = ReLU(Z + Y3)
 * ```
 *
 * n = i·W + j indexes positions (N = H·W); t = u·5 + v indexes the window, and n + δ(t) is the
 * position at offset (u − 2, v − 2) from n, with Ẑ = 0 outside the map. The product keeps all
 * channels (it is not a dot product). W_in `[C, d_s]`, K_1, K_2 `[3, 3, d_s, d_s]` and
 * W_out `[d_s, C]` have no bias; each BN is per channel with ε_BN = 1e-5 and momentum 0.9
 * (PyTorch defaults), using batch statistics when training and moving statistics otherwise.
 * ε is `epsilon` (default 1e-12). The convolutions run over the window axes (u, v) of each
 * position separately.
 *
 * **Input shape:** `[B, H, W, C]` float32, any H, W ≥ 1.
 * **Output shape:** `[B, H, W, C]` float32, non-negative.
 *
 * Weights: `kernel_in` `[C, d_s]`, `kernel_1`, `kernel_2` `[3, 3, d_s, d_s]`, `kernel_out`
 * `[d_s, C]`, each with PyTorch's default init U(±1/√fan_in) (fan_in C, 9·d_s, 9·d_s, d_s),
 * and `bn_in`, `bn_1`, `bn_2`, `bn_out` (γ, β, moving mean, moving variance).
 *
 * Differs from the paper: the residual adds ReLU(F), not F, which reproduces the reference
 * code (its in-place ReLU overwrites the identity); for non-negative F the two agree. The
 * self-correlation is computed with a constant selection matrix and the 3 × 3 convolutions as
 * matMuls with a dense Toeplitz weight, so the layer trains on the cpu and wasm backends; the
 * results equal the reference convolutions. The kernels use the tfjs `[kh, kw, in, out]` layout:
 * a PyTorch `Conv3d` weight `[out, in, 1, 3, 3]` maps to `K[a, b, i, o] = w[o, i, 0, a, b]`.
 *
 * @example
 * ```ts
 * const scr = new SelfCorrelationSCR({ innerChannels: 8 });
 * const s = scr.apply(tf.randomUniform([2, 4, 4, 32]), { training: true }) as tf.Tensor4D;
 * // s.shape = [2, 4, 4, 32]
 * ```
 *
 * @throws InvalidArgumentError if `innerChannels` is not a positive integer, `windowSize` is not
 *   a positive integer or `epsilon` is outside [1e-18, 1e-3].
 * @throws NotImplementedError if `windowSize` is not 5.
 * @throws ShapeMismatchError if the input is not a rank-4 map with known H, W and C.
 */
export class SelfCorrelationSCR extends tfl.layers.Layer {
  static readonly className = 'SelfCorrelationSCR';

  readonly windowSize: number;
  readonly innerChannels: number;
  readonly epsilon: number;

  private kernelIn: tfl.LayerVariable | undefined;
  private kernel1: tfl.LayerVariable | undefined;
  private kernel2: tfl.LayerVariable | undefined;
  private kernelOut: tfl.LayerVariable | undefined;
  private bnIn: BatchNormState | undefined;
  private bn1: BatchNormState | undefined;
  private bn2: BatchNormState | undefined;
  private bnOut: BatchNormState | undefined;

  /** Constant unfold selection matrix `[25·N, N]`, owned by this layer. */
  private selection: tf.Tensor2D | undefined;
  /** Constant tap selection of the 5 × 5 → 3 × 3 convolution `[9·25, 9]`, owned by this layer. */
  private taps: tf.Tensor2D | undefined;

  constructor(args: SelfCorrelationSCRArgs = {}) {
    super(args);
    const windowSize = args.windowSize ?? SUPPORTED_WINDOW;
    const innerChannels = args.innerChannels ?? 8;
    const epsilon = args.epsilon ?? 1e-12;

    requireInteger(OWNER, 'windowSize', windowSize);
    if (windowSize !== SUPPORTED_WINDOW) {
      throw new NotImplementedError(
        `${OWNER}: \`windowSize\` ${JSON.stringify(windowSize)} is not supported; only 5 is, because the two 'valid' 3 x 3 convolutions must reduce the window to 1 x 1. Omit \`windowSize\` or pass 5.`,
      );
    }
    requireInteger(OWNER, 'innerChannels', innerChannels);
    requireNumberInRange(OWNER, 'epsilon', epsilon, { min: 1e-18, max: 1e-3 });

    this.windowSize = windowSize;
    this.innerChannels = innerChannels;
    this.epsilon = epsilon;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const [height, width, channels] = checkMapShape(shape);
    const d = this.innerChannels;
    const addWeight = (name: string, weightShape: number[], initializer: Initializer, trainable: boolean) =>
      this.addWeight(name, weightShape, 'float32', initializer, undefined, trainable);

    this.kernelIn = addWeight('kernel_in', [channels, d], torchUniform(channels), true);
    this.bnIn = BatchNormState.create(addWeight, 'bn_in', d);
    this.kernel1 = addWeight('kernel_1', [CONV_KERNEL, CONV_KERNEL, d, d], torchUniform(9 * d), true);
    this.bn1 = BatchNormState.create(addWeight, 'bn_1', d);
    this.kernel2 = addWeight('kernel_2', [CONV_KERNEL, CONV_KERNEL, d, d], torchUniform(9 * d), true);
    this.bn2 = BatchNormState.create(addWeight, 'bn_2', d);
    this.kernelOut = addWeight('kernel_out', [d, channels], torchUniform(d), true);
    this.bnOut = BatchNormState.create(addWeight, 'bn_out', channels);

    // Constants live as long as the layer: keep them out of any enclosing tidy.
    this.disposeConstants();
    this.selection = tf.keep(createUnfoldSelection({ height, width, windowSize: this.windowSize }));
    this.taps = tf.keep(createToeplitzTaps(this.windowGrid()));

    this.inputSpec = [new tfl.InputSpec({ ndim: 4, axes: { 1: height, 2: width, 3: channels } })];
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    checkMapShape(shape);
    return [...shape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const training = kwargs['training'] === true;
      const [batch, height, width, channels] = x.shape;
      const positions = height * width;
      const taps = this.windowSize * this.windowSize;
      const d = this.innerChannels;
      const weights = this.requireBuilt();

      // Z = ReLU(F), Ẑ = L2(Z) over C: [B, H, W, C].
      const rectified = tf.relu(x);
      const unit = l2Normalize(rectified, this.epsilon);

      // Neighbours of every position: [B, N, 25, C] -> [B·N, 25, C].
      const neighbours = tf.reshape(unfold(unit, weights.selection, this.windowSize), [batch * positions, taps, channels]);

      // Self-correlation R = neighbours ⊙ centre [B·N, 25, C], then the 1 × 1 convolution
      // C -> d_s as one matMul [B·N·25, C] x [C, d_s]. A batch of B·N tiny products
      // (neighbours · diag(centre)·W_in) computes the same values, but on wasm it and its two
      // gradient products took about 50 ms of a 230 ms step (fast preset, batch 64).
      const centre = tf.reshape(unit, [batch * positions, 1, channels]);
      const correlation = tf.reshape(tf.mul(neighbours, centre), [batch * positions * taps, channels]);
      const projected = tf.reshape(matMulExplicitGrad(correlation as tf.Tensor2D, weights.kernelIn as tf.Tensor2D), [batch * positions, taps, d]);
      const y0 = tf.relu(weights.bnIn.apply(projected, training));

      // 3 × 3 'valid' convolution over the 5 × 5 window: [B·N, 25·d_s] -> [B·N, 9·d_s].
      const conv1 = toeplitzConv2d(tf.reshape(y0, [batch * positions, taps * d]), weights.kernel1, weights.taps, this.windowGrid());
      const y1 = tf.relu(weights.bn1.apply(tf.reshape(conv1, [-1, d]), training));

      // 3 × 3 'valid' convolution 3 × 3 -> 1 × 1 is a full contraction over (a, b, c_in):
      // [B·N, 9·d_s] x [9·d_s, d_s] -> [B·N, d_s].
      const flatKernel2 = tf.reshape(weights.kernel2, [CONV_KERNEL * CONV_KERNEL * d, d]);
      const conv2 = matMulExplicitGrad(tf.reshape(y1, [batch * positions, CONV_KERNEL * CONV_KERNEL * d]) as tf.Tensor2D, flatKernel2 as tf.Tensor2D);
      const y2 = tf.relu(weights.bn2.apply(conv2, training));

      // 1 × 1 convolution d_s -> C, BN, no ReLU: [B, H, W, C].
      const y3 = tf.reshape(weights.bnOut.apply(matMulExplicitGrad(y2 as tf.Tensor2D, weights.kernelOut as tf.Tensor2D), training), [batch, height, width, channels]);

      // S = ReLU(ReLU(F) + Y3).
      return tf.relu(tf.add(rectified, y3));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      windowSize: this.windowSize,
      innerChannels: this.innerChannels,
      epsilon: this.epsilon,
    };
  }

  /** Disposes the weights (when the reference count reaches 0) and the constant matrices. */
  override dispose(): ReturnType<tfl.layers.Layer['dispose']> {
    const result = super.dispose();
    if (result.refCountAfterDispose === 0) {
      this.disposeConstants();
    }
    return result;
  }

  private windowGrid(): ToeplitzGrid {
    return { height: this.windowSize, width: this.windowSize, kernelSize: CONV_KERNEL, padding: 'valid' };
  }

  private disposeConstants(): void {
    this.selection?.dispose();
    this.taps?.dispose();
    this.selection = undefined;
    this.taps = undefined;
  }

  private requireBuilt() {
    const { kernelIn, kernel1, kernel2, kernelOut, bnIn, bn1, bn2, bnOut, selection, taps } = this;
    if (
      kernelIn === undefined ||
      kernel1 === undefined ||
      kernel2 === undefined ||
      kernelOut === undefined ||
      bnIn === undefined ||
      bn1 === undefined ||
      bn2 === undefined ||
      bnOut === undefined ||
      selection === undefined ||
      taps === undefined
    ) {
      throw new InvalidArgumentError(`${OWNER}: the layer was called before \`build\` or after \`dispose()\`. Call it through \`apply\` on a live layer.`);
    }
    return {
      kernelIn: kernelIn.read(),
      kernel1: kernel1.read(),
      kernel2: kernel2.read(),
      kernelOut: kernelOut.read(),
      bnIn,
      bn1,
      bn2,
      bnOut,
      selection,
      taps,
    };
  }
}
tf.serialization.registerClass(SelfCorrelationSCR);

/** Returns [H, W, C] of a `[B, H, W, C]` shape, or throws naming the shape. */
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
  return [height, width, channels];
}
