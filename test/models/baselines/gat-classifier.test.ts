import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors';
import { GATClassifier, type GATClassifierOptions } from '../../../src/models/baselines/gat-classifier';
import { describeBackends } from '../../helpers/backends';
import { expectClose } from '../../helpers/expect-close';
import { cliqueGraph, rocAuc, separableTable, withoutLabels } from './fixtures';
import { fitOnComponents, sharedTransductiveTests } from './transductive-shared';

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
      blockSize: 32,
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

  sharedTransductiveTests((g, options: GATClassifierOptions) => new GATClassifier(g, options), { heads: 2 });

  describe('blocks of components', () => {
    const fitSmall = fitOnComponents((g, options: GATClassifierOptions) => new GATClassifier(g, { heads: 2, ...options }));

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
  });
});
