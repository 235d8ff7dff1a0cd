import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { Correlation4DCCA, type Correlation4DCCAArgs } from '../../src/layers/correlation-4d-cca';
import { createRng } from '../../src/random';
import { describeBackends } from '../helpers/backends';
import { expectClose, expectFinite } from '../helpers/expect-close';
import { runLayerContract } from '../helpers/layer-contract';
import { seededUniform } from '../helpers/random-tensors';

/**
 * Writes weights by their unscoped names (`kernel_reduce`, `sep1_first`, ...). tfjs appends
 * `_1`, `_2`, ... to a weight name already taken by an earlier layer, so that suffix is ignored.
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

const relu = (v: number) => Math.max(0, v);

/** Fixed weights for C channels, reduction d and hidden width h; BN in inference form. */
function fixedWeights(channels: number, d: number, h: number): Record<string, Float32Array> {
  const weights: Record<string, Float32Array> = {
    kernel_reduce: randomArray(channels * d, 91, -1, 1),
    sep1_first: randomArray(9, 92, -0.6, 0.6),
    sep1_second: randomArray(9, 93, -0.6, 0.6),
    sep1_projection: randomArray(h, 94, -1, 1),
    sep2_first: randomArray(9 * h * h, 95, -0.5, 0.5),
    sep2_second: randomArray(9 * h * h, 96, -0.5, 0.5),
    sep2_projection: randomArray(h, 97, -1, 1),
  };
  const norms: Array<[string, number]> = [
    ['bn_reduce', d],
    ['sep1_first_bn', 1],
    ['sep1_second_bn', 1],
    ['sep1_projection_bn', h],
    ['sep2_first_bn', h],
    ['sep2_second_bn', h],
    ['sep2_projection_bn', 1],
  ];
  norms.forEach(([prefix, size], k) => {
    weights[`${prefix}_gamma`] = randomArray(size, 100 + k, 0.5, 1.5);
    weights[`${prefix}_beta`] = randomArray(size, 110 + k, -0.3, 0.3);
    weights[`${prefix}_moving_mean`] = randomArray(size, 120 + k, -0.2, 0.2);
    weights[`${prefix}_moving_variance`] = randomArray(size, 130 + k, 0.5, 1.5);
  });
  return weights;
}

/**
 * Direct-loop reference of the layer in inference mode (moving BN statistics), written from
 * the formulas, with the separable 4-D convolution as an explicit loop over both position grids.
 * Returns f_inter [B, C] and the attention a [B, N].
 */
function ccaReference(
  x: Float32Array,
  [batch, height, width, channels]: number[],
  d: number,
  h: number,
  w: Record<string, Float32Array>,
  temperature: number,
): { features: number[]; attention: number[] } {
  const n = height * width;
  const bn = (value: number, prefix: string, c: number) =>
    (w[`${prefix}_gamma`]![c]! * (value - w[`${prefix}_moving_mean`]![c]!)) /
      Math.sqrt(w[`${prefix}_moving_variance`]![c]! + 1e-5) +
    w[`${prefix}_beta`]![c]!;

  // 3x3 'same' convolution over one position grid; `over` picks which of the two positions moves.
  const convPair = (input: number[][][][], kernel: Float32Array, cin: number, over: 0 | 1): number[][][][] =>
    input.map((plane) =>
      plane.map((row, s) =>
        row.map((_, t) => {
          const moving = over === 0 ? s : t;
          const [mi, mj] = [Math.floor(moving / width), moving % width];
          return Array.from({ length: cin }, (_o, o) => {
            let total = 0;
            for (let a = 0; a < 3; a++) {
              for (let e = 0; e < 3; e++) {
                const [pi, pj] = [mi + a - 1, mj + e - 1];
                if (pi < 0 || pi >= height || pj < 0 || pj >= width) continue;
                const p = pi * width + pj;
                const source = over === 0 ? plane[p]![t]! : plane[s]![p]!;
                for (let i = 0; i < cin; i++) total += source[i]! * kernel[((a * 3 + e) * cin + i) * cin + o]!;
              }
            }
            return total;
          });
        }),
      ),
    );
  const mapChannels = (input: number[][][][], f: (v: number, c: number) => number) =>
    input.map((plane) => plane.map((row) => row.map((vec) => vec.map(f))));
  const sepConv4d = (input: number[][][][], prefix: string, cin: number, cout: number): number[][][][] => {
    const first = mapChannels(convPair(input, w[`${prefix}_first`]!, cin, 0), (v, c) => relu(bn(v, `${prefix}_first_bn`, c)));
    const second = mapChannels(convPair(first, w[`${prefix}_second`]!, cin, 1), (v, c) => bn(v, `${prefix}_second_bn`, c));
    if (cin === cout) return second;
    return second.map((plane) =>
      plane.map((row) =>
        row.map((vec) =>
          Array.from({ length: cout }, (_o, o) =>
            bn(vec.reduce((sum, v, i) => sum + v * w[`${prefix}_projection`]![i * cout + o]!, 0), `${prefix}_projection_bn`, o),
          ),
        ),
      ),
    );
  };

  const features: number[] = [];
  const attention: number[] = [];
  for (let b = 0; b < batch; b++) {
    // centre(F), then Q̂ = L2(ReLU(BN(Z̃·W_r))).
    const centred = Array.from({ length: n }, (_p, p) => {
      const vec = Array.from({ length: channels }, (_c, c) => x[(b * n + p) * channels + c]!);
      const mean = vec.reduce((s, v) => s + v, 0) / channels;
      return vec.map((v) => v - mean);
    });
    const unit = centred.map((vec) => {
      const q = Array.from({ length: d }, (_o, o) =>
        relu(bn(vec.reduce((s, v, c) => s + v * w.kernel_reduce![c * d + o]!, 0), 'bn_reduce', o)),
      );
      const norm = Math.max(Math.sqrt(q.reduce((s, v) => s + v * v, 0)), 1e-8);
      return q.map((v) => v / norm);
    });
    const correlation = [unit.map((us) => unit.map((uq) => [us.reduce((s, v, k) => s + v * uq[k]!, 0)]))];
    const hidden = mapChannels(sepConv4d(correlation, 'sep1', 1, h), relu);
    const g = sepConv4d(hidden, 'sep2', h, 1)[0]!;

    const a = new Array<number>(n).fill(0);
    for (let q = 0; q < n; q++) {
      const scores = Array.from({ length: n }, (_s, s) => g[s]![q]![0]! + g[q]![s]![0]!);
      const mean = scores.reduce((sum, v) => sum + v, 0) / n;
      const variance = scores.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
      const logits = scores.map((v) => (v - mean) / Math.sqrt(variance + 1e-5) / temperature);
      const top = Math.max(...logits);
      const exps = logits.map((v) => Math.exp(v - top));
      const total = exps.reduce((sum, v) => sum + v, 0);
      exps.forEach((v, s) => (a[s]! += v / total));
    }
    attention.push(...a);
    for (let c = 0; c < channels; c++) {
      features.push(a.reduce((sum, weight, s) => sum + weight * centred[s]![c]!, 0) / n);
    }
  }
  return { features, attention };
}

describe('Correlation4DCCA construction', () => {
  it('defaults match documentation', () => {
    const layer = new Correlation4DCCA();
    expect(layer.reducedChannels).toBe(8);
    expect(layer.hiddenChannels).toBe(16);
    expect(layer.temperature).toBe(1);
    expect(layer.symmetric).toBe(true);
    expect(layer.attentionOrder).toBe('softmaxThenSum');
    const config = layer.getConfig();
    expect(config.reducedChannels).toBe(8);
    expect(config.hiddenChannels).toBe(16);
    expect(config.temperature).toBe(1);
    expect(config.symmetric).toBe(true);
    expect(config.attentionOrder).toBe('softmaxThenSum');
  });

  it.each([
    [{ reducedChannels: 0 }, /`reducedChannels`/],
    [{ reducedChannels: 1.5 }, /`reducedChannels`/],
    [{ hiddenChannels: -1 }, /`hiddenChannels`/],
    [{ temperature: 0 }, /`temperature`/],
    [{ temperature: Number.POSITIVE_INFINITY }, /`temperature`/],
    [{ symmetric: 'yes' }, /`symmetric`/],
    [{ attentionOrder: 'sum_then_softmax' }, /`attentionOrder`/],
  ] as Array<[Correlation4DCCAArgs, RegExp]>)('rejects %j', (args, pattern) => {
    expect(() => new Correlation4DCCA(args)).toThrow(InvalidArgumentError);
    expect(() => new Correlation4DCCA(args)).toThrow(pattern);
  });

  it.each([
    [[null, 1, 1, 4], /at least 2 positions/],
    [[null, 4, 4], /\[B, H, W, C\]/],
    [[null, 4, null, 4], /known positive H, W and C/],
  ])('build rejects shape %j', (shape, pattern) => {
    const layer = new Correlation4DCCA();
    expect(() => layer.build(shape as tfl.Shape)).toThrow(ShapeMismatchError);
    expect(() => layer.build(shape as tfl.Shape)).toThrow(pattern);
  });

  it('default preset has 5032 parameters', () => {
    const layer = new Correlation4DCCA();
    layer.build([null, 4, 4, 32]);
    const count = layer.trainableWeights.reduce((total, w) => total + w.shape.reduce((p: number, s) => p * (s as number), 1), 0);
    expect(count).toBe(5032);
  });
});

runLayerContract({
  name: 'Correlation4DCCA',
  create: () => new Correlation4DCCA({ reducedChannels: 3, hiddenChannels: 2 }),
  inputs: [{ shape: [3, 3, 4] }],
  makeInputs: (batch, seed) => [seededUniform([batch, 3, 3, 4], seed, 0, 1)],
  // Step 3e-4, not the default 1e-2: the gaussian normalisation, batch-statistics BN and
  // softmax make the loss strongly curved, and at 1e-2 or 1e-3 the central differences still
  // differ from the limit by a few percent (they converge to the analytic value as the step
  // shrinks). float32 rounding at this step stays below the default atol.
  gradients: { training: true, step: 3e-4 },
  gradientBatch: 3,
});

describeBackends('Correlation4DCCA values', () => {
  const shape = [2, 3, 3, 4];

  function fixedLayer(args: Correlation4DCCAArgs, x: tf.Tensor): Correlation4DCCA {
    const layer = new Correlation4DCCA({ reducedChannels: 3, hiddenChannels: 2, ...args });
    (layer.apply(x) as tf.Tensor).dispose();
    setNamedWeights(layer, fixedWeights(4, 3, 2));
    return layer;
  }

  it('matches loop reference', () => {
    const x = seededUniform(shape, 141, 0, 1);
    const layer = fixedLayer({ temperature: 0.7 }, x);
    const y = layer.apply(x) as tf.Tensor;
    const attention = layer.computeAttention(x as tf.Tensor4D);
    const expected = ccaReference(x.dataSync() as Float32Array, shape, 3, 2, fixedWeights(4, 3, 2), 0.7);
    // float32 against a float64 loop through seven BN steps and a softmax.
    expectClose(Array.from(y.dataSync()), expected.features, { atol: 1e-5, rtol: 1e-3 });
    expectClose(Array.from(attention.dataSync()), expected.attention, { atol: 1e-4, rtol: 1e-3 });
    expect(attention.shape).toEqual([2, 3, 3]);
    tf.dispose([x, y, attention]);
    layer.dispose();
  });

  it.each([false, true])('symmetric equals two-pass, training %s', (training) => {
    const x = seededUniform(shape, 142, 0, 1);
    const oneModel = fixedLayer({ symmetric: true }, x);
    const twoModel = fixedLayer({ symmetric: false }, x);
    const one = oneModel.apply(x, { training }) as tf.Tensor;
    const two = twoModel.apply(x, { training }) as tf.Tensor;
    expectClose(one, two, { atol: 1e-6, rtol: 1e-4 });
    tf.dispose([x, one, two]);
    oneModel.dispose();
    twoModel.dispose();
  });

  it.each(['softmaxThenSum', 'sumThenSoftmax'] as const)('attention sums to N, %s', (attentionOrder) => {
    const x = seededUniform([3, 3, 3, 4], 143, -1, 1);
    const layer = new Correlation4DCCA({ reducedChannels: 3, hiddenChannels: 2, attentionOrder });
    const attention = layer.computeAttention(x as tf.Tensor4D, true);
    expectClose(tf.sum(attention, [1, 2]), tf.fill([3], 9), { atol: 1e-4, rtol: 1e-5 });
    expect(tf.min(attention).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(attention).dataSync()[0]).toBeLessThanOrEqual(9 + 1e-4);
    tf.dispose([x, attention]);
    layer.dispose();
  });

  it('large temperature gives centred mean', () => {
    const x = seededUniform(shape, 144, -1, 1);
    const layer = new Correlation4DCCA({ reducedChannels: 3, hiddenChannels: 2, temperature: 1e6 });
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const centred = tf.sub(x, tf.mean(x, -1, true));
    const expected = tf.mean(centred, [1, 2]);
    expectClose(y, expected, { atol: 1e-5, rtol: 1e-4 });
    tf.dispose([x, y, centred, expected]);
    layer.dispose();
  });

  it('all-zero rows stay finite', () => {
    const layer = new Correlation4DCCA({ reducedChannels: 3, hiddenChannels: 2 });
    const x = tf.concat([tf.zeros([1, 3, 3, 4]), seededUniform([2, 3, 3, 4], 145)]);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    expectFinite(y, 'output');
    const allZero = tf.zeros([2, 3, 3, 4]);
    const zeroOutput = layer.apply(allZero, { training: true }) as tf.Tensor;
    expectFinite(zeroOutput, 'output of an all-zero batch');
    const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x, { training: true }) as tf.Tensor)), variables);
    for (const grad of Object.values(grads)) {
      expectFinite(grad, 'weight gradient');
    }
    const inputGrad = tf.grad((input: tf.Tensor) => tf.sum(layer.apply(input, { training: true }) as tf.Tensor))(x);
    expectFinite(inputGrad, 'input gradient');
    tf.dispose([x, y, allZero, zeroOutput, value, inputGrad, ...Object.values(grads)]);
    layer.dispose();
  });

  it('computeAttention rejects other map', () => {
    const layer = new Correlation4DCCA({ reducedChannels: 3, hiddenChannels: 2 });
    const x = tf.ones([1, 3, 3, 4]);
    (layer.apply(x) as tf.Tensor).dispose();
    const other = tf.ones([1, 4, 4, 4]) as tf.Tensor4D;
    expect(() => layer.computeAttention(other)).toThrow(ShapeMismatchError);
    expect(() => layer.computeAttention(other)).toThrow(/\[B, 3, 3, 4\]/);
    tf.dispose([x, other]);
    layer.dispose();
  });

  it('dispose frees constant matrices', () => {
    const x = tf.ones([1, 4, 4, 3]);
    const before = tf.memory().numTensors;
    const layer = new Correlation4DCCA({ reducedChannels: 2, hiddenChannels: 2 });
    (layer.apply(x) as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
