import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import {
  buildToeplitzTaps,
  createToeplitzTaps,
  toeplitzConv2d,
  toeplitzOutputSize,
  type ToeplitzGrid,
} from '../../src/ops/toeplitz-conv';
import { describeBackends } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { seededUniform } from '../helpers/random-tensors';

/** Direct-loop cross-correlation of x [M, H, W, c_in] with K [k, k, c_in, c_out], zero padding. */
function convLoop(x: Float32Array, xShape: number[], kernel: Float32Array, kShape: number[], grid: ToeplitzGrid): Float32Array {
  const [rows, height, width, inChannels] = xShape as [number, number, number, number];
  const [k, , , outChannels] = kShape as [number, number, number, number];
  const pad = grid.padding === 'same' ? (k - 1) / 2 : 0;
  const out = toeplitzOutputSize(grid);
  const y = new Float32Array(rows * out.height * out.width * outChannels);
  for (let m = 0; m < rows; m++) {
    for (let i = 0; i < out.height; i++) {
      for (let j = 0; j < out.width; j++) {
        for (let o = 0; o < outChannels; o++) {
          let total = 0;
          for (let a = 0; a < k; a++) {
            for (let b = 0; b < k; b++) {
              const row = i + a - pad;
              const col = j + b - pad;
              if (row < 0 || row >= height || col < 0 || col >= width) continue;
              for (let c = 0; c < inChannels; c++) {
                total +=
                  (x[((m * height + row) * width + col) * inChannels + c] as number) *
                  (kernel[((a * k + b) * inChannels + c) * outChannels + o] as number);
              }
            }
          }
          y[((m * out.height + i) * out.width + j) * outChannels + o] = total;
        }
      }
    }
  }
  return y;
}

describe('buildToeplitzTaps', () => {
  it('valid 5x5 has nine taps per output', () => {
    const values = buildToeplitzTaps({ height: 5, width: 5, kernelSize: 3, padding: 'valid' });
    expect(values.length).toBe(9 * 25 * 9);
    expect(values.reduce((s, v) => s + v, 0)).toBe(81);
  });

  it.each([
    [{ height: 4, width: 4, kernelSize: 2, padding: 'same' }, InvalidArgumentError, /`kernelSize` must be odd/],
    [{ height: 2, width: 4, kernelSize: 3, padding: 'valid' }, InvalidArgumentError, /exceeds the 2 x 4 grid/],
    [{ height: 4, width: 4, kernelSize: 3, padding: 'full' }, InvalidArgumentError, /`padding`/],
    [{ height: 0, width: 4, kernelSize: 3, padding: 'same' }, InvalidArgumentError, /`height`/],
  ])('rejects invalid grid %j', (grid, errorClass, pattern) => {
    expect(() => buildToeplitzTaps(grid as ToeplitzGrid)).toThrow(errorClass);
    expect(() => buildToeplitzTaps(grid as ToeplitzGrid)).toThrow(pattern);
  });
});

describeBackends('toeplitzConv2d', () => {
  it.each([
    [4, 4, 3, 'same', 2, 3],
    [3, 5, 3, 'same', 1, 1],
    [5, 5, 3, 'valid', 2, 2],
    [4, 3, 3, 'valid', 3, 2],
    [1, 1, 3, 'same', 2, 2],
  ] as const)('matches direct loop, %ix%i k%i %s', (height, width, kernelSize, padding, inChannels, outChannels) => {
    const grid: ToeplitzGrid = { height, width, kernelSize, padding };
    const xShape = [3, height, width, inChannels];
    const kShape = [kernelSize, kernelSize, inChannels, outChannels];
    const x = seededUniform(xShape, 21);
    const kernel = seededUniform(kShape, 22);
    const taps = createToeplitzTaps(grid);
    const y = toeplitzConv2d(x, kernel, taps, grid);
    const flat = toeplitzConv2d(tf.reshape(x, [3, -1]), kernel, taps, grid);
    const out = toeplitzOutputSize(grid);
    const expected = convLoop(x.dataSync() as Float32Array, xShape, kernel.dataSync() as Float32Array, kShape, grid);
    expect(y.shape).toEqual([3, out.height, out.width, outChannels]);
    expect(flat.shape).toEqual([3, out.height * out.width * outChannels]);
    expectClose(Array.from(y.dataSync()), Array.from(expected), { atol: 1e-5, rtol: 1e-5 });
    expectClose(Array.from(flat.dataSync()), Array.from(expected), { atol: 1e-5, rtol: 1e-5 });
    tf.dispose([x, kernel, taps, y, flat]);
  });

  it.each(['same', 'valid'] as const)('gradients match finite differences, %s', (padding) => {
    const grid: ToeplitzGrid = { height: 4, width: 3, kernelSize: 3, padding };
    const x = seededUniform([2, 4, 3, 2], 23);
    const kernel = seededUniform([3, 3, 2, 2], 24);
    const taps = createToeplitzTaps(grid);
    const out = toeplitzOutputSize(grid);
    const r = seededUniform([2, out.height, out.width, 2], 25);
    const loss = (xi: tf.Tensor, ki: tf.Tensor) => tf.sum(tf.mul(toeplitzConv2d(xi, ki, taps, grid), r));
    const [gx, gk] = tf.grads(loss)([x, kernel]) as [tf.Tensor, tf.Tensor];

    // The loss is linear in each argument, so central differences are exact up to rounding.
    const step = 1e-2;
    const numeric = (target: tf.Tensor, flatIndex: number, which: 0 | 1): number => {
      const values = target.dataSync().slice();
      const at = (delta: number) => {
        values[flatIndex] = (target.dataSync()[flatIndex] as number) + delta;
        const moved = tf.tensor(values, target.shape);
        const value = tf.tidy(() => (which === 0 ? loss(moved, kernel) : loss(x, moved)).dataSync()[0] as number);
        moved.dispose();
        return value;
      };
      return (at(step) - at(-step)) / (2 * step);
    };
    for (const index of [0, 5, 13, 23]) {
      expect(gx.dataSync()[index]).toBeCloseTo(numeric(x, index, 0), 3);
    }
    for (const index of [0, 7, 20, 35]) {
      expect(gk.dataSync()[index]).toBeCloseTo(numeric(kernel, index, 1), 3);
    }
    tf.dispose([x, kernel, taps, r, gx, gk]);
  });

  it('rejects mismatched shapes', () => {
    const grid: ToeplitzGrid = { height: 4, width: 4, kernelSize: 3, padding: 'same' };
    const taps = createToeplitzTaps(grid);
    const kernel = tf.zeros([3, 3, 2, 1]);
    expect(() => toeplitzConv2d(tf.zeros([2, 4, 4, 3]), kernel, taps, grid)).toThrow(ShapeMismatchError);
    expect(() => toeplitzConv2d(tf.zeros([2, 31]), kernel, taps, grid)).toThrow(/\[M, 32\]/);
    expect(() => toeplitzConv2d(tf.zeros([2, 32]), tf.zeros([5, 5, 2, 1]), taps, grid)).toThrow(/`kernel` must have shape \[3, 3/);
    const otherTaps = createToeplitzTaps({ ...grid, height: 3 });
    expect(() => toeplitzConv2d(tf.zeros([2, 32]), kernel, otherTaps, grid)).toThrow(/`taps` of shape/);
    tf.dispose([taps, kernel, otherTaps]);
  });
});
