import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { batchNormTrain } from '../../src/ops/batch-norm-train';
import { describeBackends } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { seededUniform } from '../helpers/random-tensors';

const EPSILON = 1e-5;

/** Computes the same normalisation from tfjs's own differentiable ops. */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, 0);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, EPSILON))), gamma), beta);
}

describeBackends('batchNormTrain', () => {
  it('normalises columns to β and |γ|', () => {
    const x = seededUniform([40, 3], 61, -2, 5) as tf.Tensor2D;
    const gamma = tf.tensor1d([1, 2, -0.5]);
    const beta = tf.tensor1d([0, 1, -3]);
    const y = batchNormTrain(x, gamma, beta, EPSILON);
    const { mean, variance } = tf.moments(y, 0);
    expectClose(mean, [0, 1, -3], { atol: 1e-5 });
    expectClose(tf.sqrt(variance), [1, 2, 0.5], { rtol: 1e-4 });
    expectClose(y, reference(x, gamma, beta), { atol: 1e-5 });
    tf.dispose([x, gamma, beta, y, mean, variance]);
  });

  // [4096, 16] is large enough for the regrouped wasm layout; [12, 4] keeps the plain one.
  for (const [rows, columns] of [[12, 4], [4096, 16]] as const) {
    it(`matches reference on [${rows}, ${columns}]`, () => {
      const x = seededUniform([rows, columns], 62, -3, 4) as tf.Tensor2D;
      const gamma = seededUniform([columns], 63, 0.5, 2) as tf.Tensor1D;
      const beta = seededUniform([columns], 64) as tf.Tensor1D;
      const dy = seededUniform([rows, columns], 65);
      const loss = (f: (a: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D), dy));
      const y = batchNormTrain(x, gamma, beta, EPSILON);
      expectClose(y, reference(x, gamma, beta), { atol: 1e-4 });
      const fast = tf.grads(loss((a, g, b) => batchNormTrain(a, g, b, EPSILON)))([x, gamma, beta]);
      const slow = tf.grads(loss((a, g, b) => reference(a, g, b)))([x, gamma, beta]);
      for (let i = 0; i < 3; i++) {
        expectClose(fast[i] as tf.Tensor, slow[i] as tf.Tensor, { atol: 1e-3, rtol: 1e-3 });
      }
      tf.dispose([x, gamma, beta, dy, y, ...fast, ...slow]);
    });
  }

  it('reports batch mean and variance', () => {
    const x = tf.tensor2d([[1, 10], [3, 10], [5, 16]]);
    const gamma = tf.ones([2]) as tf.Tensor1D;
    const beta = tf.zeros([2]) as tf.Tensor1D;
    let seen: number[][] = [];
    const y = batchNormTrain(x, gamma, beta, EPSILON, ({ mean, variance }) => {
      seen = [Array.from(mean.dataSync()), Array.from(variance.dataSync())];
    });
    expect(seen[0]).toEqual([3, 12]);
    expectClose(tf.tensor1d(seen[1] as number[]), [8 / 3, 8], { rtol: 1e-5 });
    tf.dispose([x, gamma, beta, y]);
  });

  it('leaks no tensors', () => {
    const x = seededUniform([10, 3], 66) as tf.Tensor2D;
    const gamma = tf.ones([3]) as tf.Tensor1D;
    const beta = tf.zeros([3]) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.square(batchNormTrain(a as tf.Tensor2D, g as tf.Tensor1D, b as tf.Tensor1D, EPSILON, () => undefined))),
    )([x, gamma, beta]);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma, beta]);
  });

  it.each([
    ['x rank 1', [6], [6], [6], /`x` must have shape \[M, C\] with M >= 1; received \[6\]/],
    ['x rank 3', [2, 3, 4], [4], [4], /`x` must have shape \[M, C\]/],
    ['x without rows', [0, 3], [3], [3], /`x` must have shape \[M, C\] with M >= 1; received \[0,3\]/],
    ['gamma too short', [5, 4], [3], [4], /`gamma` must have shape \[4\] to match the columns of x; received \[3\]/],
    ['beta rank 2', [5, 4], [4], [1, 4], /`beta` must have shape \[4\]/],
  ] as [string, number[], number[], number[], RegExp][])('rejects %s', (_title, xShape, gammaShape, betaShape, pattern) => {
    const x: tf.Tensor = tf.zeros(xShape);
    const gamma: tf.Tensor = tf.ones(gammaShape);
    const beta: tf.Tensor = tf.zeros(betaShape);
    const call = () => batchNormTrain(x as tf.Tensor2D, gamma as tf.Tensor1D, beta as tf.Tensor1D, EPSILON);
    expect(call).toThrow(ShapeMismatchError);
    expect(call).toThrow(pattern);
    tf.dispose([x, gamma, beta]);
  });

  it.each([[-1], [Number.NaN], [Infinity]])('rejects epsilon %s', (epsilon) => {
    const x = tf.ones([3, 2]) as tf.Tensor2D;
    const gamma = tf.ones([2]) as tf.Tensor1D;
    const beta = tf.zeros([2]) as tf.Tensor1D;
    expect(() => batchNormTrain(x, gamma, beta, epsilon)).toThrow(InvalidArgumentError);
    expect(() => batchNormTrain(x, gamma, beta, epsilon)).toThrow(/`epsilon` must be a finite number >= 0/);
    tf.dispose([x, gamma, beta]);
  });
});
