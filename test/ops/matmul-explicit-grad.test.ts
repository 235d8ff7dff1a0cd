import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { ShapeMismatchError } from '../../src/errors';
import { matMulConstantLeft, matMulExplicitGrad } from '../../src/ops/matmul-explicit-grad';
import { describeBackends } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { seededUniform } from '../helpers/random-tensors';

describeBackends('matMulExplicitGrad', () => {
  it('explicit-gradient matMul equals matMul', () => {
    const a = seededUniform([5, 4], 26) as tf.Tensor2D;
    const b = seededUniform([4, 3], 27) as tf.Tensor2D;
    const dy = seededUniform([5, 3], 28);
    const fast = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMulExplicitGrad(x as tf.Tensor2D, y as tf.Tensor2D), dy)))([a, b]);
    const plain = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), dy)))([a, b]);
    expectClose(matMulExplicitGrad(a, b), tf.matMul(a, b));
    expectClose(fast[0] as tf.Tensor, plain[0] as tf.Tensor);
    expectClose(fast[1] as tf.Tensor, plain[1] as tf.Tensor);
    tf.dispose([a, b, dy, ...fast, ...plain]);
  });

  it.each([
    [5, 2],
    [2, 5],
  ])('matches matMul gradients, K = %i, P = %i', (inner, outer) => {
    const a = seededUniform([6, inner], 31) as tf.Tensor2D;
    const b = seededUniform([inner, outer], 32) as tf.Tensor2D;
    const dy = seededUniform([6, outer], 33);
    const fast = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMulExplicitGrad(x as tf.Tensor2D, y as tf.Tensor2D), dy)))([a, b]);
    const plain = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), dy)))([a, b]);
    expect((fast[1] as tf.Tensor).shape).toEqual([inner, outer]);
    expectClose(fast[0] as tf.Tensor, plain[0] as tf.Tensor);
    expectClose(fast[1] as tf.Tensor, plain[1] as tf.Tensor);
    tf.dispose([a, b, dy, ...fast, ...plain]);
  });

  it('leaks no tensors', () => {
    const a = seededUniform([6, 4], 29) as tf.Tensor2D;
    const b = seededUniform([4, 2], 30) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(matMulExplicitGrad(x as tf.Tensor2D, y as tf.Tensor2D)))([a, b]);
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});

describeBackends('matMulConstantLeft', () => {
  it.each([
    [5, 2],
    [2, 5],
  ])('matches matMul, K = %i, P = %i', (inner, outer) => {
    const a = seededUniform([6, inner], 34) as tf.Tensor2D;
    const b = seededUniform([inner, outer], 35) as tf.Tensor2D;
    const dy = seededUniform([6, outer], 36);
    const constantLeft = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(matMulConstantLeft(a, y as tf.Tensor2D), dy)))(b);
    const plain = tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, y), dy)))(b);
    expectClose(matMulConstantLeft(a, b), tf.matMul(a, b));
    expect(constantLeft.shape).toEqual([inner, outer]);
    expectClose(constantLeft, plain);
    tf.dispose([a, b, dy, constantLeft, plain]);
  });

  it('rejects operands that are not 2-D', () => {
    const a = tf.zeros([2, 3, 4]) as unknown as tf.Tensor2D;
    const b = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(() => matMulConstantLeft(a, b)).toThrow(ShapeMismatchError);
    expect(() => matMulConstantLeft(a, b)).toThrow('matMulConstantLeft: `a` and `b` must be 2-D; received shapes [2,3,4] and [4,2].');
    tf.dispose([a, b]);
  });

  it('gives the left operand no gradient', () => {
    const a = seededUniform([3, 2], 37) as tf.Tensor2D;
    const b = seededUniform([2, 2], 38) as tf.Tensor2D;
    expect(() => tf.grad((x: tf.Tensor) => tf.sum(matMulConstantLeft(x as tf.Tensor2D, b)))(a)).toThrow(/Cannot compute gradient/);
    tf.dispose([a, b]);
  });

  it('keeps the left operand past a tidy', () => {
    // The left operand is created and released inside the tidy, before the backward pass runs.
    const x = seededUniform([6, 4], 39);
    const b = seededUniform([4, 2], 40) as tf.Tensor2D;
    const grad = tf.grad((y: tf.Tensor) => tf.sum(tf.tidy(() => matMulConstantLeft(tf.mul(x, 2) as tf.Tensor2D, y as tf.Tensor2D))))(b);
    const expected = tf.grad((y: tf.Tensor) => tf.sum(tf.matMul(tf.mul(x, 2), y)))(b);
    expectClose(grad, expected);
    tf.dispose([x, b, grad, expected]);
  });

  it('leaks no tensors', () => {
    const a = seededUniform([6, 4], 41) as tf.Tensor2D;
    const b = seededUniform([4, 2], 42) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const grad = tf.grad((y: tf.Tensor) => tf.sum(matMulConstantLeft(a, y as tf.Tensor2D)))(b);
    grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
