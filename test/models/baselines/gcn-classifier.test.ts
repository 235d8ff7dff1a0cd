import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors';
import { GCNClassifier, type GCNClassifierOptions } from '../../../src/models/baselines/gcn-classifier';
import { describeBackends } from '../../helpers/backends';
import { expectClose } from '../../helpers/expect-close';
import { cliqueGraph, rocAuc, separableTable, withoutLabels } from './fixtures';
import { fitOnComponents, sharedTransductiveTests } from './transductive-shared';

const train = separableTable(120, 1, 0);
const test = withoutLabels(separableTable(60, 2, 120));
const testLabels = separableTable(60, 2, 120).labels;
const graph = cliqueGraph([train, test]);

describe('GCNClassifier construction', () => {
  it('defaults match documentation', () => {
    expect(new GCNClassifier(graph).options).toEqual({
      hiddenUnits: 16,
      dropout: 0.5,
      learningRate: 0.01,
      weightDecay: 5e-4,
      epochs: 200,
      rootWeight: true,
      seed: 0,
      blockSize: 32,
    });
  });

  it.each([
    ['hiddenUnits 0', { hiddenUnits: 0 }, /`hiddenUnits` must be a positive integer; received 0/],
    ['dropout 1', { dropout: 1 }, /`dropout` must be a finite number in \[0, 1\); received 1/],
    ['epochs 2.5', { epochs: 2.5 }, /`epochs` must be a positive integer; received 2.5/],
    ['rootWeight 1', { rootWeight: 1 }, /`rootWeight` must be true or false; received 1/],
    ['blockSize 0', { blockSize: 0 }, /`blockSize` must be a positive integer; received 0. Pass the maximum nodes per dense block, or Infinity/],
    ['blockSize 2.5', { blockSize: 2.5 }, /`blockSize` must be a positive integer; received 2.5/],
  ])('rejects %s', (_title, options, pattern) => {
    expect(() => new GCNClassifier(graph, options as never)).toThrow(InvalidArgumentError);
    expect(() => new GCNClassifier(graph, options as never)).toThrow(pattern);
  });
});

describeBackends('GCNClassifier fitting', () => {
  it('learns separable problem', async () => {
    const model = new GCNClassifier(graph, { epochs: 60, learningRate: 0.03, dropout: 0.1, seed: 1 });
    await model.fit(train, { unlabeled: test });
    const p = await model.predictProba(test);
    expect(p.length).toBe(60);
    expect(rocAuc(p, testLabels)).toBeGreaterThan(0.95);
    expect(model.lossHistory.length).toBe(60);
    model.dispose();
  });

  it('seeded runs repeat', async () => {
    const run = async (): Promise<number[]> => {
      const model = new GCNClassifier(graph, { epochs: 10, seed: 3 });
      await model.fit(train, { unlabeled: test });
      return Array.from(await model.predictProba(test));
    };
    expect(await run()).toEqual(await run());
  });

  sharedTransductiveTests((g, options: GCNClassifierOptions) => new GCNClassifier(g, options), {});

  describe('blocks of components', () => {
    const fitSmall = fitOnComponents((g, options: GCNClassifierOptions) => new GCNClassifier(g, { ...options }));

    it.each([
      ['without dropout', 0],
      ['with dropout', 0.5],
    ])('blocks match dense %s', async (_title, dropout) => {
      const dense = await fitSmall({ dropout, blockSize: Infinity });
      const blocked = await fitSmall({ dropout, blockSize: 4 });
      // 15 Adam steps carry float rounding of the block-wise sums forward, hence 1e-4.
      expectClose(blocked.p, dense.p, { atol: 1e-4, rtol: 1e-4 });
      expectClose(blocked.loss, dense.loss, { atol: 1e-4, rtol: 1e-4 });
    });
  });
});
