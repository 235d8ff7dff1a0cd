/**
 * Weights and forward pass of one batch-normalisation step inside a custom layer. tfjs-layers
 * only tracks weights created by the owning layer's `addWeight`, so the owner passes its
 * `addWeight` in, and the four weights below appear in its `weights` list.
 *
 * Conventions follow PyTorch (epsilon 1e-5, momentum 0.1 in PyTorch's sense, i.e. 0.9 here):
 * moving mean m ← 0.9·m + 0.1·μ, moving variance v ← 0.9·v + 0.1·σ²·M/(M−1) with M the number
 * of reduced entries (unbiased), as `torch.nn.BatchNorm*d` does.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Initializer } from './tfl-types';
import { batchNormalize } from '../../ops/batch-normalize';
import { batchNormTrain } from '../../ops/batch-norm-train';

/** The owner's `addWeight`, bound: `(name, shape, initializer, trainable) => LayerVariable`. */
export type AddWeightFn = (
  name: string,
  shape: number[],
  initializer: Initializer,
  trainable: boolean,
) => tfl.LayerVariable;

/** BN defaults shared by every layer of the model. */
export const BATCH_NORM_EPSILON = 1e-5;
export const BATCH_NORM_MOMENTUM = 0.9;

/** γ, β and the moving statistics of one BN over `channels` channels. */
export class BatchNormState {
  private constructor(
    readonly gamma: tfl.LayerVariable,
    readonly beta: tfl.LayerVariable,
    readonly movingMean: tfl.LayerVariable,
    readonly movingVariance: tfl.LayerVariable,
  ) {}

  /** Creates the four weights as `${prefix}_gamma`, `_beta`, `_moving_mean`, `_moving_variance`. */
  static create(addWeight: AddWeightFn, prefix: string, channels: number): BatchNormState {
    return new BatchNormState(
      addWeight(`${prefix}_gamma`, [channels], tfl.initializers.ones(), true),
      addWeight(`${prefix}_beta`, [channels], tfl.initializers.zeros(), true),
      addWeight(`${prefix}_moving_mean`, [channels], tfl.initializers.zeros(), false),
      addWeight(`${prefix}_moving_variance`, [channels], tfl.initializers.ones(), false),
    );
  }

  /**
   * Normalises `x` (any rank, channels last). In training it uses the batch statistics and
   * advances the moving statistics once; otherwise it uses the moving statistics.
   */
  apply(x: tf.Tensor, training: boolean): tf.Tensor {
    const gamma = this.gamma.read();
    const beta = this.beta.read();
    if (!training) {
      return batchNormalize(x, {
        gamma,
        beta,
        mean: this.movingMean.read(),
        variance: this.movingVariance.read(),
        epsilon: BATCH_NORM_EPSILON,
      });
    }

    // One custom op: the forward steps stay off the gradient tape, and the moving statistics
    // advance inside it, so their update is not recorded either.
    const channels = x.shape[x.rank - 1] as number;
    const count = x.size / channels;
    const momentum = BATCH_NORM_MOMENTUM;
    const y = batchNormTrain(tf.reshape(x, [count, channels]) as tf.Tensor2D, gamma as tf.Tensor1D, beta as tf.Tensor1D, BATCH_NORM_EPSILON, ({ mean, variance }) => {
      const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
      this.movingMean.write(tf.add(tf.mul(this.movingMean.read(), momentum), tf.mul(mean, 1 - momentum)));
      this.movingVariance.write(tf.add(tf.mul(this.movingVariance.read(), momentum), tf.mul(unbiased, 1 - momentum)));
    });
    return x.rank === 2 ? y : tf.reshape(y, x.shape);
  }
}
