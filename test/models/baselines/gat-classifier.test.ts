import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { DataError, InvalidArgumentError } from '../../../src/errors';
import { GATClassifier, type GATClassifierOptions } from '../../../src/models/baselines/gat-classifier';
import { describeBackends } from '../../helpers/backends';
import { expectClose } from '../../helpers/expect-close';
import { cliqueGraph, componentGraph, rocAuc, separableTable, withoutLabels } from './fixtures';

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
      blockSize: 64,
    });
    expect([model.heads, model.attentionDropout]).toEqual([8, 0.6]);
  });

  it.each([
    ['hiddenUnits 0', { hiddenUnits: 0 }, /`hiddenUnits` must be a positive integer; received 0/],
    ['dropout 1', { dropout: 1 }, /`dropout` must be a finite number in \[0, 1\); received 1/],
    ['epochs 2.5', { epochs: 2.5 }, /`epochs` must be a positive integer; received 2.5/],
    ['rootWeight 1', { rootWeight: 1 }, /`rootWeight` must be true or false; received 1/],
    ['blockSize 0', { blockSize: 0 }, /`blockSize` must be a positive integer; received 0. Pass the maximum nodes per dense block, or Infinity/],
    ['blockSize 2.5', { blockSize: 2.5 }, /`blockSize` must be a positive integer; received 2.5/],
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
  describe('blocks of components', () => {
    const small = separableTable(30, 4, 0);
    const smallTrain = { ...small, numRows: 20, numeric: small.numeric.slice(0, 60), categorical: small.categorical.slice(0, 20), rowIndex: small.rowIndex.slice(0, 20), labels: small.labels.slice(0, 20) };
    const smallTest = withoutLabels({ ...small, numRows: 10, numeric: small.numeric.slice(60), categorical: small.categorical.slice(20), rowIndex: small.rowIndex.slice(20), labels: small.labels.slice(20) });
    const blockGraph = componentGraph();

    /** Fits on the 30-node component graph; returns P(churn) of nodes 0–29 and the loss history. */
    const fitSmall = async (options: GATClassifierOptions): Promise<{ p: number[]; loss: number[] }> => {
      const model = new GATClassifier(blockGraph, { epochs: 15, learningRate: 0.05, heads: 2, seed: 2, ...options });
      await model.fit(smallTrain, { unlabeled: smallTest });
      const p = [...(await model.predictProba(smallTrain)), ...(await model.predictProba(smallTest))];
      model.dispose();
      return { p, loss: model.lossHistory };
    };

    it.each([
      ['without dropout', 0],
      ['with feature dropout', 0.6],
    ])('blocks match dense %s', async (_title, dropout) => {
      const dense = await fitSmall({ dropout, attentionDropout: 0, blockSize: Infinity });
      const blocked = await fitSmall({ dropout, attentionDropout: 0, blockSize: 4 });
      // 15 Adam steps carry float rounding of the block-wise sums forward, hence 1e-4.
      expectClose(blocked.p, dense.p, { atol: 1e-4, rtol: 1e-4 });
      expectClose(blocked.loss, dense.loss, { atol: 1e-4, rtol: 1e-4 });
    });

    it('blocked attention dropout repeats', async () => {
      const first = await fitSmall({ attentionDropout: 0.6, blockSize: 4 });
      const second = await fitSmall({ attentionDropout: 0.6, blockSize: 4 });
      expect(second.p).toEqual(first.p);
    });

    it('isolated nodes give probabilities', async () => {
      const { p } = await fitSmall({ blockSize: 4 });
      for (const node of [11, 14, 16, 17, 18]) {
        expect(p[node]).toBeGreaterThan(0);
        expect(p[node]).toBeLessThan(1);
      }
    });
  });
});
