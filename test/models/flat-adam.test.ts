import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { FlatAdam } from '../../src/models/flat-adam';
import { describeBackends } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { seededUniform } from '../helpers/random-tensors';

/** Gradients of a fixed quadratic-plus-sine loss at the current values. */
function lossGradients(variables: tf.Variable[]): tf.NamedTensorMap {
  const { grads, value } = tf.variableGrads(
    () => tf.addN(variables.map((v, i) => tf.sum(tf.add(tf.square(tf.sub(v, i + 0.5)), tf.sin(tf.mul(v, 3)))))) as tf.Scalar,
    variables,
  );
  value.dispose();
  return grads;
}

describeBackends('FlatAdam', () => {
  it('matches tf.train.adam bit for bit', () => {
    const start = [seededUniform([3, 4], 61), seededUniform([5], 62), seededUniform([2, 2, 2], 63)];
    const flatVariables = start.map((t, i) => tf.variable(t, true, `flat_adam_a${i}`));
    const referenceVariables = start.map((t, i) => tf.variable(t, true, `flat_adam_b${i}`));
    const flat = new FlatAdam([
      { variables: flatVariables.slice(0, 2), learningRate: 0.01 },
      { variables: flatVariables.slice(2), learningRate: 0.1 },
    ]);
    const reference = tf.train.adam(0.01);
    const referenceFast = tf.train.adam(0.1);
    for (let step = 0; step < 5; step++) {
      const flatGrads = lossGradients(flatVariables);
      flat.applyGradients(flatGrads);
      const grads = lossGradients(referenceVariables);
      const names = referenceVariables.map((v) => v.name);
      const pick = (indices: number[]) => indices.map((i) => ({ name: names[i] as string, tensor: grads[names[i] as string] as tf.Tensor }));
      reference.applyGradients(pick([0, 1]));
      referenceFast.applyGradients(pick([2]));
      tf.dispose([...Object.values(flatGrads), ...Object.values(grads)]);
    }
    flatVariables.forEach((v, i) => expect(v.arraySync()).toEqual((referenceVariables[i] as tf.Variable).arraySync()));
    flat.dispose();
    reference.dispose();
    referenceFast.dispose();
    tf.dispose([...start, ...flatVariables, ...referenceVariables]);
  });

  it('clips by the global gradient norm', () => {
    const a = tf.variable(tf.tensor1d([0, 0]), true, 'flat_adam_clip_a');
    const b = tf.variable(tf.tensor1d([0]), true, 'flat_adam_clip_b');
    // With clipping, Adam's first step moves each weight by −η·ĝ/(|ĝ| + ε) ≈ −η·sign(g) whatever
    // the scale, so check the moment instead: m = (1 − β₁)·g·c/‖g‖ with ‖g‖ = 13.
    const adam = new FlatAdam([{ variables: [a, b], learningRate: 0.1 }], { clipNorm: 1 });
    const grads = { [a.name]: tf.tensor1d([3, 4]), [b.name]: tf.tensor1d([12]) };
    adam.applyGradients(grads);
    const moment = (adam as unknown as { firstMoment: tf.Tensor }).firstMoment;
    expectClose(moment, tf.mul(tf.tensor1d([3, 4, 12]), 0.1 / 13));
    expectClose(a, tf.tensor1d([-0.1, -0.1]), { atol: 1e-5 });
    adam.dispose();
    tf.dispose([a, b, ...Object.values(grads)]);
  });

  it('treats a missing gradient as zero', () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, 'flat_adam_missing_a');
    const b = tf.variable(tf.tensor1d([5]), true, 'flat_adam_missing_b');
    const adam = new FlatAdam([{ variables: [a, b], learningRate: 0.1 }]);
    const grads = { [a.name]: tf.tensor1d([1, -1]) };
    adam.applyGradients(grads);
    expect(b.arraySync()).toEqual([5]);
    expectClose(a, tf.tensor1d([0.9, 2.1]), { atol: 1e-5 });
    adam.dispose();
    tf.dispose([a, b, ...Object.values(grads)]);
  });

  it('leaks no tensors inside tidy', () => {
    const a = tf.variable(tf.tensor2d([[1, 2], [3, 4]]), true, 'flat_adam_leak_a');
    const before = tf.memory().numTensors;
    const adam = new FlatAdam([{ variables: [a], learningRate: 0.1 }], { clipNorm: 1 });
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => adam.applyGradients(lossGradients([a])));
    }
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });

  it('rejects invalid settings', () => {
    const a = tf.variable(tf.zeros([2]), true, 'flat_adam_reject_a');
    expect(() => new FlatAdam([{ variables: [], learningRate: 0.1 }])).toThrow(InvalidArgumentError);
    expect(() => new FlatAdam([{ variables: [a], learningRate: 0 }])).toThrow(/`learningRate` must be a finite number > 0; received 0/);
    expect(() => new FlatAdam([{ variables: [a], learningRate: Number.NaN }])).toThrow(/received NaN/);
    expect(() => new FlatAdam([{ variables: [a], learningRate: 0.1 }], { clipNorm: -1 })).toThrow(/`clipNorm` must be a finite number >= 0; received -1/);
    expect(() => new FlatAdam([{ variables: [a], learningRate: 0.1 }], { beta1: 1.5 })).toThrow(/`beta1` must be a finite number in \[0, 1\); received 1.5/);
    expect(() => new FlatAdam([{ variables: [a], learningRate: 0.1 }], { epsilon: -1 })).toThrow(/`epsilon` must be a finite number > 0; received -1/);
    expect(() => new FlatAdam([{ variables: [a], learningRate: 0.1 }, { variables: [a], learningRate: 0.2 }])).toThrow(
      /variable "flat_adam_reject_a" is listed twice/,
    );
    a.dispose();
  });

  it('rejects unknown or misshapen gradients', () => {
    const a = tf.variable(tf.zeros([2, 3]), true, 'flat_adam_grad_a');
    const adam = new FlatAdam([{ variables: [a], learningRate: 0.1 }]);
    const unknown = { other: tf.zeros([2, 3]) };
    const reshaped = { [a.name]: tf.zeros([3, 2]) };
    expect(() => adam.applyGradients(unknown)).toThrow(/the gradient "other" names no variable of this optimizer/);
    expect(() => adam.applyGradients(reshaped)).toThrow(ShapeMismatchError);
    expect(() => adam.applyGradients(reshaped)).toThrow(/has shape \[3,2\], but the variable has \[2,3\]/);
    expect(a.arraySync()).toEqual([[0, 0, 0], [0, 0, 0]]);
    adam.dispose();
    tf.dispose([a, ...Object.values(unknown), ...Object.values(reshaped)]);
  });
});
