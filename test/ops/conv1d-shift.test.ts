import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { conv1dShift } from '../../src/ops/conv1d-shift';
import { describeBackends } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { seededUniform } from '../helpers/random-tensors';

/** Direct loop: y[b, l] = Σ_j κ[j] q[b, l + j − p], zero outside the row. */
function referenceConv(q: number[][], kernel: number[]): number[][] {
  const pad = (kernel.length - 1) / 2;
  return q.map((row) =>
    row.map((_, l) => {
      let total = 0;
      kernel.forEach((weight, j) => {
        const source = l + j - pad;
        if (source >= 0 && source < row.length) {
          total += weight * (row[source] as number);
        }
      });
      return total;
    }),
  );
}

describeBackends('conv1dShift', () => {
  it('hand example values', () => {
    const q = tf.tensor2d([[1, 2, 3]]);
    const kernel = tf.tensor1d([1, 0, -1]);
    const y = conv1dShift(q, kernel);
    expectClose(y, [[-2, -2, 2]]);
    tf.dispose([q, kernel, y]);
  });

  it.each([
    [1, 1],
    [5, 1],
    [5, 3],
    [7, 5],
    [2, 3],
    [3, 7],
  ])('matches loop, L %i k %i', (length, kernelSize) => {
    const q = seededUniform([3, length], 31 + length);
    const kernel = seededUniform([kernelSize], 41 + kernelSize);
    const y = conv1dShift(q, kernel);
    const expected = referenceConv(q.arraySync() as number[][], Array.from(kernel.dataSync()));
    expectClose(y, expected);
    tf.dispose([q, kernel, y]);
  });

  it('gradients match loop derivation', () => {
    // For L = Σ_{b,l} r[b,l] y[b,l]: dL/dκ[j] = Σ_{b,l} r[b,l] q[b, l+j−p].
    const q = seededUniform([2, 6], 51);
    const kernel = seededUniform([3], 52);
    const r = seededUniform([2, 6], 53);
    const loss = (qIn: tf.Tensor, kIn: tf.Tensor) => tf.sum(tf.mul(conv1dShift(qIn, kIn), r));
    const [dq, dk] = tf.grads(loss)([q, kernel]) as [tf.Tensor, tf.Tensor];

    const qRows = q.arraySync() as number[][];
    const rRows = r.arraySync() as number[][];
    const expectedKernelGrad = [0, 1, 2].map((j) => {
      let total = 0;
      qRows.forEach((row, b) => {
        row.forEach((_, l) => {
          const source = l + j - 1;
          if (source >= 0 && source < row.length) {
            total += (rRows[b]?.[l] as number) * (row[source] as number);
          }
        });
      });
      return total;
    });
    expectClose(dk, expectedKernelGrad);

    // dL/dq[b, m] = Σ_l r[b, l] κ[m − l + p].
    const k = Array.from(kernel.dataSync());
    const expectedInputGrad = rRows.map((row) =>
      row.map((_, m) => {
        let total = 0;
        row.forEach((weight, l) => {
          const tap = m - l + 1;
          if (tap >= 0 && tap < k.length) {
            total += weight * (k[tap] as number);
          }
        });
        return total;
      }),
    );
    expectClose(dq, expectedInputGrad);
    tf.dispose([q, kernel, r, dq, dk]);
  });

  it('leaves no tensors behind', () => {
    const q = seededUniform([2, 5], 61);
    const kernel = seededUniform([3], 62);
    conv1dShift(q, kernel).dispose();
    const before = tf.memory().numTensors;
    const y = conv1dShift(q, kernel);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([q, kernel, y]);
  });
});

describe('conv1dShift arguments', () => {
  it('rejects even kernel', () => {
    const q = tf.zeros([1, 4]);
    const kernel = tf.zeros([2]);
    expect(() => conv1dShift(q, kernel)).toThrow(InvalidArgumentError);
    expect(() => conv1dShift(q, kernel)).toThrow(/kernel length must be odd.*received 2/);
    tf.dispose([q, kernel]);
  });

  it.each([
    ['q rank 3', [1, 2, 3], [3], /`q` must have rank 2.*\[1,2,3\]/],
    ['kernel rank 2', [1, 4], [3, 1], /`kernel` must have rank 1.*\[3,1\]/],
  ])('rejects %s', (_title, qShape, kShape, pattern) => {
    const q = tf.zeros(qShape as number[]);
    const kernel = tf.zeros(kShape as number[]);
    expect(() => conv1dShift(q, kernel)).toThrow(ShapeMismatchError);
    expect(() => conv1dShift(q, kernel)).toThrow(pattern);
    tf.dispose([q, kernel]);
  });
});
