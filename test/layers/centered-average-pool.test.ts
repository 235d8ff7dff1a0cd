import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ShapeMismatchError } from '../../src/errors';
import { CenteredAveragePool } from '../../src/layers/centered-average-pool';
import { describeBackends } from '../helpers/backends';
import { expectClose } from '../helpers/expect-close';
import { runLayerContract } from '../helpers/layer-contract';
import { seededNormal } from '../helpers/random-tensors';

describe('CenteredAveragePool construction', () => {
  it('rejects rank-2 input', () => {
    expect(() => new CenteredAveragePool().apply(tf.zeros([2, 3]))).toThrow(ShapeMismatchError);
  });
});

runLayerContract({
  name: 'CenteredAveragePool',
  create: () => new CenteredAveragePool(),
  inputs: [{ shape: [2, 3, 4] }],
  makeInputs: (batch, seed) => [seededNormal([batch, 2, 3, 4], seed)],
});

describeBackends('CenteredAveragePool values', () => {
  it('matches a loop reference', () => {
    const x = seededNormal([2, 2, 3, 4], 9);
    const values = x.dataSync();
    const expected: number[] = [];
    for (let b = 0; b < 2; b++) {
      const sums = [0, 0, 0, 0];
      for (let p = 0; p < 6; p++) {
        const base = (b * 6 + p) * 4;
        let mean = 0;
        for (let c = 0; c < 4; c++) mean += (values[base + c] as number) / 4;
        for (let c = 0; c < 4; c++) sums[c]! += ((values[base + c] as number) - mean) / 6;
      }
      expected.push(...sums);
    }
    const pooled = new CenteredAveragePool().apply(x) as tf.Tensor;
    expectClose(pooled, tf.tensor2d(expected, [2, 4]), { atol: 1e-6, rtol: 1e-5 });
  });
});
