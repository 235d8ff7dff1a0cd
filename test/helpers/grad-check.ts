/**
 * Central finite-difference gradient checker (tfjs has none). The scalar loss is
 * `sum(output * R)` with a fixed seeded R, so every output element counts; it is summed in
 * float64 in JavaScript to keep rounding error out of the differences.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import { createRng } from '../../src/random';
import { seededUniform } from './random-tensors';

export interface GradCheckOptions {
  /** Finite-difference step (default 1e-2: float32 forward passes lose precision below ~1e-3). */
  step?: number;
  /** Relative tolerance on each derivative (default 2e-2). */
  rtol?: number;
  /** Absolute tolerance on each derivative (default 2e-3). */
  atol?: number;
  /** Entries checked per tensor, drawn with a seeded stream (default 8). */
  samplesPerTensor?: number;
  /** `training` flag passed to the layer (default false). */
  training?: boolean;
  /** Indices of the inputs to differentiate (default: every float32 input). */
  inputIndices?: number[];
  /** Seed of R and of the sampled entries (default 11). */
  seed?: number;
}

export type Forward = (inputs: tf.Tensor[]) => tf.Tensor;

/** Builds the forward function of a single-output layer. */
export function layerForward(layer: tfl.layers.Layer, training: boolean): Forward {
  return (inputs) => {
    const arg = inputs.length === 1 ? (inputs[0] as tf.Tensor) : inputs;
    return layer.apply(arg, { training }) as tf.Tensor;
  };
}

function scalarLoss(output: tf.Tensor, weightsR: Float32Array): number {
  const values = output.dataSync();
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    total += (values[i] as number) * (weightsR[i] as number);
  }
  return total;
}

/**
 * Compares analytic gradients of `forward` with central differences, for the chosen inputs and
 * every trainable weight of `layer`; also asserts that each weight gradient is finite and not
 * all zeros. Returns the worst normalised error seen (|a - n| / (atol + rtol * max(|a|, |n|))).
 */
export function checkGradients(
  layer: tfl.layers.Layer,
  inputs: tf.Tensor[],
  options: GradCheckOptions = {},
): number {
  const step = options.step ?? 1e-2;
  const rtol = options.rtol ?? 2e-2;
  const atol = options.atol ?? 2e-3;
  const samples = options.samplesPerTensor ?? 8;
  const training = options.training ?? false;
  const seed = options.seed ?? 11;
  const inputIndices =
    options.inputIndices ?? inputs.map((x, i) => (x.dtype === 'float32' ? i : -1)).filter((i) => i >= 0);
  const forward = layerForward(layer, training);

  // Build the layer and fix R.
  const probe = forward(inputs);
  const rTensor = seededUniform(probe.shape, seed);
  const rValues = rTensor.dataSync() as Float32Array;
  probe.dispose();

  const lossTensor = (xs: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(forward(xs), rTensor));
  const numericLoss = (xs: tf.Tensor[]): number => tf.tidy(() => scalarLoss(forward(xs), rValues));

  const rng = createRng(seed + 1);
  const failures: string[] = [];
  let worst = 0;
  const compare = (label: string, analytic: number, numeric: number): void => {
    const bound = atol + rtol * Math.max(Math.abs(analytic), Math.abs(numeric));
    const ratio = Math.abs(analytic - numeric) / bound;
    worst = Math.max(worst, Number.isFinite(ratio) ? ratio : Infinity);
    if (!(ratio <= 1) && failures.length < 8) {
      failures.push(`${label}: analytic ${analytic}, numeric ${numeric}`);
    }
  };
  const pick = (size: number): number[] => {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(samples, size)) {
      chosen.add(rng.int(size));
    }
    return [...chosen];
  };

  // Input gradients.
  const others = (xs: tf.Tensor[], index: number, replacement: tf.Tensor): tf.Tensor[] =>
    xs.map((x, i) => (i === index ? replacement : x));
  for (const index of inputIndices) {
    const x = inputs[index] as tf.Tensor;
    const grad = tf.tidy(() => tf.grad((xi: tf.Tensor) => lossTensor(others(inputs, index, xi)))(x));
    const gradValues = grad.dataSync();
    grad.dispose();
    const base = x.dataSync().slice() as Float32Array;
    for (const flat of pick(base.length)) {
      const perturbed = (delta: number): number => {
        const values = base.slice();
        values[flat] = (values[flat] as number) + delta;
        const xp = tf.tensor(values, x.shape, 'float32');
        const loss = numericLoss(others(inputs, index, xp));
        xp.dispose();
        return loss;
      };
      const numeric = (perturbed(step) - perturbed(-step)) / (2 * step);
      compare(`input ${index}[${flat}]`, gradValues[flat] as number, numeric);
    }
  }

  // Weight gradients.
  const weights = layer.trainableWeights;
  const variables = weights.map((w) => w.read() as tf.Variable);
  // variableGrads rejects an empty list, so weight-free layers skip this part.
  const { value, grads } =
    variables.length > 0
      ? tf.variableGrads(() => lossTensor(inputs), variables)
      : { value: tf.scalar(0), grads: {} as tf.NamedTensorMap };
  value.dispose();
  for (const [i, weight] of weights.entries()) {
    const variable = variables[i] as tf.Variable;
    const grad = grads[variable.name];
    expect(grad, `no gradient for weight ${weight.name}`).toBeDefined();
    const gradValues = (grad as tf.Tensor).dataSync();
    const finite = Array.from(gradValues).every((g) => Number.isFinite(g));
    const nonZero = Array.from(gradValues).some((g) => g !== 0);
    expect(finite, `weight ${weight.name} has a non-finite gradient`).toBe(true);
    expect(nonZero, `weight ${weight.name} gets an all-zero gradient`).toBe(true);

    const base = weight.read().dataSync().slice() as Float32Array;
    for (const flat of pick(base.length)) {
      const perturbed = (delta: number): number => {
        const values = base.slice();
        values[flat] = (values[flat] as number) + delta;
        tf.tidy(() => {
          weight.write(tf.tensor(values, weight.shape as number[], 'float32'));
        });
        return numericLoss(inputs);
      };
      const numeric = (perturbed(step) - perturbed(-step)) / (2 * step);
      tf.tidy(() => {
        weight.write(tf.tensor(base, weight.shape as number[], 'float32'));
      });
      compare(`${weight.name}[${flat}]`, gradValues[flat] as number, numeric);
    }
  }
  tf.dispose(Object.values(grads));
  rTensor.dispose();

  expect(failures, `gradients differ from central differences (step ${step})`).toEqual([]);
  return worst;
}
