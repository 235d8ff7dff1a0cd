import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DataError, InvalidArgumentError } from '../../../src/errors';
import { GATClassifier } from '../../../src/models/baselines/gat-classifier';
import { describeBackends } from '../../helpers/backends';
import { cliqueGraph, rocAuc, separableTable, withoutLabels } from './fixtures';

const train = separableTable(120, 1, 0);
const test = withoutLabels(separableTable(60, 2, 120));
const testLabels = separableTable(60, 2, 120).labels;
const graph = cliqueGraph([train, test]);

describe('GATClassifier construction', () => {
  it('defaults match documentation', () => {
    const model = new GATClassifier(graph);
    expect(model.options).toEqual({
      hiddenUnits: 8,
      dropout: 0.6,
      learningRate: 0.005,
      weightDecay: 5e-4,
      epochs: 200,
      rootWeight: true,
      seed: 0,
    });
    expect([model.heads, model.attentionDropout]).toEqual([8, 0.6]);
  });

  it.each([
    ['hiddenUnits 0', { hiddenUnits: 0 }, /`hiddenUnits` must be a positive integer; received 0/],
    ['dropout 1', { dropout: 1 }, /`dropout` must be a finite number in \[0, 1\); received 1/],
    ['epochs 2.5', { epochs: 2.5 }, /`epochs` must be a positive integer; received 2.5/],
    ['rootWeight 1', { rootWeight: 1 }, /`rootWeight` must be true or false; received 1/],
    ['heads 0', { heads: 0 }, /`heads` must be a positive integer; received 0/],
    ['attentionDropout -1', { attentionDropout: -1 }, /`attentionDropout` must be a finite number in \[0, 1\); received -1/],
  ])('rejects %s', (_title, options, pattern) => {
    expect(() => new GATClassifier(graph, options as never)).toThrow(InvalidArgumentError);
    expect(() => new GATClassifier(graph, options as never)).toThrow(pattern);
  });
});

describeBackends('GATClassifier fitting', () => {
  it('learns separable problem', async () => {
    const model = new GATClassifier(graph, { epochs: 50, learningRate: 0.03, dropout: 0.1, attentionDropout: 0.1, heads: 2, seed: 1 });
    await model.fit(train, { unlabeled: test });
    const p = await model.predictProba(test);
    expect(p.length).toBe(60);
    expect(rocAuc(p, testLabels)).toBeGreaterThan(0.95);
    expect(model.lossHistory.length).toBe(50);
    model.dispose();
  });

  it('seeded runs repeat', async () => {
    const run = async (): Promise<number[]> => {
      const model = new GATClassifier(graph, { epochs: 10, heads: 2, seed: 3 });
      await model.fit(train, { unlabeled: test });
      return Array.from(await model.predictProba(test));
    };
    expect(await run()).toEqual(await run());
  });

  it('no leaked tensors', async () => {
    const before = tf.memory().numTensors;
    const model = new GATClassifier(graph, { epochs: 3 });
    await model.fit(train, { unlabeled: test });
    await model.predictProba(test);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unseen rows', async () => {
    const model = new GATClassifier(graph, { epochs: 2 });
    await model.fit(train);
    await expect(model.predictProba(test)).rejects.toThrow(DataError);
    await expect(model.predictProba(test)).rejects.toThrow(/row 0 \(node 120\) was not part of the fitted graph/);
    await expect(model.fit(train)).rejects.toThrow(/`fit` was already called/);
  });
});
