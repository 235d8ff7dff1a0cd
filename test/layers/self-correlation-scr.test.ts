import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, NotImplementedError, ShapeMismatchError } from '../../src/errors';
import { SelfCorrelationSCR, type SelfCorrelationSCRArgs } from '../../src/layers/self-correlation-scr';
import { createRng } from '../../src/random';
import { describeBackends } from '../helpers/backends';
import { expectClose, expectFinite } from '../helpers/expect-close';
import { runLayerContract } from '../helpers/layer-contract';
import { seededUniform } from '../helpers/random-tensors';

/**
 * Writes weights by their unscoped names (`kernel_in`, `bn_in_gamma`, ...). tfjs appends `_1`,
 * `_2`, ... to a weight name already taken by an earlier layer, so that suffix is ignored.
 */
function setNamedWeights(layer: tfl.layers.Layer, values: Record<string, Float32Array>): void {
  let written = 0;
  for (const weight of layer.weights) {
    const key = Object.keys(values).find((name) => new RegExp(`(^|/)${name}(_\\d+)?$`).test(weight.name));
    if (key !== undefined) {
      weight.write(tf.tensor(values[key] as Float32Array, weight.shape as number[]));
      written++;
    }
  }
  expect(written, 'weights written').toBe(Object.keys(values).length);
}

function randomArray(size: number, seed: number, min: number, max: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: size }, () => min + (max - min) * rng.next());
}

/** Per-channel BN of rows [M, ch]: batch statistics (biased variance) or the given moving ones. */
function batchNormLoop(
  values: Float64Array,
  channels: number,
  params: { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array },
  training: boolean,
): Float64Array {
  const rows = values.length / channels;
  const out = new Float64Array(values.length);
  for (let c = 0; c < channels; c++) {
    let mean = params.mean[c] as number;
    let variance = params.variance[c] as number;
    if (training) {
      mean = 0;
      for (let r = 0; r < rows; r++) mean += values[r * channels + c] as number;
      mean /= rows;
      variance = 0;
      for (let r = 0; r < rows; r++) variance += ((values[r * channels + c] as number) - mean) ** 2;
      variance /= rows;
    }
    for (let r = 0; r < rows; r++) {
      const normalised = ((values[r * channels + c] as number) - mean) / Math.sqrt(variance + 1e-5);
      out[r * channels + c] = (params.gamma[c] as number) * normalised + (params.beta[c] as number);
    }
  }
  return out;
}

const relu = (v: number) => Math.max(0, v);

/**
 * Direct-loop reference of the layer's maths (self-correlation over a 5x5 window, 1x1 conv,
 * two valid 3x3 convs, 1x1 conv, BN after each, residual), written from the formulas.
 */
function scrReference(
  x: Float32Array,
  [batch, height, width, channels]: number[],
  d: number,
  w: Record<string, Float32Array>,
  training: boolean,
): Float64Array {
  const positions = height * width;
  const bn = (prefix: string) => ({
    gamma: w[`${prefix}_gamma`] as Float32Array,
    beta: w[`${prefix}_beta`] as Float32Array,
    mean: w[`${prefix}_moving_mean`] as Float32Array,
    variance: w[`${prefix}_moving_variance`] as Float32Array,
  });

  // Z = ReLU(F) and Ẑ = Z / max(‖Z‖, 1e-12).
  const z = Float64Array.from(x, relu);
  const unit = new Float64Array(z.length);
  for (let p = 0; p < batch * positions; p++) {
    let norm = 0;
    for (let c = 0; c < channels; c++) norm += (z[p * channels + c] as number) ** 2;
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
    for (let c = 0; c < channels; c++) unit[p * channels + c] = (z[p * channels + c] as number) * scale;
  }

  // Y0[b, n, u, v, o] = Σ_c Ẑ[b, n + (u−2, v−2), c]·Ẑ[b, n, c]·W_in[c, o].
  const y0 = new Float64Array(batch * positions * 25 * d);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        const n = i * width + j;
        for (let u = 0; u < 5; u++) {
          for (let v = 0; v < 5; v++) {
            const row = i + u - 2;
            const col = j + v - 2;
            const inside = row >= 0 && row < height && col >= 0 && col < width;
            for (let o = 0; o < d; o++) {
              let total = 0;
              for (let c = 0; c < channels && inside; c++) {
                const neighbour = unit[((b * height + row) * width + col) * channels + c] as number;
                const centre = unit[(b * positions + n) * channels + c] as number;
                total += neighbour * centre * (w.kernel_in![c * d + o] as number);
              }
              y0[(((b * positions + n) * 5 + u) * 5 + v) * d + o] = total;
            }
          }
        }
      }
    }
  }
  const a0 = batchNormLoop(y0, d, bn('bn_in'), training).map(relu);

  // Valid 3x3 convolution over the window: 5x5 -> 3x3, then 3x3 -> 1x1.
  const convWindow = (input: Float64Array, side: number, kernel: Float32Array): Float64Array => {
    const outSide = side - 2;
    const out = new Float64Array(batch * positions * outSide * outSide * d);
    for (let m = 0; m < batch * positions; m++) {
      for (let p = 0; p < outSide; p++) {
        for (let q = 0; q < outSide; q++) {
          for (let o = 0; o < d; o++) {
            let total = 0;
            for (let a = 0; a < 3; a++) {
              for (let e = 0; e < 3; e++) {
                for (let c = 0; c < d; c++) {
                  total +=
                    (input[((m * side + p + a) * side + q + e) * d + c] as number) *
                    (kernel[((a * 3 + e) * d + c) * d + o] as number);
                }
              }
            }
            out[((m * outSide + p) * outSide + q) * d + o] = total;
          }
        }
      }
    }
    return out;
  };
  const a1 = batchNormLoop(convWindow(a0, 5, w.kernel_1!), d, bn('bn_1'), training).map(relu);
  const a2 = batchNormLoop(convWindow(a1, 3, w.kernel_2!), d, bn('bn_2'), training).map(relu);

  // Y3 = BN_out(Y2·W_out); S = ReLU(Z + Y3).
  const y3 = new Float64Array(batch * positions * channels);
  for (let m = 0; m < batch * positions; m++) {
    for (let o = 0; o < channels; o++) {
      let total = 0;
      for (let c = 0; c < d; c++) total += (a2[m * d + c] as number) * (w.kernel_out![c * channels + o] as number);
      y3[m * channels + o] = total;
    }
  }
  const a3 = batchNormLoop(y3, channels, bn('bn_out'), training);
  return a3.map((value, k) => relu((z[k] as number) + value));
}

/** Fixed, non-trivial weights for C channels and width d. */
function fixedWeights(channels: number, d: number): Record<string, Float32Array> {
  const weights: Record<string, Float32Array> = {
    kernel_in: randomArray(channels * d, 31, -1, 1),
    kernel_1: randomArray(9 * d * d, 32, -0.6, 0.6),
    kernel_2: randomArray(9 * d * d, 33, -0.6, 0.6),
    kernel_out: randomArray(d * channels, 34, -1, 1),
  };
  const norms: Array<[string, number]> = [['bn_in', d], ['bn_1', d], ['bn_2', d], ['bn_out', channels]];
  norms.forEach(([prefix, size], k) => {
    weights[`${prefix}_gamma`] = randomArray(size, 40 + k, 0.5, 1.5);
    weights[`${prefix}_beta`] = randomArray(size, 50 + k, -0.3, 0.3);
    weights[`${prefix}_moving_mean`] = randomArray(size, 60 + k, -0.2, 0.2);
    weights[`${prefix}_moving_variance`] = randomArray(size, 70 + k, 0.05, 0.3);
  });
  return weights;
}

describe('SelfCorrelationSCR construction', () => {
  it('defaults match documentation', () => {
    const layer = new SelfCorrelationSCR();
    expect(layer.windowSize).toBe(5);
    expect(layer.innerChannels).toBe(8);
    expect(layer.epsilon).toBe(1e-12);
    const config = layer.getConfig();
    expect(config.windowSize).toBe(5);
    expect(config.innerChannels).toBe(8);
    expect(config.epsilon).toBe(1e-12);
  });

  it.each([
    [{ innerChannels: 0 }, InvalidArgumentError, /`innerChannels`/],
    [{ innerChannels: 2.5 }, InvalidArgumentError, /`innerChannels`/],
    [{ windowSize: 0 }, InvalidArgumentError, /`windowSize`/],
    [{ windowSize: 3 }, NotImplementedError, /`windowSize` 3 is not supported/],
    [{ windowSize: 7 }, NotImplementedError, /`windowSize`/],
    [{ epsilon: 0 }, InvalidArgumentError, /`epsilon`/],
    [{ epsilon: Number.NaN }, InvalidArgumentError, /`epsilon`/],
  ] as Array<[SelfCorrelationSCRArgs, new (...args: never[]) => Error, RegExp]>)(
    'rejects %j',
    (args, errorClass, pattern) => {
      expect(() => new SelfCorrelationSCR(args)).toThrow(errorClass);
      expect(() => new SelfCorrelationSCR(args)).toThrow(pattern);
    },
  );

  it.each([
    [[null, 4, 4], /\[B, H, W, C\]/],
    [[null, null, 4, 8], /known positive H, W and C/],
  ])('build rejects shape %j', (shape, pattern) => {
    const layer = new SelfCorrelationSCR();
    expect(() => layer.build(shape as tfl.Shape)).toThrow(ShapeMismatchError);
    expect(() => layer.build(shape as tfl.Shape)).toThrow(pattern);
  });

  it('default preset has 1776 parameters', () => {
    const layer = new SelfCorrelationSCR();
    layer.build([null, 4, 4, 32]);
    const count = layer.trainableWeights.reduce((total, w) => total + w.shape.reduce((p: number, s) => p * (s as number), 1), 0);
    expect(count).toBe(1776);
    expect(layer.getWeights().length).toBe(20);
  });
});

runLayerContract({
  name: 'SelfCorrelationSCR',
  create: () => new SelfCorrelationSCR({ innerChannels: 4 }),
  inputs: [{ shape: [3, 3, 4] }],
  // Positive inputs keep the finite differences off the kink of the first ReLU.
  makeInputs: (batch, seed) => [seededUniform([batch, 3, 3, 4], seed, 0.1, 1)],
  // Step 1e-3, not the default 1e-2, and rtol 5e-2, not 2e-2: about 70% of the window taps of
  // a 3x3 map lie outside it and share one BN output per channel, so a small move of one weight
  // shifts hundreds of pre-ReLU values at once and some cross 0 inside the difference step
  // (cpu and wasm give the same numbers, so this is the maths, not a backend error).
  gradients: { training: true, step: 1e-3, rtol: 5e-2 },
  gradientBatch: 3,
});

describeBackends('SelfCorrelationSCR values', () => {
  it.each([false, true])('matches loop reference, training %s', (training) => {
    const shape = [2, 3, 3, 2];
    const weights = fixedWeights(2, 2);
    const layer = new SelfCorrelationSCR({ innerChannels: 2 });
    const x = seededUniform(shape, 81, -0.3, 1);
    (layer.apply(x) as tf.Tensor).dispose();
    setNamedWeights(layer, weights);
    const y = layer.apply(x, { training }) as tf.Tensor;
    const expected = scrReference(x.dataSync() as Float32Array, shape, 2, weights, training);
    // float32 against a float64 loop through four BN steps (small variances in training).
    expectClose(Array.from(y.dataSync()), Array.from(expected), { atol: 1e-4, rtol: 1e-3 });
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('all-zero rows stay finite', () => {
    const layer = new SelfCorrelationSCR({ innerChannels: 2 });
    const x = tf.concat([tf.zeros([1, 3, 3, 4]), seededUniform([2, 3, 3, 4], 82)]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    expectFinite(y, 'output');
    const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x, { training: true }) as tf.Tensor)), variables);
    for (const grad of Object.values(grads)) {
      expectFinite(grad, 'weight gradient');
    }
    const inputGrad = tf.grad((input: tf.Tensor) => tf.sum(layer.apply(input, { training: true }) as tf.Tensor))(x);
    expectFinite(inputGrad, 'input gradient');
    tf.dispose([x, y, value, inputGrad, ...Object.values(grads)]);
    layer.dispose();
  });

  it('dispose frees constant matrices', () => {
    const x = tf.ones([1, 4, 4, 3]);
    const before = tf.memory().numTensors;
    const layer = new SelfCorrelationSCR({ innerChannels: 2 });
    (layer.apply(x) as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
