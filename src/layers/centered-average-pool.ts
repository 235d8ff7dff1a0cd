/**
 * CenteredAveragePool: global average pooling of a channel-centred map, the pooling SRML applies
 * to the structural branch before its classifier.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeMismatchError } from '../errors';
import { centerChannels } from '../ops/center-channels';
import type { Kwargs, LayerArgs } from './internal/tfl-types';

/**
 * Subtracts the channel mean at every position, then averages over positions.
 *
 * ```
 * f[b, c] = (1 / (H·W)) Σ_{i,j} ( S[b, i, j, c] − (1/C) Σ_c' S[b, i, j, c'] )
 * ```
 *
 * **Input shape**: `[B, H, W, C]` float32. **Output shape**: `[B, C]` float32. No weights.
 *
 * @example
 * ```ts
 * const pooled = new CenteredAveragePool().apply(tf.ones([2, 4, 4, 8])) as tf.Tensor; // zeros [2, 8]
 * ```
 *
 * @throws ShapeMismatchError when the input is not rank 4.
 */
export class CenteredAveragePool extends tfl.layers.Layer {
  static readonly className = 'CenteredAveragePool';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = inputShape as tfl.Shape;
    if (shape.length !== 4) {
      throw new ShapeMismatchError(
        `CenteredAveragePool: input must be [B, H, W, C]; received ${JSON.stringify(shape)}.`,
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = inputShape as tfl.Shape;
    return [shape[0] ?? null, shape[3] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      // [B, H, W, C] → [B, C].
      return tf.mean(centerChannels(x), [1, 2]);
    });
  }
}
tf.serialization.registerClass(CenteredAveragePool);
