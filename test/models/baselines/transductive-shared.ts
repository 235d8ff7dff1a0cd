/**
 * Tests that GCNClassifier and GATClassifier share as transductive graph classifiers: tensor
 * leaks, rows outside the fitted graph, a second fit, and isolated nodes in blocked training.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { DataError } from '../../../src/errors';
import type { EdgeList } from '../../../src/graph/types';
import type { Classifier } from '../../../src/models/classifier';
import { cliqueGraph, componentGraph, separableTable, withoutLabels } from './fixtures';

/** A classifier under test, built on `graph` with the given extra options. */
export type CreateGraphClassifier<O> = (graph: EdgeList, options: O) => Classifier & { lossHistory: number[] };

/** Returns rows 0–19 of a 30-row table as training rows and rows 20–29 as unlabelled rows. */
export function componentSplit() {
  const small = separableTable(30, 4, 0);
  const train = {
    ...small,
    numRows: 20,
    numeric: small.numeric.slice(0, 60),
    categorical: small.categorical.slice(0, 20),
    rowIndex: small.rowIndex.slice(0, 20),
    labels: small.labels.slice(0, 20),
  };
  const test = withoutLabels({
    ...small,
    numRows: 10,
    numeric: small.numeric.slice(60),
    categorical: small.categorical.slice(20),
    rowIndex: small.rowIndex.slice(20),
    labels: small.labels.slice(20),
  });
  return { train, test };
}

/**
 * Returns a function that fits a model on the 30-node component graph (15 epochs, learning rate
 * 0.05, seed 2, then `options`) and returns P(churn) of nodes 0–29 and the loss history.
 */
export function fitOnComponents<O extends object>(create: CreateGraphClassifier<O>) {
  const { train, test } = componentSplit();
  const graph = componentGraph();
  return async (options: O): Promise<{ p: number[]; loss: number[] }> => {
    const model = create(graph, { epochs: 15, learningRate: 0.05, seed: 2, ...options });
    await model.fit(train, { unlabeled: test });
    const p = [...(await model.predictProba(train)), ...(await model.predictProba(test))];
    model.dispose();
    return { p, loss: model.lossHistory };
  };
}

/** Registers the shared tests; call inside a `describe` or `describeBackends` block. */
export function sharedTransductiveTests<O extends object>(create: CreateGraphClassifier<O>, blockOptions: O): void {
  const train = separableTable(120, 1, 0);
  const test = withoutLabels(separableTable(60, 2, 120));
  const graph = cliqueGraph([train, test]);

  it('no leaked tensors', async () => {
    const before = tf.memory().numTensors;
    const model = create(graph, { epochs: 3 } as O);
    await model.fit(train, { unlabeled: test });
    await model.predictProba(test);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects unseen rows', async () => {
    const model = create(graph, { epochs: 2 } as O);
    await model.fit(train);
    await expect(model.predictProba(test)).rejects.toThrow(DataError);
    await expect(model.predictProba(test)).rejects.toThrow(/row 0 \(node 120\) was not part of the fitted graph/);
    await expect(model.fit(train)).rejects.toThrow(/`fit` was already called/);
  });

  it('isolated nodes give probabilities', async () => {
    const { p } = await fitOnComponents(create)({ ...blockOptions, blockSize: 4 });
    for (const node of [11, 14, 16, 17, 18]) {
      expect(p[node]).toBeGreaterThan(0);
      expect(p[node]).toBeLessThan(1);
    }
  });
}
