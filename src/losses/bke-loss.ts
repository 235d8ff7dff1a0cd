/**
 * BKELoss: the bidirectional Kullback-Leibler "knowledge exchange" between two classifier heads,
 * the mutual-learning term of SRML (Li et al., Pattern Recognition 168, 2025, 111822,
 * doi:10.1016/j.patcog.2025.111822).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ShapeMismatchError } from '../errors';
import { stopGradient } from '../ops/stop-gradient';
import { requireBoolean, requireNumberInRange, requireOneOf } from '../validate';

/** Reduction applied to the per-sample losses. */
export type BKEReduction = 'mean' | 'sum' | 'none';

export interface BKELossArgs {
  /**
   * Softmax temperature T > 0 applied to both logit sets; the loss is multiplied by T².
   * @defaultValue 1
   */
  temperature?: number;
  /**
   * When true, each direction treats the other head's distribution as a fixed target (no
   * gradient flows into the target side), as SRML's `DistillKL` does with `.detach()`.
   * When false, the plain symmetric KL is differentiated through both sides.
   * @defaultValue true
   */
  detachTarget?: boolean;
  /**
   * `'mean'`: Σ_b w_b·L_b / B; `'sum'`: Σ_b w_b·L_b; `'none'`: the vector w_b·L_b of shape `[B]`.
   * @defaultValue 'mean'
   */
  reduction?: BKEReduction;
}

/**
 * Computes the bidirectional KL divergence between the class distributions of two heads.
 *
 * ```
 * ℓ_x = logSoftmax(s_x / T),  P_x = exp(ℓ_x)                 x ∈ {a, b}
 * L_b = T² · [ Σ_k P̄_b,k (ℓ_b,k − ℓ_a,k) + Σ_k P̄_a,k (ℓ_a,k − ℓ_b,k) ]   per sample
 * BKE = Σ_b w_b L_b / B   (reduction 'mean')
 * ```
 *
 * s_a, s_b are logits `[B, K]`; T is the temperature; P̄ is P with the gradient stopped when
 * `detachTarget` is true and P itself otherwise; w_b are optional per-sample weights (1 when
 * omitted). Everything is computed from log-softmax, so logits of ±1e4 stay finite. With
 * `detachTarget` and T = 1 the gradient is ∂BKE/∂s_a = (P_a − P_b)/B.
 *
 * **Inputs**: `logitsA`, `logitsB` float32 `[B, K]`, K ≥ 2; optional `sampleWeight` `[B]`.
 * **Output**: a scalar, or `[B]` for reduction `'none'`.
 *
 * NaN logits are not detected here: they propagate to a NaN loss, which the SRMLMCA trainer
 * reports as a NumericalError naming the step.
 *
 * @example
 * ```ts
 * const bke = new BKELoss({ temperature: 1 });
 * const loss = bke.call(tf.tensor2d([[2, 0]]), tf.tensor2d([[0, 2]]));
 * ```
 *
 * @throws InvalidArgumentError when `temperature` is not a positive finite number, or
 *   `reduction` is not one of 'mean', 'sum', 'none'.
 * @throws ShapeMismatchError when the logits are not rank 2, differ in shape, have K < 2, or
 *   `sampleWeight` is not `[B]`.
 *
 * Differs from the paper: the SRML code sums over the batch and divides by B; 'mean' here is the
 * same. The weights w_b are an addition for class- and sample-weighted training.
 */
export class BKELoss {
  static readonly className = 'BKELoss';

  readonly temperature: number;
  readonly detachTarget: boolean;
  readonly reduction: BKEReduction;

  constructor(args: BKELossArgs = {}) {
    const temperature = args.temperature ?? 1;
    const detachTarget = args.detachTarget ?? true;
    const reduction = args.reduction ?? 'mean';

    this.temperature = requireNumberInRange('BKELoss', 'temperature', temperature, { min: 0, minExclusive: true });
    this.detachTarget = requireBoolean('BKELoss', 'detachTarget', detachTarget);
    this.reduction = requireOneOf('BKELoss', 'reduction', reduction, ['mean', 'sum', 'none'] as const);
  }

  /** Returns the loss; see the class documentation for shapes. */
  call(logitsA: tf.Tensor, logitsB: tf.Tensor, sampleWeight?: tf.Tensor): tf.Tensor {
    this.checkShapes(logitsA, logitsB, sampleWeight);
    return tf.tidy(() => {
      const t = this.temperature;

      // [B, K] each.
      const logA = tf.logSoftmax(tf.div(logitsA, t));
      const logB = tf.logSoftmax(tf.div(logitsB, t));
      const targetA = this.detachTarget ? stopGradient(logA) : logA;
      const targetB = this.detachTarget ? stopGradient(logB) : logB;

      // KL(P_b ‖ P_a) + KL(P_a ‖ P_b) per sample: [B].
      const klBA = tf.sum(tf.mul(tf.exp(targetB), tf.sub(targetB, logA)), 1);
      const klAB = tf.sum(tf.mul(tf.exp(targetA), tf.sub(targetA, logB)), 1);
      let perSample = tf.mul(tf.add(klBA, klAB), t * t);
      if (sampleWeight !== undefined) {
        perSample = tf.mul(perSample, tf.cast(sampleWeight, 'float32'));
      }

      if (this.reduction === 'none') {
        return perSample;
      }
      const total = tf.sum(perSample);
      return this.reduction === 'sum' ? total : tf.div(total, logitsA.shape[0] as number);
    });
  }

  /** Returns every constructor option, resolved. */
  getConfig(): Required<BKELossArgs> {
    return { temperature: this.temperature, detachTarget: this.detachTarget, reduction: this.reduction };
  }

  private checkShapes(a: tf.Tensor, b: tf.Tensor, weight: tf.Tensor | undefined): void {
    if (a.rank !== 2 || b.rank !== 2) {
      throw new ShapeMismatchError(
        `BKELoss: logits must be rank 2 [B, K]; received shapes ${JSON.stringify(a.shape)} and ${JSON.stringify(b.shape)}.`,
      );
    }
    if (a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
      throw new ShapeMismatchError(
        `BKELoss: the two logit tensors must have the same shape; received ${JSON.stringify(a.shape)} and ${JSON.stringify(b.shape)}.`,
      );
    }
    if ((a.shape[1] as number) < 2) {
      throw new ShapeMismatchError(
        `BKELoss: logits need K >= 2 classes on the last axis; received ${JSON.stringify(a.shape)}. Use two-class logits, not a single sigmoid score.`,
      );
    }
    if (weight !== undefined && (weight.rank !== 1 || weight.shape[0] !== a.shape[0])) {
      throw new ShapeMismatchError(
        `BKELoss: \`sampleWeight\` must have shape [${a.shape[0]}]; received ${JSON.stringify(weight.shape)}.`,
      );
    }
  }
}
