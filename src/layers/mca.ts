/**
 * Multidimensional collaborative attention (MCA): three lightweight gates that rescale a
 * feature map along its channel, height and width axes (Yu et al., 2023).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, ShapeMismatchError } from '../errors';
import { conv1dShift } from '../ops/conv1d-shift';
import { meanStdPool } from '../ops/mean-std-pool';
import { requireInteger, requireNumberInRange } from '../validate';
import { torchUniform } from './internal/initializers';
import type { Initializer, LayerArgs } from './internal/tfl-types';

const OWNER = 'MCA';

/**
 * Computes the kernel size of MCA's channel gate for `channels` channels: with λ = 1.5 and
 * γ = 1, t = round(|(log₂ C − γ)/λ|) and k = t if t is odd, else t − 1, clamped to at least 1.
 *
 * The reference code gives k = −1 for C = 2 and C = 3; the clamp turns that into 1.
 * Values: C = 1 … 24 → 1; 32 … 128 → 3; 256, 512 → 5.
 *
 * @throws InvalidArgumentError if `channels` is not a positive integer.
 */
export function mcaChannelKernelSize(channels: number): number {
  requireInteger('mcaChannelKernelSize', 'channels', channels);
  const lambda = 1.5;
  const gamma = 1;
  const t = Math.round(Math.abs((Math.log2(channels) - gamma) / lambda));
  const k = t % 2 === 1 ? t : t - 1;
  return Math.max(1, k);
}

/** Constructor arguments of {@link MCA}. */
export interface MCAArgs extends LayerArgs {
  /**
   * Added to the unbiased variance inside the square root of the std squeeze, so that a
   * constant slab gives a finite gradient. Must be > 0.
   * @defaultValue 1e-5
   */
  epsilon?: number;
  /**
   * Kernel length of the 1-D convolution in the height and width gates; an odd integer >= 1.
   * @defaultValue 3
   */
  gateKernelSize?: number;
  /**
   * Kernel length of the channel gate; an odd integer >= 1. When `null` or absent it is
   * derived from C in `build` by {@link mcaChannelKernelSize}.
   * @defaultValue null
   */
  channelKernelSize?: number | null;
}

/** One gate's squeeze axes and the broadcast shape of its output. */
interface GateSpec {
  name: 'channel' | 'height' | 'width';
  /** Axis of the input that the gate rescales. */
  axis: 3 | 1 | 2;
  /** The two axes pooled into each squeeze value. */
  pooledAxes: [number, number];
}

const GATES: readonly GateSpec[] = [
  { name: 'channel', axis: 3, pooledAxes: [1, 2] },
  { name: 'height', axis: 1, pooledAxes: [2, 3] },
  { name: 'width', axis: 2, pooledAxes: [1, 3] },
];

/**
 * Rescales a feature map with three gates along C, H and W and averages the gated copies
 * (multidimensional collaborative attention).
 *
 * Source: Yu, Zhang, Cheng, Song, Tang, "MCA: Multidimensional collaborative attention in deep
 * convolutional neural networks for image recognition", Engineering Applications of Artificial
 * Intelligence 126 (2023) 107079; reference code github.com/ndsclark/MCANet (`mca_module.py`).
 *
 * ```
 * for each gate a ∈ {C, H, W}, pooling X over the two other axes for each index ℓ of a:
 *   μ_a[b, ℓ] = mean of the slab
 *   s_a[b, ℓ] = sqrt( var_u(slab) + ε )
 *   q_a       = (1/2 + σ(ω_a[0]))·μ_a + (1/2 + σ(ω_a[1]))·s_a
 *   g_a       = σ( conv1d(q_a, κ_a) )              zero padding (k_a − 1)/2, no bias
 * F = X ⊙ (g_C[b,1,1,c] + g_H[b,i,1,1] + g_W[b,1,j,1]) / 3
 * ```
 *
 * var_u is the unbiased variance (divides by n − 1, n the slab size: H·W for the C gate, W·C
 * for the H gate, H·C for the W gate); ε = `epsilon` (1e-5). σ is the logistic sigmoid.
 * ω_a ∈ ℝ² mixes the two squeezes and κ_a ∈ ℝ^{k_a} is the gate's convolution kernel; k_H and
 * k_W are `gateKernelSize` (3), k_C is `channelKernelSize`, or {@link mcaChannelKernelSize}(C).
 * The output equals the mean of the three gated copies X ⊙ g_a; there is no residual.
 *
 * Weights, in `getWeights()` order: `channel_mix` [2], `channel_kernel` [k_C], `height_mix`
 * [2], `height_kernel` [k_H], `width_mix` [2], `width_kernel` [k_W]. ω is initialised
 * U[0, 1) (`torch.rand`), κ with PyTorch's default U(±1/√k).
 *
 * **Input shape:** `[B, H, W, C]` float32, with H·W ≥ 2, W·C ≥ 2 and H·C ≥ 2.
 *
 * **Output shape:** `[B, H, W, C]` float32.
 *
 * **Differs from the paper:** ε is added inside the square root of the std squeeze
 * (`torch.std` has none) because tfjs otherwise yields NaN gradients on a constant slab.
 * The channel kernel size is clamped to ≥ 1, where the reference formula gives −1 for C = 2, 3.
 *
 * @example
 * ```ts
 * const mca = new MCA({});
 * const f = mca.apply(tf.ones([2, 4, 4, 32])) as tf.Tensor; // [2, 4, 4, 32]
 * ```
 *
 * @throws InvalidArgumentError from the constructor for a non-positive `epsilon` or an even or
 *   non-positive kernel size.
 * @throws ShapeMismatchError from `build` if the input is not rank 4 with known H, W, C, or if
 *   a gate would pool fewer than 2 entries (H·W, W·C or H·C below 2).
 */
export class MCA extends tfl.layers.Layer {
  static readonly className = 'MCA';

  readonly epsilon: number;
  readonly gateKernelSize: number;
  /** The constructor value; `null` means "derive from C in build". */
  readonly channelKernelSize: number | null;

  private mixWeights: tfl.LayerVariable[] = [];
  private kernelWeights: tfl.LayerVariable[] = [];

  constructor(args: MCAArgs = {}) {
    super(args);
    const epsilon = args.epsilon ?? 1e-5;
    const gateKernelSize = args.gateKernelSize ?? 3;
    const channelKernelSize = args.channelKernelSize ?? null;

    requireNumberInRange(OWNER, 'epsilon', epsilon, { min: 0, minExclusive: true });
    requireOddKernel('gateKernelSize', gateKernelSize);
    if (channelKernelSize !== null) {
      requireOddKernel('channelKernelSize', channelKernelSize);
    }

    this.epsilon = epsilon;
    this.gateKernelSize = gateKernelSize;
    this.channelKernelSize = channelKernelSize;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const [height, width, channels] = checkInputShape(shape);

    const channelKernel = this.channelKernelSize ?? mcaChannelKernelSize(channels);
    const kernelSizes: Record<GateSpec['name'], number> = {
      channel: channelKernel,
      height: this.gateKernelSize,
      width: this.gateKernelSize,
    };

    this.mixWeights = [];
    this.kernelWeights = [];
    for (const gate of GATES) {
      const k = kernelSizes[gate.name];
      this.mixWeights.push(
        this.addFloatWeight({
          name: `${gate.name}_mix`,
          shape: [2],
          initializer: tfl.initializers.randomUniform({ minval: 0, maxval: 1 }),
        }),
      );
      this.kernelWeights.push(
        this.addFloatWeight({ name: `${gate.name}_kernel`, shape: [k], initializer: torchUniform(k) }),
      );
    }

    this.inputSpec = [{ ndim: 4, axes: { 1: height, 2: width, 3: channels } }];
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      const [batch, height, width, channels] = x.shape as [number, number, number, number];
      const broadcastShapes: Record<GateSpec['name'], number[]> = {
        channel: [batch, 1, 1, channels],
        height: [batch, height, 1, 1],
        width: [batch, 1, width, 1],
      };

      let gateSum: tf.Tensor | undefined;
      GATES.forEach((gate, index) => {
        const gateValues = this.computeGate(x, gate, index);
        const broadcast = tf.reshape(gateValues, broadcastShapes[gate.name]);
        gateSum = gateSum === undefined ? broadcast : tf.add(gateSum, broadcast);
      });

      // (g_C + g_H + g_W)/3 broadcasts to [B, H, W, C]; multiplying once equals the mean of
      // the three gated copies.
      return tf.mul(x, tf.div(gateSum as tf.Tensor, 3));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      epsilon: this.epsilon,
      gateKernelSize: this.gateKernelSize,
      channelKernelSize: this.channelKernelSize,
    };
  }

  /** Returns σ(conv1d(q_a, κ_a)) for one gate, shape `[B, L]` with L the gate axis length. */
  private computeGate(x: tf.Tensor, gate: GateSpec, index: number): tf.Tensor {
    // μ, s: [B, L], pooled over the two other axes.
    const { mean, std } = meanStdPool(x, gate.pooledAxes, this.epsilon);

    // Effective mixing coefficients 1/2 + σ(ω): [2].
    const coefficients = tf.add(tf.sigmoid((this.mixWeights[index] as tfl.LayerVariable).read()), 0.5);
    const meanCoefficient = tf.slice(coefficients, [0], [1]);
    const stdCoefficient = tf.slice(coefficients, [1], [1]);
    const squeeze = tf.add(tf.mul(mean, meanCoefficient), tf.mul(std, stdCoefficient));

    // Excitation along the gate axis: [B, L] → [B, L].
    const excitation = conv1dShift(squeeze, (this.kernelWeights[index] as tfl.LayerVariable).read());
    return tf.sigmoid(excitation);
  }

  private addFloatWeight(options: { name: string; shape: number[]; initializer: Initializer }): tfl.LayerVariable {
    return this.addWeight(options.name, options.shape, 'float32', options.initializer, undefined, true);
  }
}
tf.serialization.registerClass(MCA);

function requireOddKernel(arg: string, value: unknown): void {
  requireInteger(OWNER, arg, value, 1, 'Use an odd kernel length such as 1, 3 or 5.');
  if ((value as number) % 2 !== 1) {
    throw new InvalidArgumentError(
      `${OWNER}: \`${arg}\` must be odd so that the 'same' padding is symmetric; received ` +
        `${JSON.stringify(value)}. Use an odd kernel length such as 1, 3 or 5.`,
    );
  }
}

/** Checks a `[B, H, W, C]` shape and returns `[H, W, C]`. */
function checkInputShape(shape: tfl.Shape): [number, number, number] {
  if (shape.length !== 4) {
    throw new ShapeMismatchError(
      `${OWNER}: input must have rank 4 [B, H, W, C]; received shape ${JSON.stringify(shape)}. ` +
        'Reshape the features into a map first, for example with FeatureReshape.',
    );
  }
  const [, height, width, channels] = shape;
  if (
    typeof height !== 'number' ||
    typeof width !== 'number' ||
    typeof channels !== 'number'
  ) {
    throw new ShapeMismatchError(
      `${OWNER}: H, W and C of the input must be known when the layer is built; received shape ` +
        `${JSON.stringify(shape)}. Give the input layer a full shape.`,
    );
  }

  const slabs: Array<[string, number, string]> = [
    ['channel', height * width, 'H·W'],
    ['height', width * channels, 'W·C'],
    ['width', height * channels, 'H·C'],
  ];
  for (const [gate, size, formula] of slabs) {
    if (size < 2) {
      throw new ShapeMismatchError(
        `${OWNER}: the ${gate} gate pools ${formula} = ${size} entries per value for input shape ` +
          `${JSON.stringify(shape)}, but the unbiased standard deviation needs at least 2. ` +
          'Use a feature map with H·W, W·C and H·C all >= 2.',
      );
    }
  }
  return [height, width, channels];
}
