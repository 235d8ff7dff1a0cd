import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { PrototypeHead } from '../../src/layers/prototype-head';
import { describeBackends } from '../helpers/backends';
import { expectClose, expectFinite } from '../helpers/expect-close';
import { runLayerContract } from '../helpers/layer-contract';
import { seededNormal } from '../helpers/random-tensors';

describe('PrototypeHead construction', () => {
  it('defaults match the documentation', () => {
    const head = new PrototypeHead();
    expect(head.units).toBe(2);
    expect(head.temperature).toBe(0.2);
    expect(head.epsilon).toBe(1e-8);
  });

  it.each([
    [{ units: 0 }, /units/],
    [{ units: 1.5 }, /units/],
    [{ temperature: 0 }, /temperature/],
    [{ epsilon: -1 }, /epsilon/],
  ])('rejects %j', (args, pattern) => {
    expect(() => new PrototypeHead(args)).toThrow(InvalidArgumentError);
    expect(() => new PrototypeHead(args)).toThrow(pattern);
  });

  it('rejects rank-3 input', () => {
    expect(() => new PrototypeHead().apply(tf.zeros([2, 3, 4]))).toThrow(ShapeMismatchError);
  });
});

runLayerContract({
  name: 'PrototypeHead',
  create: () => new PrototypeHead({ units: 3 }),
  inputs: [{ shape: [5] }],
  makeInputs: (batch, seed) => [seededNormal([batch, 5], seed)],
});

describeBackends('PrototypeHead values', () => {
  it('cosine over temperature', () => {
    const head = new PrototypeHead({ units: 2, temperature: 0.5 });
    head.apply(tf.zeros([1, 2]));
    head.setWeights([tf.tensor2d([[2, 0], [1, 1]])]);
    // Row [3, 4]: cos with [1, 0] = 0.6, with [1, 1]/√2 = 7/(5√2); both divided by 0.5.
    const logits = head.apply(tf.tensor2d([[3, 4]])) as tf.Tensor;
    expectClose(logits, tf.tensor2d([[1.2, (2 * 7) / (5 * Math.SQRT2)]]), { atol: 1e-6, rtol: 1e-5 });
  });

  it('zero input gives zero logits', () => {
    const head = new PrototypeHead();
    const logits = head.apply(tf.zeros([2, 4])) as tf.Tensor;
    expectClose(logits, tf.zeros([2, 2]), { atol: 0 });
    const grad = tf.grad((x: tf.Tensor) => tf.sum(head.apply(x) as tf.Tensor))(tf.zeros([2, 4]));
    expectFinite(grad, 'gradient at the zero vector');
  });
});
