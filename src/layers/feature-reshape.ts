/**
 * Projection of a feature vector onto a small H × W × C feature map (Dense, reshape, batch
 * normalisation, ReLU), the bridge between the tabular encoder and the map-based layers of
 * SRML-MCA.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeMismatchError } from '../errors';
import { requireInteger } from '../validate';
import { BatchNormState } from './internal/batch-norm-state';
import { torchUniform } from './internal/initializers';
import type { Initializer, Kwargs, LayerArgs } from './internal/tfl-types';
import { matMulExplicitGrad } from '../ops/matmul-explicit-grad';

const OWNER = 'FeatureReshape';

/** Constructor arguments of {@link FeatureReshape}. */
export interface FeatureReshapeArgs extends LayerArgs {
  /**
   * Height H of the output map; a positive integer.
   * @defaultValue 4
   */
  height?: number;
  /**
   * Width W of the output map; a positive integer.
   * @defaultValue 4
   */
  width?: number;
  /**
   * Channels C of the output map; a positive integer.
   * @defaultValue 32
   */
  channels?: number;
}

/**
 * Projects each feature vector to an H × W × C map and normalises it per channel.
 *
 * Source: this library's own design. It turns the encoder output into the map that MCA and
 * the SRML branches expect, and no published architecture fixes its form.
 *
 * ```
 * t = h · W_p + b_p                       [B, H·W·C]
 * X = ReLU( BN_C( reshape(t, [B, H, W, C]) ) )
 * ```
 *
 * h is the input, W_p [D, H·W·C] and b_p [H·W·C] are the projection weights. The reshape is
 * row-major, so entry (i, j, c) of the map is t[(i·W + j)·C + c]. BN_C is batch normalisation
 * per channel c over the B, H and W axes, with ε = 1e-5 as in PyTorch's `BatchNorm2d`. In
 * training it uses the batch mean and biased variance and advances the moving statistics
 * (momentum 0.9, unbiased moving variance). In inference it uses the moving statistics.
 * The ReLU makes X ≥ 0, like the post-activation backbone maps that MCA and the SRML
 * branches were designed for.
 *
 * Weights, in `getWeights()` order: `kernel` [D, H·W·C] and `bias` [H·W·C], both initialised
 * with PyTorch's default U(±1/√D). Then `bn_gamma` [C] (ones) and `bn_beta` [C] (zeros), and
 * the non-trainable `bn_moving_mean` [C] (zeros) and `bn_moving_variance` [C] (ones).
 *
 * **Input shape:** `[B, D]` float32.
 *
 * **Output shape:** `[B, H, W, C]` float32, non-negative.
 *
 * @example
 * ```ts
 * const reshape = new FeatureReshape({ height: 4, width: 4, channels: 32 });
 * const x = reshape.apply(tf.randomNormal([8, 64]), { training: true }) as tf.Tensor; // [8, 4, 4, 32]
 * ```
 *
 * @throws InvalidArgumentError from the constructor if `height`, `width` or `channels` is not
 *   a positive integer.
 * @throws ShapeMismatchError from `build` if the input is not rank 2 with a known last axis.
 */
export class FeatureReshape extends tfl.layers.Layer {
  static readonly className = 'FeatureReshape';

  readonly height: number;
  readonly width: number;
  readonly channels: number;

  private kernel: tfl.LayerVariable | undefined;
  private bias: tfl.LayerVariable | undefined;
  private batchNorm: BatchNormState | undefined;

  constructor(args: FeatureReshapeArgs = {}) {
    super(args);
    const height = args.height ?? 4;
    const width = args.width ?? 4;
    const channels = args.channels ?? 32;

    requireInteger(OWNER, 'height', height);
    requireInteger(OWNER, 'width', width);
    requireInteger(OWNER, 'channels', channels);

    this.height = height;
    this.width = width;
    this.channels = channels;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1];
    if (shape.length !== 2 || typeof inputDim !== 'number') {
      throw new ShapeMismatchError(
        `${OWNER}: input must have rank 2 [B, D] with a known D; received shape ${JSON.stringify(shape)}. ` +
          'Flatten the features to one vector per row first.',
      );
    }

    const units = this.height * this.width * this.channels;
    this.kernel = this.addFloatWeight({ name: 'kernel', shape: [inputDim, units], initializer: torchUniform(inputDim) });
    this.bias = this.addFloatWeight({ name: 'bias', shape: [units], initializer: torchUniform(inputDim) });
    this.batchNorm = BatchNormState.create(
      (name, weightShape, initializer, trainable) =>
        this.addWeight(name, weightShape, 'float32', initializer, undefined, trainable),
      'bn',
      this.channels,
    );

    this.inputSpec = [{ ndim: 2, axes: { [-1]: inputDim } }];
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0] ?? null, this.height, this.width, this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const h = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      const training = kwargs['training'] === true;
      const kernel = (this.kernel as tfl.LayerVariable).read();
      const bias = (this.bias as tfl.LayerVariable).read();

      // [B, D] · [D, H·W·C] + [H·W·C] → [B, H·W·C].
      const projected = tf.add(matMulExplicitGrad(h as tf.Tensor2D, kernel as tf.Tensor2D), bias);

      // Row-major reshape → [B, H, W, C].
      const map = tf.reshape(projected, [-1, this.height, this.width, this.channels]);

      // Per-channel BN over (B, H, W), then ReLU → [B, H, W, C].
      const normalised = (this.batchNorm as BatchNormState).apply(map, training);
      return tf.relu(normalised);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      height: this.height,
      width: this.width,
      channels: this.channels,
    };
  }

  private addFloatWeight(options: { name: string; shape: number[]; initializer: Initializer }): tfl.LayerVariable {
    return this.addWeight(options.name, options.shape, 'float32', options.initializer, undefined, true);
  }
}
tf.serialization.registerClass(FeatureReshape);
