import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { ShapeMismatchError } from '../../src/errors';
import { transpose2d } from '../../src/ops/transpose-2d';
import { describeBackends } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { seededUniform } from '../helpers/random-tensors';

describeBackends('transpose2d', () => {
  for (const shape of [[128, 24], [7, 5], [64, 3], [96, 1]] as const) {
    it(`equals tf.transpose on [${shape.join(', ')}]`, () => {
      const x = seededUniform([...shape], 71) as tf.Tensor2D;
      const y = transpose2d(x);
      expect(y.shape).toEqual([shape[1], shape[0]]);
      expectClose(y, tf.transpose(x), { atol: 0 });
      tf.dispose([x, y]);
    });
  }

  it('passes the transposed gradient', () => {
    const x = seededUniform([32, 6], 72) as tf.Tensor2D;
    const dy = seededUniform([6, 32], 73);
    const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(transpose2d(a as tf.Tensor2D), dy)))(x);
    expectClose(grad, tf.transpose(dy), { atol: 0 });
    tf.dispose([x, dy, grad]);
  });

  it('leaks no tensors', () => {
    const x = seededUniform([64, 4], 74) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    transpose2d(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it.each([[[5]], [[2, 3, 4]]])('rejects shape %j', (shape) => {
    const x: tf.Tensor = tf.zeros(shape);
    const call = () => transpose2d(x as tf.Tensor2D);
    expect(call).toThrow(ShapeMismatchError);
    expect(call).toThrow(/`x` must be 2-D; received shape/);
    x.dispose();
  });
});
