import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { smallBatchMatMul } from '../../src/ops/small-batch-matmul';
import { describeBackends } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { seededUniform } from '../helpers/random-tensors';

describeBackends('smallBatchMatMul', () => {
  // [C, n, m, p]: square blocks as in GATConv, and rectangular ones with every size distinct.
  for (const [c, n, m, p] of [
    [12, 8, 8, 4],
    [5, 3, 7, 2],
    [1, 4, 6, 9],
  ] as const) {
    it(`matches tf.matMul on [${c}, ${n}, ${m}]·[${c}, ${m}, ${p}]`, () => {
      const a = seededUniform([c, n, m], 91) as tf.Tensor3D;
      const b = seededUniform([c, m, p], 92) as tf.Tensor3D;
      const dy = seededUniform([c, n, p], 93);
      const y = smallBatchMatMul(a, b);
      expect(y.shape).toEqual([c, n, p]);
      expectClose(y, tf.matMul(a, b));
      const fast = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(smallBatchMatMul(x as tf.Tensor3D, w as tf.Tensor3D), dy)))([a, b]);
      const plain = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, w), dy)))([a, b]);
      expectClose(fast[0] as tf.Tensor, plain[0] as tf.Tensor);
      expectClose(fast[1] as tf.Tensor, plain[1] as tf.Tensor);
      tf.dispose([a, b, dy, y, ...fast, ...plain]);
    });
  }

  it('gradients match finite differences', () => {
    const a = seededUniform([3, 4, 5], 96);
    const b = seededUniform([3, 5, 2], 97);
    const r = seededUniform([3, 4, 2], 98);
    const loss = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(smallBatchMatMul(x as tf.Tensor3D, w as tf.Tensor3D), r));
    const [ga, gb] = tf.grads(loss)([a, b]) as [tf.Tensor, tf.Tensor];

    // The loss is linear in each operand, so central differences are exact up to rounding.
    const step = 1e-2;
    const numeric = (target: tf.Tensor, flatIndex: number, operand: 0 | 1): number => {
      const values = target.dataSync().slice();
      const at = (delta: number) => {
        values[flatIndex] = (target.dataSync()[flatIndex] as number) + delta;
        const moved = tf.tensor(values, target.shape);
        const value = tf.tidy(() => (operand === 0 ? loss(moved, b) : loss(a, moved)).dataSync()[0] as number);
        moved.dispose();
        return value;
      };
      return (at(step) - at(-step)) / (2 * step);
    };
    for (const index of [0, 9, 31, 59]) {
      expect(ga.dataSync()[index]).toBeCloseTo(numeric(a, index, 0), 3);
    }
    for (const index of [0, 7, 18, 29]) {
      expect(gb.dataSync()[index]).toBeCloseTo(numeric(b, index, 1), 3);
    }
    tf.dispose([a, b, r, ga, gb]);
  });

  it('returns an empty product for C = 0', () => {
    const a = tf.zeros([0, 3, 4]) as tf.Tensor3D;
    const b = tf.zeros([0, 4, 2]) as tf.Tensor3D;
    const y = smallBatchMatMul(a, b);
    expect(y.shape).toEqual([0, 3, 2]);
    tf.dispose([a, b, y]);
  });

  it('leaks no tensors', () => {
    const a = seededUniform([6, 4, 4], 94) as tf.Tensor3D;
    const b = seededUniform([6, 4, 3], 95) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    smallBatchMatMul(a, b).dispose();
    tf.dispose(tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(smallBatchMatMul(x as tf.Tensor3D, w as tf.Tensor3D)))([a, b]));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it('rejects non-float32 operands', () => {
    const a = tf.zeros([2, 3, 4], 'int32');
    const b = tf.zeros([2, 4, 5]);
    expect(() => smallBatchMatMul(a as tf.Tensor3D, b as tf.Tensor3D)).toThrow(InvalidArgumentError);
    expect(() => smallBatchMatMul(a as tf.Tensor3D, b as tf.Tensor3D)).toThrow(/must be float32; received int32 and float32/);
    expect(() => smallBatchMatMul([[[1]]] as unknown as tf.Tensor3D, b as tf.Tensor3D)).toThrow(/must be tensors/);
    tf.dispose([a, b]);
  });

  it.each([
    [[4, 3], [4, 3, 2]],
    [[4, 3, 5], [3, 5, 2]],
    [[4, 3, 5], [4, 4, 2]],
  ])('rejects shapes %j and %j', (aShape, bShape) => {
    const a = tf.zeros(aShape);
    const b = tf.zeros(bShape);
    const call = () => smallBatchMatMul(a as tf.Tensor3D, b as tf.Tensor3D);
    expect(call).toThrow(ShapeMismatchError);
    expect(call).toThrow(/must have shapes \[C, n, m\] and \[C, m, p\]/);
    tf.dispose([a, b]);
  });
});
