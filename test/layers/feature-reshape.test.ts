import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { FeatureReshape } from '../../src/layers/feature-reshape';
import { describeBackends, useBackend } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { runLayerContract } from '../helpers/layer-contract';
import { seededNormal, seededUniform } from '../helpers/random-tensors';

const EPSILON = 1e-5;

/**
 * Computes FeatureReshape with plain loops: t = h·W + b, row-major [B, H, W, C], per-channel
 * BN with the given statistics (or the batch's mean and biased variance), then ReLU.
 */
function referenceFeatureReshape(
  h: number[][],
  kernel: number[][],
  bias: number[],
  map: { height: number; width: number; channels: number },
  bn: { gamma: number[]; beta: number[]; mean?: number[]; variance?: number[] },
): number[][][][] {
  const { height, width, channels } = map;
  const projected = h.map((row) =>
    bias.map((b, unit) => row.reduce((total, v, d) => total + v * (kernel[d]?.[unit] as number), b)),
  );

  const mean: number[] = [];
  const variance: number[] = [];
  for (let c = 0; c < channels; c++) {
    const values: number[] = [];
    for (const row of projected) {
      for (let position = 0; position < height * width; position++) {
        values.push(row[position * channels + c] as number);
      }
    }
    const m = values.reduce((s, v) => s + v, 0) / values.length;
    mean.push(bn.mean?.[c] ?? m);
    variance.push(bn.variance?.[c] ?? values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length);
  }

  return projected.map((row) =>
    Array.from({ length: height }, (_, i) =>
      Array.from({ length: width }, (_, j) =>
        Array.from({ length: channels }, (_, c) => {
          const t = row[(i * width + j) * channels + c] as number;
          const y = (bn.gamma[c] as number) * ((t - (mean[c] as number)) / Math.sqrt((variance[c] as number) + EPSILON));
          return Math.max(0, y + (bn.beta[c] as number));
        }),
      ),
    ),
  );
}

describe('FeatureReshape construction', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('defaults match documentation', () => {
    const layer = new FeatureReshape({});
    expect(layer.height).toBe(4);
    expect(layer.width).toBe(4);
    expect(layer.channels).toBe(32);
    const config = layer.getConfig();
    expect(config['height']).toBe(4);
    expect(config['width']).toBe(4);
    expect(config['channels']).toBe(32);
  });

  it.each([
    ['height 0', { height: 0 }, /`height` must be a positive integer; received 0/],
    ['width 2.5', { width: 2.5 }, /`width` must be a positive integer; received 2.5/],
    ['channels -3', { channels: -3 }, /`channels` must be a positive integer; received -3/],
    ['channels string', { channels: '8' as unknown as number }, /`channels` must be a positive integer; received "8"/],
  ])('rejects %s', (_title, args, pattern) => {
    expect(() => new FeatureReshape(args)).toThrow(InvalidArgumentError);
    expect(() => new FeatureReshape(args)).toThrow(pattern);
  });

  it.each([
    ['rank 3', [null, 4, 4], /rank 2 \[B, D\].*\[null,4,4\]/],
    ['unknown D', [null, null], /known D.*\[null,null\]/],
  ])('build rejects %s', (_title, shape, pattern) => {
    expect(() => new FeatureReshape({}).build(shape as tfl.Shape)).toThrow(ShapeMismatchError);
    expect(() => new FeatureReshape({}).build(shape as tfl.Shape)).toThrow(pattern);
  });

  it('weight names and shapes', () => {
    const layer = new FeatureReshape({ height: 2, width: 3, channels: 4 });
    layer.build([null, 5]);
    expect(layer.weights.map((w) => w.originalName.split('/').pop())).toEqual([
      'kernel',
      'bias',
      'bn_gamma',
      'bn_beta',
      'bn_moving_mean',
      'bn_moving_variance',
    ]);
    expect(layer.weights.map((w) => w.shape)).toEqual([[5, 24], [24], [4], [4], [4], [4]]);
    expect(layer.trainableWeights).toHaveLength(4);
  });
});

/**
 * Builds a small layer with seeded weights. The ReLU after BN puts kinks in the loss, and a
 * finite-difference step that crosses one gives a wrong numeric derivative. With seeded weights
 * the distance of every output from 0 is fixed, so the gradient check is deterministic.
 */
function seededLayer(): FeatureReshape {
  const layer = new FeatureReshape({ height: 2, width: 3, channels: 4 });
  // Build through apply, which scopes the weight names under the layer name as model loading
  // expects; a direct build() call would leave them unscoped.
  tf.tidy(() => {
    layer.apply(tf.zeros([1, 5]));
  });
  const bound = 1 / Math.sqrt(5);
  layer.setWeights([
    seededUniform([5, 24], 91, -bound, bound),
    seededUniform([24], 92, -bound, bound),
    seededUniform([4], 93, 0.5, 1.5),
    seededUniform([4], 94, -0.2, 0.2),
    tf.zeros([4]),
    tf.ones([4]),
  ]);
  return layer;
}

runLayerContract({
  name: 'FeatureReshape',
  create: seededLayer,
  inputs: [{ shape: [5] }],
  makeInputs: (batch, seed) => [seededNormal([batch, 5], seed)],
  // Training mode so BN uses batch statistics, which makes the gradient depend on the batch.
  // Step 1e-3 instead of 1e-2: at 1e-2 about half of random initialisations put a ReLU kink
  // inside the difference interval (measured over 20 unseeded layers).
  gradients: { training: true, step: 1e-3 },
  gradientBatch: 4,
});

describeBackends('FeatureReshape values', () => {
  const map = { height: 2, width: 3, channels: 4 };
  const units = map.height * map.width * map.channels;

  function fixedLayer(): { layer: FeatureReshape; kernel: tf.Tensor; bias: tf.Tensor; gamma: tf.Tensor; beta: tf.Tensor } {
    const layer = new FeatureReshape(map);
    layer.build([null, 5]);
    const kernel = seededUniform([5, units], 81);
    const bias = seededUniform([units], 82);
    const gamma = tf.tensor1d([1.5, 0.5, 1, 2]);
    const beta = tf.tensor1d([0.1, -0.2, 0.3, 0]);
    layer.setWeights([kernel, bias, gamma, beta, tf.zeros([4]), tf.ones([4])]);
    return { layer, kernel, bias, gamma, beta };
  }

  it('row-major reshape order', () => {
    // Zero kernel, bias = flat index, identity BN statistics: entry (i, j, c) must equal
    // (i·W + j)·C + c, scaled by 1/sqrt(1 + ε).
    const layer = new FeatureReshape(map);
    layer.build([null, 5]);
    const flatIndex = tf.range(0, units, 1, 'float32');
    layer.setWeights([tf.zeros([5, units]), flatIndex, tf.ones([4]), tf.zeros([4]), tf.zeros([4]), tf.ones([4])]);
    const h = seededNormal([1, 5], 83);
    const y = layer.apply(h, { training: false }) as tf.Tensor;
    const expected = Array.from({ length: map.height }, (_, i) =>
      Array.from({ length: map.width }, (_, j) =>
        Array.from({ length: map.channels }, (_, c) => ((i * map.width + j) * map.channels + c) / Math.sqrt(1 + EPSILON)),
      ),
    );
    expectClose(y, [expected]);
    tf.dispose([flatIndex, h, y]);
  });

  it('training matches naive loop', () => {
    const { layer, kernel, bias, gamma, beta } = fixedLayer();
    const h = seededNormal([3, 5], 84);
    const y = layer.apply(h, { training: true }) as tf.Tensor;
    const expected = referenceFeatureReshape(
      h.arraySync() as number[][],
      kernel.arraySync() as number[][],
      Array.from(bias.dataSync()),
      map,
      { gamma: Array.from(gamma.dataSync()), beta: Array.from(beta.dataSync()) },
    );
    expectClose(y, expected);
    tf.dispose([kernel, bias, gamma, beta, h, y]);
  });

  it('moving statistics after one step', () => {
    // m ← 0.9·0 + 0.1·μ and v ← 0.9·1 + 0.1·σ²·M/(M − 1), with M = B·H·W = 18 entries per channel.
    const { layer, kernel, bias, gamma, beta } = fixedLayer();
    const h = seededNormal([3, 5], 85);
    const y = layer.apply(h, { training: true }) as tf.Tensor;
    const projected = tf.reshape(tf.add(tf.matMul(h as tf.Tensor2D, kernel as tf.Tensor2D), bias), [-1, 4]);
    const { mean, variance } = tf.moments(projected, 0);
    const count = 18;
    const expectedMean = tf.mul(mean, 0.1);
    const expectedVariance = tf.add(0.9, tf.mul(variance, (0.1 * count) / (count - 1)));
    const weights = layer.getWeights();
    expectClose(weights[4] as tf.Tensor, expectedMean);
    expectClose(weights[5] as tf.Tensor, expectedVariance);

    // Inference then uses those statistics.
    const inference = layer.apply(h, { training: false }) as tf.Tensor;
    const expected = referenceFeatureReshape(
      h.arraySync() as number[][],
      kernel.arraySync() as number[][],
      Array.from(bias.dataSync()),
      map,
      {
        gamma: Array.from(gamma.dataSync()),
        beta: Array.from(beta.dataSync()),
        mean: Array.from(expectedMean.dataSync()),
        variance: Array.from(expectedVariance.dataSync()),
      },
    );
    expectClose(inference, expected);
    tf.dispose([kernel, bias, gamma, beta, h, y, projected, mean, variance, expectedMean, expectedVariance, inference]);
  });

  it('doc example runs', () => {
    const reshape = new FeatureReshape({ height: 4, width: 4, channels: 32 });
    const h = seededNormal([8, 64], 87);
    const x = reshape.apply(h, { training: true }) as tf.Tensor;
    expect(x.shape).toEqual([8, 4, 4, 32]);
    tf.dispose([h, x]);
  });

  it('output is non-negative', () => {
    const layer = new FeatureReshape(map);
    const h = seededNormal([6, 5], 86);
    const y = layer.apply(h, { training: true }) as tf.Tensor;
    expect(Math.min(...y.dataSync())).toBeGreaterThanOrEqual(0);
    tf.dispose([h, y]);
  });
});
