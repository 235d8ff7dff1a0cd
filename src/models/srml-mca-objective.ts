/**
 * The SRML-MCA training objective:
 *
 * ```
 * L = λ_f·CE(z, y) + λ_s·CE(s_intra, y) + λ_r·CE(s_inter, y) + λ_b·BKE(s_intra, s_inter) + λ_g·Σ|g|
 * ```
 *
 * The last term exists only with input gates (`inputGateL1` = λ_g > 0).
 *
 * Each CE is the weighted batch mean Σ_b w_b·(−log softmax(·)[y_b]) / B, computed with
 * log-softmax; BKE is {@link BKELoss} with the same weights. Terms of a disabled branch are 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BKELoss } from '../losses/bke-loss';
import type { SRMLMCAForward } from './srml-mca-network';
import type { ResolvedSRMLMCAConfig } from './srml-mca-config';

/** The weighted terms of one evaluation of the objective, as scalars. */
export interface ObjectiveTerms {
  total: tf.Scalar;
  fused: tf.Scalar;
  structure: tf.Scalar;
  relation: tf.Scalar;
  mutual: tf.Scalar;
  /** λ_g·Σ|g|, or 0 without input gates. */
  gate: tf.Scalar;
}

/** Weighted mean cross-entropy from logits `[B, K]`, one-hot labels `[B, K]`, weights `[B]`. */
export function weightedCrossEntropy(logits: tf.Tensor, oneHot: tf.Tensor, weights: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const perSample = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
    return tf.div(tf.sum(tf.mul(perSample, weights)), logits.shape[0] as number) as tf.Scalar;
  });
}

/** Evaluates the objective on one forward pass; the result is not tidied (call inside a tidy). */
export function srmlMcaObjective(
  forward: SRMLMCAForward,
  oneHot: tf.Tensor,
  weights: tf.Tensor,
  config: Pick<ResolvedSRMLMCAConfig, 'lossWeights' | 'mutualTemperature' | 'inputGateL1'>,
): ObjectiveTerms {
  const zero = tf.scalar(0);
  const λ = config.lossWeights;
  const fused = tf.mul(weightedCrossEntropy(forward.fused, oneHot, weights), λ.fused) as tf.Scalar;
  const structure =
    forward.structure === undefined
      ? zero
      : (tf.mul(weightedCrossEntropy(forward.structure, oneHot, weights), λ.structure) as tf.Scalar);
  const relation =
    forward.relation === undefined
      ? zero
      : (tf.mul(weightedCrossEntropy(forward.relation, oneHot, weights), λ.relation) as tf.Scalar);
  const mutual =
    forward.structure === undefined || forward.relation === undefined || λ.mutual === 0
      ? zero
      : (tf.mul(
          new BKELoss({ temperature: config.mutualTemperature }).call(forward.structure, forward.relation, weights),
          λ.mutual,
        ) as tf.Scalar);
  const gate = forward.gateL1 === undefined ? zero : (tf.mul(forward.gateL1, config.inputGateL1) as tf.Scalar);
  const total = tf.addN([fused, structure, relation, mutual, gate]) as tf.Scalar;
  return { total, fused, structure, relation, mutual, gate };
}
