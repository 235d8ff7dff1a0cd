import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../../src/errors';
import { LogisticRegression } from '../../../src/models/baselines/logistic-regression';
import { describeBackends } from '../../helpers/backends';
import { rocAuc, separableTable, withoutLabels } from './fixtures';

describe('LogisticRegression construction', () => {
  it('defaults match documentation', () => {
    const model = new LogisticRegression();
    expect(model.name).toBe('Logistic regression');
    expect([model.l2, model.learningRate, model.maxIterations, model.tolerance]).toEqual([1e-4, 0.05, 3000, 1e-6]);
  });

  it.each([
    ['l2 -1', { l2: -1 }, /`l2` must be a finite number >= 0; received -1/],
    ['learningRate 0', { learningRate: 0 }, /`learningRate` must be a finite number > 0; received 0/],
    ['maxIterations 0', { maxIterations: 0 }, /`maxIterations` must be a positive integer; received 0/],
  ])('rejects %s', (_title, options, pattern) => {
    expect(() => new LogisticRegression(options)).toThrow(InvalidArgumentError);
    expect(() => new LogisticRegression(options)).toThrow(pattern);
  });
});

describeBackends('LogisticRegression fitting', () => {
  const train = separableTable(120, 1);
  const test = separableTable(60, 2, 200);

  it('learns separable problem', async () => {
    const model = new LogisticRegression();
    await model.fit(train);
    const p = await model.predictProba(withoutLabels(test));
    expect(p).toBeInstanceOf(Float32Array);
    expect(p.length).toBe(60);
    expect(rocAuc(p, test.labels)).toBeGreaterThan(0.95);
    const { weights } = model.coefficients();
    // The label is x0 − x1 > 0: opposite signs, and both dominate the noise column.
    expect(weights[0]).toBeGreaterThan(Math.abs(weights[2] as number));
    expect(weights[1]).toBeLessThan(-Math.abs(weights[2] as number));
    model.dispose();
  });

  it('repeatable fits', async () => {
    const first = new LogisticRegression({ maxIterations: 200 });
    const second = new LogisticRegression({ maxIterations: 200 });
    await first.fit(train);
    await second.fit(train);
    expect(Array.from(await second.predictProba(test))).toEqual(Array.from(await first.predictProba(test)));
    first.dispose();
    second.dispose();
  });

  it('no leaked tensors', async () => {
    const before = tf.memory().numTensors;
    const model = new LogisticRegression({ maxIterations: 100 });
    await model.fit(train);
    await model.predictProba(test);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects misuse', async () => {
    const model = new LogisticRegression({ maxIterations: 50 });
    await expect(model.predictProba(test)).rejects.toThrow(/`predictProba` was called before `fit`/);
    await model.fit(train);
    await expect(model.fit(train)).rejects.toThrow(/`fit` was already called/);
    const other = { ...test, cardinalities: [4], categorical: Int32Array.from(test.categorical) };
    await expect(model.predictProba(other)).rejects.toThrow(ShapeMismatchError);
    await expect(model.predictProba(other)).rejects.toThrow(/has 7 feature columns after one-hot encoding but the model was fitted on 6/);
    model.dispose();
  });
});
