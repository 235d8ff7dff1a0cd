import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../src/errors';
import { l2Normalize } from '../../src/ops/l2-normalize';
import { buildUnfoldSelection, createUnfoldSelection, unfold } from '../../src/ops/unfold';
import { describeBackends } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { seededUniform } from '../helpers/random-tensors';

/** Direct-loop unfold of x [B, H, W, C] into [B, N, U², C] with zero padding. */
function unfoldLoop(x: Float32Array, shape: [number, number, number, number], windowSize: number): Float32Array {
  const [batch, height, width, channels] = shape;
  const taps = windowSize * windowSize;
  const pad = (windowSize - 1) / 2;
  const out = new Float32Array(batch * height * width * taps * channels);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        for (let u = 0; u < windowSize; u++) {
          for (let v = 0; v < windowSize; v++) {
            const row = i + u - pad;
            const col = j + v - pad;
            if (row < 0 || row >= height || col < 0 || col >= width) {
              continue;
            }
            for (let c = 0; c < channels; c++) {
              const target = (((b * height + i) * width + j) * taps + u * windowSize + v) * channels + c;
              out[target] = x[((b * height + row) * width + col) * channels + c] as number;
            }
          }
        }
      }
    }
  }
  return out;
}

describe('buildUnfoldSelection', () => {
  it('one entry per in-map neighbour', () => {
    const values = buildUnfoldSelection({ height: 2, width: 3, windowSize: 3 });
    expect(values.length).toBe(6 * 9 * 6);
    // Corner (0, 0) sees 4 positions, an edge position (0, 1) sees 6.
    const rowSums = (n: number) => {
      let total = 0;
      for (let k = n * 9 * 6; k < (n + 1) * 9 * 6; k++) total += values[k] as number;
      return total;
    };
    expect(rowSums(0)).toBe(4);
    expect(rowSums(1)).toBe(6);
  });

  it.each([
    [{ height: 0, width: 3, windowSize: 3 }, InvalidArgumentError, /`height`/],
    [{ height: 3, width: 2.5, windowSize: 3 }, InvalidArgumentError, /`width`/],
    [{ height: 3, width: 3, windowSize: 4 }, InvalidArgumentError, /`windowSize` must be odd/],
  ])('rejects invalid grid %j', (grid, errorClass, pattern) => {
    expect(() => buildUnfoldSelection(grid)).toThrow(errorClass);
    expect(() => buildUnfoldSelection(grid)).toThrow(pattern);
  });
});

describeBackends('unfold', () => {
  it.each([
    [1, 1, 5],
    [1, 5, 5],
    [4, 4, 5],
    [5, 3, 5],
    [4, 4, 3],
  ])('matches direct loop, %ix%i window %i', (height, width, windowSize) => {
    const shape: [number, number, number, number] = [2, height, width, 3];
    const x = seededUniform(shape, 7);
    const selection = createUnfoldSelection({ height, width, windowSize });
    const y = unfold(x, selection, windowSize);
    const expected = unfoldLoop(x.dataSync() as Float32Array, shape, windowSize);
    expect(y.shape).toEqual([2, height * width, windowSize * windowSize, 3]);
    // Selection by 0/1 weights is exact.
    expectClose(Array.from(y.dataSync()), Array.from(expected), { atol: 0, rtol: 0 });
    tf.dispose([x, y, selection]);
  });

  it('centre entry equals input', () => {
    const x = seededUniform([3, 4, 4, 2], 8);
    const selection = createUnfoldSelection({ height: 4, width: 4, windowSize: 5 });
    const y = unfold(tf.reshape(x, [3, 16, 2]), selection, 5);
    const centre = tf.slice(y, [0, 0, 12, 0], [3, 16, 1, 2]);
    expectClose(tf.reshape(centre, [3, 4, 4, 2]), x, { atol: 0, rtol: 0 });
    tf.dispose([x, y, centre, selection]);
  });

  it('out-of-map entries are zero', () => {
    const x = tf.add(seededUniform([1, 4, 4, 2], 9, 1, 2), 0);
    const selection = createUnfoldSelection({ height: 4, width: 4, windowSize: 5 });
    const values = unfold(x, selection, 5).arraySync() as number[][][][];
    // Position (0, 0): taps with u < 2 or v < 2 lie outside; all inputs are >= 1.
    for (let u = 0; u < 5; u++) {
      for (let v = 0; v < 5; v++) {
        const inside = u >= 2 && v >= 2;
        for (const value of values[0]![0]![u * 5 + v]!) {
          expect(value === 0).toBe(!inside);
        }
      }
    }
    tf.dispose([x, selection]);
  });

  it('self-correlation centre sums to one', () => {
    // Unit vectors times their own centre copy: Σ_c R[t = 12] = ‖ẑ‖² = 1, and R ≥ 0 for ẑ ≥ 0.
    const x = seededUniform([2, 4, 4, 6], 10, 0, 1);
    const selection = createUnfoldSelection({ height: 4, width: 4, windowSize: 5 });
    const unit = l2Normalize(x, 1e-12);
    const correlation = tf.mul(unfold(unit, selection, 5), tf.reshape(unit, [2, 16, 1, 6]));
    const centreSums = tf.sum(tf.slice(correlation, [0, 0, 12, 0], [2, 16, 1, 6]), -1);
    expectClose(centreSums, tf.ones([2, 16, 1]), { atol: 1e-6, rtol: 1e-5 });
    expect(tf.min(correlation).dataSync()[0]).toBeGreaterThanOrEqual(0);
    tf.dispose([x, selection, unit, correlation, centreSums]);
  });

  it('gradient sums over windows', () => {
    // d/dx Σ unfold(x) counts how many windows contain each position: 9 at a 3x3 corner with U = 5.
    const x = seededUniform([1, 3, 3, 1], 11);
    const selection = createUnfoldSelection({ height: 3, width: 3, windowSize: 5 });
    const grad = tf.grad((input: tf.Tensor) => tf.sum(unfold(input, selection, 5)))(x);
    expectClose(grad, tf.fill([1, 3, 3, 1], 9), { atol: 0, rtol: 0 });
    tf.dispose([x, selection, grad]);
  });

  it('rejects mismatched map', () => {
    const selection = createUnfoldSelection({ height: 4, width: 4, windowSize: 5 });
    const x = tf.zeros([1, 3, 3, 2]);
    expect(() => unfold(x, selection, 5)).toThrow(ShapeMismatchError);
    expect(() => unfold(x, selection, 5)).toThrow(/9 positions/);
    expect(() => unfold(tf.zeros([2, 2]), selection, 5)).toThrow(/\[B, H, W, C\]/);
    tf.dispose([x, selection]);
  });
});
