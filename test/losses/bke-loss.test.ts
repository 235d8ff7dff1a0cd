import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { BKELoss } from '../../src/losses/bke-loss';
import { describeBackends } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { seededNormal } from '../helpers/random-tensors';

/** Naive reference: per-sample T²·(KL(Pb‖Pa) + KL(Pa‖Pb)) in float64. */
function referencePerSample(a: number[][], b: number[][], t: number): number[] {
  const softmax = (row: number[]): number[] => {
    const scaled = row.map((v) => v / t);
    const max = Math.max(...scaled);
    const exps = scaled.map((v) => Math.exp(v - max));
    const total = exps.reduce((s, v) => s + v, 0);
    return exps.map((v) => v / total);
  };
  return a.map((rowA, i) => {
    const pa = softmax(rowA);
    const pb = softmax(b[i] as number[]);
    let kl = 0;
    for (let k = 0; k < pa.length; k++) {
      kl += (pb[k] as number) * Math.log((pb[k] as number) / (pa[k] as number));
      kl += (pa[k] as number) * Math.log((pa[k] as number) / (pb[k] as number));
    }
    return t * t * kl;
  });
}

describe('BKELoss construction', () => {
  it('defaults match the documentation', () => {
    expect(new BKELoss().getConfig()).toEqual({ temperature: 1, detachTarget: true, reduction: 'mean' });
  });

  it.each([
    [{ temperature: 0 }, /temperature/],
    [{ temperature: -1 }, /temperature/],
    [{ temperature: Number.NaN }, /temperature/],
    [{ reduction: 'avg' }, /reduction/],
    [{ detachTarget: 'yes' }, /detachTarget/],
  ])('rejects %j', (args, pattern) => {
    expect(() => new BKELoss(args as never)).toThrow(InvalidArgumentError);
    expect(() => new BKELoss(args as never)).toThrow(pattern);
  });
});

describeBackends('BKELoss', () => {
  const a = [
    [1.5, -0.5, 0.25],
    [0.1, 0.2, 0.3],
  ];
  const b = [
    [-1, 2, 0.5],
    [0.3, 0.1, -0.7],
  ];

  it.each([1, 2.5])('values match reference, T=%s', (t) => {
    const expected = referencePerSample(a, b, t);
    const none = new BKELoss({ temperature: t, reduction: 'none' }).call(tf.tensor2d(a), tf.tensor2d(b));
    expectClose(none, tf.tensor1d(expected), { atol: 1e-5, rtol: 1e-4 });
    const mean = new BKELoss({ temperature: t }).call(tf.tensor2d(a), tf.tensor2d(b));
    expectClose(mean, tf.scalar((expected[0]! + expected[1]!) / 2), { atol: 1e-5, rtol: 1e-4 });
    const sum = new BKELoss({ temperature: t, reduction: 'sum' }).call(tf.tensor2d(a), tf.tensor2d(b));
    expectClose(sum, tf.scalar(expected[0]! + expected[1]!), { atol: 1e-5, rtol: 1e-4 });
  });

  it('sample weights scale each row', () => {
    const expected = referencePerSample(a, b, 1);
    const weights = tf.tensor1d([2, 0.5]);
    const loss = new BKELoss().call(tf.tensor2d(a), tf.tensor2d(b), weights);
    expectClose(loss, tf.scalar((2 * expected[0]! + 0.5 * expected[1]!) / 2), { atol: 1e-5, rtol: 1e-4 });
  });

  it('zero for equal distributions', () => {
    const loss = new BKELoss().call(tf.tensor2d(a), tf.tensor2d(a));
    expectClose(loss, tf.scalar(0), { atol: 1e-7 });
    // Logits that differ by a per-row constant give the same softmax.
    const shifted = new BKELoss().call(tf.tensor2d(a), tf.add(tf.tensor2d(a), tf.tensor2d([[3], [-2]])));
    expectClose(shifted, tf.scalar(0), { atol: 1e-6 });
  });

  it('non-negative and symmetric', () => {
    const x = seededNormal([16, 4], 1, 3);
    const y = seededNormal([16, 4], 2, 3);
    const loss = new BKELoss({ reduction: 'none' });
    const xy = loss.call(x, y);
    const yx = loss.call(y, x);
    expect(Math.min(...Array.from(xy.dataSync()))).toBeGreaterThanOrEqual(0);
    expectClose(xy, yx, { atol: 1e-6, rtol: 1e-5 });
  });

  it('extreme logits stay finite', () => {
    const big = tf.tensor2d([
      [1e4, -1e4],
      [-1e4, 1e4],
    ]);
    const flipped = tf.tensor2d([
      [-1e4, 1e4],
      [1e4, -1e4],
    ]);
    const value = new BKELoss().call(big, flipped).dataSync()[0] as number;
    expect(Number.isFinite(value)).toBe(true);
    // Each row: KL in each direction ≈ 2e4 (the log-ratio), so the sum per row is about 4e4.
    expect(value).toBeCloseTo(4e4, -2);
    const grad = tf.grad((s: tf.Tensor) => new BKELoss().call(s, flipped))(big);
    expect(Array.from(grad.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('detached gradient equals (Pa - Pb)/B', () => {
    const x = seededNormal([5, 3], 3);
    const y = seededNormal([5, 3], 4);
    const loss = new BKELoss();
    const grad = tf.grad((s: tf.Tensor) => loss.call(s, y))(x);
    const expected = tf.div(tf.sub(tf.softmax(x), tf.softmax(y)), 5);
    expectClose(grad, expected, { atol: 1e-6, rtol: 1e-4 });
  });

  it('full gradient matches finite differences', () => {
    const x = seededNormal([4, 3], 5);
    const y = seededNormal([4, 3], 6);
    const loss = new BKELoss({ detachTarget: false, temperature: 2 });
    const analytic = tf.grad((s: tf.Tensor) => loss.call(s, y))(x).dataSync();
    const base = x.dataSync();
    // float64 reference loss keeps rounding out of the difference quotient.
    const lossAt = (values: Float32Array): number => {
      const rows = [0, 1, 2, 3].map((r) => Array.from(values.slice(r * 3, r * 3 + 3)));
      const yRows = [0, 1, 2, 3].map((r) => Array.from(y.dataSync().slice(r * 3, r * 3 + 3)));
      return referencePerSample(rows, yRows, 2).reduce((s, v) => s + v, 0) / 4;
    };
    const step = 1e-3;
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i] = (plus[i] as number) + step;
      minus[i] = (minus[i] as number) - step;
      const numeric = (lossAt(plus) - lossAt(minus)) / (2 * step);
      // 1e-4 absolute: the analytic side is float32, the numeric side float64.
      expect(Math.abs((analytic[i] as number) - numeric)).toBeLessThan(1e-4 + 1e-3 * Math.abs(numeric));
    }
  });

  it('no leaked tensors', () => {
    const x = seededNormal([4, 2], 7);
    const y = seededNormal([4, 2], 8);
    const loss = new BKELoss();
    loss.call(x, y).dispose();
    const before = tf.memory().numTensors;
    loss.call(x, y).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    [[4, 2], [4, 3], /same shape/],
    [[4], [4], /rank 2/],
    [[4, 1], [4, 1], /K >= 2/],
  ])('rejects logits %j and %j', (shapeA, shapeB, pattern) => {
    const call = () => new BKELoss().call(tf.zeros(shapeA), tf.zeros(shapeB));
    expect(call).toThrow(ShapeMismatchError);
    expect(call).toThrow(pattern);
  });

  it('rejects a wrong sampleWeight shape', () => {
    const call = () => new BKELoss().call(tf.zeros([4, 2]), tf.zeros([4, 2]), tf.ones([3]));
    expect(call).toThrow(/sampleWeight/);
  });
});
