import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { MCA, mcaChannelKernelSize } from '../../src/layers/mca';
import { describeBackends, useBackend } from '../helpers/backends';
import { expectClose, expectFinite } from '../helpers/expect-close';
import { runLayerContract } from '../helpers/layer-contract';
import { seededUniform } from '../helpers/random-tensors';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Fixed MCA weights for the reference: [mix, kernel] per gate, in the layer's weight order. */
interface GateWeights {
  mix: [number, number];
  kernel: number[];
}

/**
 * Computes MCA on a [B, H, W, C] array with plain loops, from the reference code's formulas.
 * Each gate takes the mean and unbiased std (+eps) of each slab and mixes them by
 * 1/2 + sigmoid(w). It then runs a 1-D 'same' correlation along the gate axis and a sigmoid.
 * The output is x * (gC + gH + gW) / 3.
 */
function referenceMca(
  x: number[][][][],
  gates: { channel: GateWeights; height: GateWeights; width: GateWeights },
  epsilon: number,
): number[][][][] {
  const batch = x.length;
  const height = x[0]!.length;
  const width = x[0]![0]!.length;
  const channels = x[0]![0]![0]!.length;
  const at = (b: number, i: number, j: number, c: number): number => x[b]![i]![j]![c]!;

  const gate = (b: number, length: number, weights: GateWeights, slab: (l: number) => number[]): number[] => {
    const squeeze: number[] = [];
    for (let l = 0; l < length; l++) {
      const values = slab(l);
      const n = values.length;
      const mean = values.reduce((s, v) => s + v, 0) / n;
      const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
      const std = Math.sqrt(variance + epsilon);
      squeeze.push((0.5 + sigmoid(weights.mix[0])) * mean + (0.5 + sigmoid(weights.mix[1])) * std);
    }
    const pad = (weights.kernel.length - 1) / 2;
    return squeeze.map((_, l) => {
      let total = 0;
      weights.kernel.forEach((kappa, j) => {
        const source = l + j - pad;
        if (source >= 0 && source < length) {
          total += kappa * (squeeze[source] as number);
        }
      });
      return sigmoid(total);
    });
  };

  const output: number[][][][] = [];
  for (let b = 0; b < batch; b++) {
    const gC = gate(b, channels, gates.channel, (c) => {
      const values: number[] = [];
      for (let i = 0; i < height; i++) for (let j = 0; j < width; j++) values.push(at(b, i, j, c));
      return values;
    });
    const gH = gate(b, height, gates.height, (i) => {
      const values: number[] = [];
      for (let j = 0; j < width; j++) for (let c = 0; c < channels; c++) values.push(at(b, i, j, c));
      return values;
    });
    const gW = gate(b, width, gates.width, (j) => {
      const values: number[] = [];
      for (let i = 0; i < height; i++) for (let c = 0; c < channels; c++) values.push(at(b, i, j, c));
      return values;
    });
    output.push(
      x[b]!.map((row, i) =>
        row.map((pixel, j) => pixel.map((v, c) => (v * ((gC[c] as number) + (gH[i] as number) + (gW[j] as number))) / 3)),
      ),
    );
  }
  return output;
}

function gateWeightTensors(gates: { channel: GateWeights; height: GateWeights; width: GateWeights }): tf.Tensor[] {
  return [gates.channel, gates.height, gates.width].flatMap((g) => [tf.tensor1d(g.mix), tf.tensor1d(g.kernel)]);
}

describe('MCA construction', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  it('defaults match documentation', () => {
    const layer = new MCA({});
    expect(layer.epsilon).toBe(1e-5);
    expect(layer.gateKernelSize).toBe(3);
    expect(layer.channelKernelSize).toBeNull();
    const config = layer.getConfig();
    expect(config['epsilon']).toBe(1e-5);
    expect(config['gateKernelSize']).toBe(3);
    expect(config['channelKernelSize']).toBeNull();
  });

  it.each([
    ['epsilon 0', { epsilon: 0 }, /`epsilon` must be a finite number > 0; received 0/],
    ['epsilon NaN', { epsilon: Number.NaN }, /`epsilon`.*received NaN/],
    ['gateKernelSize 2', { gateKernelSize: 2 }, /`gateKernelSize` must be odd.*received 2/],
    ['gateKernelSize 0', { gateKernelSize: 0 }, /`gateKernelSize` must be a positive integer; received 0/],
    ['gateKernelSize 1.5', { gateKernelSize: 1.5 }, /`gateKernelSize` must be a positive integer; received 1.5/],
    ['channelKernelSize 4', { channelKernelSize: 4 }, /`channelKernelSize` must be odd.*received 4/],
    ['channelKernelSize -1', { channelKernelSize: -1 }, /`channelKernelSize` must be a positive integer/],
  ])('rejects %s', (_title, args, pattern) => {
    expect(() => new MCA(args)).toThrow(InvalidArgumentError);
    expect(() => new MCA(args)).toThrow(pattern);
  });

  it.each([
    ['rank 3', [null, 4, 4], /rank 4 \[B, H, W, C\].*\[null,4,4\]/],
    ['unknown channels', [null, 4, 4, null], /must be known.*\[null,4,4,null\]/],
    ['H·W below 2', [null, 1, 1, 8], /channel gate pools H·W = 1 entries/],
    ['W·C below 2', [null, 2, 1, 1], /height gate pools W·C = 1 entries/],
    ['H·C below 2', [null, 1, 2, 1], /width gate pools H·C = 1 entries/],
  ])('build rejects %s', (_title, shape, pattern) => {
    expect(() => new MCA({}).build(shape as tfl.Shape)).toThrow(ShapeMismatchError);
    expect(() => new MCA({}).build(shape as tfl.Shape)).toThrow(pattern);
  });

  it.each([
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 1],
    [6, 1],
    [8, 1],
    [12, 1],
    [16, 1],
    [24, 1],
    [32, 3],
    [48, 3],
    [64, 3],
    [96, 3],
    [128, 3],
    [256, 5],
    [512, 5],
  ])('channel kernel for C %i is %i', (channels, expected) => {
    expect(mcaChannelKernelSize(channels)).toBe(expected);
  });

  it.each([0, -4, 2.5])('channel kernel rejects C %s', (channels) => {
    expect(() => mcaChannelKernelSize(channels)).toThrow(/`channels` must be a positive integer/);
  });

  it.each([
    [{}, 16, [2, 1, 2, 3, 2, 3]],
    [{}, 32, [2, 3, 2, 3, 2, 3]],
    [{ channelKernelSize: 5, gateKernelSize: 1 }, 16, [2, 5, 2, 1, 2, 1]],
  ])('weight shapes for %j, C %i', (args, channels, sizes) => {
    const layer = new MCA(args);
    layer.build([null, 4, 4, channels]);
    expect(layer.weights.map((w) => w.shape[0])).toEqual(sizes);
    expect(layer.weights.map((w) => w.originalName.split('/').pop())).toEqual([
      'channel_mix',
      'channel_kernel',
      'height_mix',
      'height_kernel',
      'width_mix',
      'width_kernel',
    ]);
    expect(layer.getConfig()['channelKernelSize']).toBe((args as { channelKernelSize?: number }).channelKernelSize ?? null);
  });
});

runLayerContract({
  name: 'MCA',
  create: () => new MCA({}),
  inputs: [{ shape: [4, 4, 16] }],
  makeInputs: (batch, seed) => [seededUniform([batch, 4, 4, 16], seed, 0, 2)],
});

describeBackends('MCA values', () => {
  const fixedGates = {
    channel: { mix: [0.3, -0.8], kernel: [0.6, -0.4, 0.9] } as GateWeights,
    height: { mix: [-0.2, 0.5], kernel: [0.25, 0.7, -0.35] } as GateWeights,
    width: { mix: [1.1, 0.1], kernel: [-0.5, 0.45, 0.3] } as GateWeights,
  };

  it('matches naive loop', () => {
    const layer = new MCA({ channelKernelSize: 3 });
    const x = seededUniform([2, 3, 4, 5], 71, -1, 2);
    layer.build(x.shape);
    layer.setWeights(gateWeightTensors(fixedGates));
    const y = layer.apply(x) as tf.Tensor;
    const expected = referenceMca(x.arraySync() as number[][][][], fixedGates, 1e-5);
    expectClose(y, expected);
    tf.dispose([x, y]);
  });

  it('zero kernels halve the input', () => {
    // κ = 0 makes every excitation 0, every gate σ(0) = 1/2, so F = X·(3/2)/3 = X/2.
    const layer = new MCA({});
    const x = seededUniform([2, 4, 4, 16], 72, 0, 3);
    layer.build(x.shape);
    const zeros = layer.getWeights().map((w, i) => (i % 2 === 1 ? tf.zerosLike(w) : w));
    layer.setWeights(zeros);
    const y = layer.apply(x) as tf.Tensor;
    const half = tf.div(x, 2);
    expectClose(y, half);
    tf.dispose([x, y, half]);
  });

  it('doc example runs', () => {
    const mca = new MCA({});
    const f = mca.apply(tf.ones([2, 4, 4, 32])) as tf.Tensor;
    expect(f.shape).toEqual([2, 4, 4, 32]);
    f.dispose();
  });

  it('smallest legal map works', () => {
    // H = 1, W = 2, C = 2: every slab contains exactly 2 entries.
    const layer = new MCA({});
    const x = seededUniform([3, 1, 2, 2], 73);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 1, 2, 2]);
    expectFinite(y, 'MCA output');
    tf.dispose([x, y]);
  });

  it('constant map has finite gradients', () => {
    // Every slab is constant, so the variance is 0; ε keeps sqrt and its gradient finite.
    const layer = new MCA({});
    const x = tf.fill([2, 4, 4, 16], 0.7);
    const y = layer.apply(x) as tf.Tensor;
    expectFinite(y, 'MCA output');

    const loss = (input: tf.Tensor): tf.Scalar => tf.sum(tf.square(layer.apply(input) as tf.Tensor));
    const inputGrad = tf.grad(loss)(x);
    expectFinite(inputGrad, 'input gradient');
    const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => loss(x), variables);
    for (const variable of variables) {
      expectFinite(grads[variable.name] as tf.Tensor, `gradient of ${variable.name}`);
    }
    tf.dispose([x, y, inputGrad, value, ...Object.values(grads)]);
  });

  it('large mean keeps the std squeeze', () => {
    // Slabs of mean 1000 and std about 0.3: the variance must come from centred values, or
    // float32 cancellation in E[x²] − μ² would swamp it.
    const layer = new MCA({ channelKernelSize: 3 });
    const x = tf.add(seededUniform([2, 3, 4, 5], 76, -0.5, 0.5), 1000);
    layer.build(x.shape);
    layer.setWeights(gateWeightTensors(fixedGates));
    const y = layer.apply(x) as tf.Tensor;
    const expected = referenceMca(x.arraySync() as number[][][][], fixedGates, 1e-5);
    expectClose(y, expected, { rtol: 1e-4 });
    tf.dispose([x, y]);
  });

  it('gates stay within (0, 1)', () => {
    // Each gate is a sigmoid, so |F| < |X| elementwise and F has the sign of X.
    const layer = new MCA({});
    const x = seededUniform([2, 4, 4, 16], 74, -3, 3);
    const y = layer.apply(x) as tf.Tensor;
    const ratio = tf.tidy(() => tf.div(y, x).dataSync());
    expect(Math.min(...ratio)).toBeGreaterThan(0);
    expect(Math.max(...ratio)).toBeLessThan(1);
    tf.dispose([x, y]);
  });
});
