/** Seeded tensors built from the library's own PRNG, so cpu and wasm see identical inputs. */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../src/random';

/** Uniform float32 tensor in [min, max). */
export function seededUniform(shape: number[], seed: number, min = -1, max = 1): tf.Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    values[i] = min + (max - min) * rng.next();
  }
  return tf.tensor(values, shape, 'float32');
}

/** Standard normal float32 tensor. */
export function seededNormal(shape: number[], seed: number, std = 1): tf.Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    values[i] = std * rng.normal();
  }
  return tf.tensor(values, shape, 'float32');
}

/** int32 tensor of codes, column j uniform in [0, cardinalities[j]]. */
export function seededCodes(batch: number, cardinalities: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const values = new Int32Array(batch * cardinalities.length);
  for (let b = 0; b < batch; b++) {
    cardinalities.forEach((card, j) => {
      values[b * cardinalities.length + j] = rng.int(card + 1);
    });
  }
  return tf.tensor2d(values, [batch, cardinalities.length], 'int32');
}
