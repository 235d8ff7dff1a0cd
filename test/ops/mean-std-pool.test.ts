import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors';
import { meanStdPool } from '../../src/ops/mean-std-pool';
import { describeBackends } from '../helpers/backends';
import { expectClose, expectFinite } from '../helpers/expect-close';
import { seededUniform } from '../helpers/random-tensors';

/** Naive reference: mean and sqrt(unbiased variance + eps) over the last two axes of [B, L, M]. */
function referenceMeanStd(values: Float32Array, shape: [number, number, number], epsilon: number) {
  const [batch, rows, cols] = shape;
  const n = rows * cols;
  const mean: number[] = [];
  const std: number[] = [];
  for (let b = 0; b < batch; b++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += values[b * n + i] as number;
    }
    const m = total / n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      squares += ((values[b * n + i] as number) - m) ** 2;
    }
    mean.push(m);
    std.push(Math.sqrt(squares / (n - 1) + epsilon));
  }
  return { mean, std };
}

describeBackends('meanStdPool', () => {
  it('hand example values', () => {
    // mean of 1..4 is 2.5; unbiased variance (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3.
    const x = tf.tensor3d([[[1, 2], [3, 4]]]);
    const { mean, std } = meanStdPool(x, [1, 2]);
    expectClose(mean, [2.5]);
    expectClose(std, [Math.sqrt(5 / 3 + 1e-5)]);
    tf.dispose([x, mean, std]);
  });

  it('matches naive loop', () => {
    const x = seededUniform([3, 4, 5], 21);
    const { mean, std } = meanStdPool(x, [1, 2], 1e-3);
    const expected = referenceMeanStd(x.dataSync() as Float32Array, [3, 4, 5], 1e-3);
    expectClose(mean, expected.mean);
    expectClose(std, expected.std);
    tf.dispose([x, mean, std]);
  });

  it('non-adjacent and negative axes', () => {
    // Pooling axes [0, -1] of [2, 3, 2] leaves the middle axis.
    const x = seededUniform([2, 3, 2], 22);
    const { mean, std } = meanStdPool(x, [0, -1]);
    expect(mean.shape).toEqual([3]);
    expect(std.shape).toEqual([3]);
    const moved = tf.transpose(x, [1, 0, 2]);
    const expected = referenceMeanStd(moved.dataSync() as Float32Array, [3, 2, 2], 1e-5);
    expectClose(mean, expected.mean);
    expectClose(std, expected.std);
    tf.dispose([x, moved, mean, std]);
  });

  it('constant slab keeps gradient finite', () => {
    const x = tf.fill([2, 3, 3], 0.7);
    const { std } = meanStdPool(x, [1, 2]);
    expectClose(std, [Math.sqrt(1e-5), Math.sqrt(1e-5)], { atol: 1e-6, rtol: 1e-4 });
    const grad = tf.grad((input: tf.Tensor) => tf.sum(meanStdPool(input, [1, 2]).std))(x);
    expectFinite(grad, 'std gradient');
    tf.dispose([x, std, grad]);
  });

  it('leaves no tensors behind', () => {
    const x = seededUniform([2, 4, 4], 23);
    const before = tf.memory().numTensors;
    const { mean, std } = meanStdPool(x, [1, 2]);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([x, mean, std]);
  });
});

describe('meanStdPool arguments', () => {
  it.each([
    ['single entry', [2, 1, 1], [1, 2], /shape \[2,1,1\].*at least 2/],
    ['axis out of range', [2, 3], [2], /axis 2 .*out of range/],
    ['repeated axis', [2, 3], [1, -1], /must not repeat/],
    ['empty axes', [2, 3], [], /`axes` must be a non-empty array/],
  ])('rejects %s', (_title, shape, axes, pattern) => {
    const x = tf.zeros(shape as number[]);
    expect(() => meanStdPool(x, axes as number[])).toThrow(InvalidArgumentError);
    expect(() => meanStdPool(x, axes as number[])).toThrow(pattern);
    x.dispose();
  });

  it('rejects negative epsilon', () => {
    const x = tf.zeros([2, 3]);
    expect(() => meanStdPool(x, [1], -1)).toThrow(/`epsilon` must be a finite number >= 0; received -1/);
    x.dispose();
  });
});
