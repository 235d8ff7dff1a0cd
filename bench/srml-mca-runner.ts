/**
 * One SRML-MCA training step (forward, backward, Adam) and one inference pass, built from the
 * library's network, forward pass, objective and the trainer's optimizer (one flat Adam with
 * gradient clipping at 2, the trainer's defaults), for timing without the trainer's bookkeeping.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SRMLMCA, type LabeledTable, type SRMLMCAPresetName } from '../src/index';
import { FlatAdam } from '../src/models/flat-adam';
import { forwardSRMLMCA } from '../src/models/srml-mca-network';
import { srmlMcaObjective } from '../src/models/srml-mca-objective';

/** A model with its optimizer and the whole table as tensors. */
export interface SrmlMcaRunner {
  model: SRMLMCA;
  /** Runs one training step on rows [start, start + size) and waits for the loss. */
  trainStep(start: number, size: number): Promise<number>;
  /** Runs one training step on the given rows (gathered, as the trainer does) and waits for the loss. */
  trainRows(rows: Int32Array): Promise<number>;
  /** Scores rows [start, start + size) and waits for the probabilities. */
  infer(start: number, size: number): Promise<Float32Array>;
  dispose(): void;
}

/** Builds a model for `table` and keeps the table on the active backend. */
export function createSrmlMcaRunner(table: LabeledTable, preset: SRMLMCAPresetName, useMca: boolean): SrmlMcaRunner {
  const model = new SRMLMCA({
    numNumeric: table.numericColumns.length,
    cardinalities: table.cardinalities,
    preset,
    useMca,
    seed: 3,
  });
  const config = model.config;
  const numeric = tf.tensor2d(table.numeric, [table.numRows, table.numericColumns.length], 'float32');
  const categorical = tf.tensor2d(table.categorical, [table.numRows, table.categoricalColumns.length], 'int32');
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(table.labels, 'int32'), 2));
  const weights = tf.ones([table.numRows]);
  const variables = model.network.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = new FlatAdam([{ variables, learningRate: 1e-3 }], { clipNorm: 2 });

  const rows = (t: tf.Tensor, start: number, size: number): tf.Tensor => tf.slice(t, [start, 0], [size, -1]);

  /** Forward, backward and Adam on the batch that `select` picks from each full-table tensor. */
  const step = async (select: (t: tf.Tensor) => tf.Tensor): Promise<number> => {
    const loss = tf.tidy(() => {
      const batchNumeric = select(numeric);
      const batchCategorical = select(categorical);
      const batchOneHot = select(oneHot);
      const batchWeights = tf.reshape(select(tf.reshape(weights, [-1, 1])), [-1]);
      const { value, grads } = tf.variableGrads(() => {
        const forward = forwardSRMLMCA(model.network, config, batchNumeric, batchCategorical, true);
        return srmlMcaObjective(forward, batchOneHot, batchWeights, config).total;
      }, variables);
      optimizer.applyGradients(grads);
      return value;
    });
    const value = (await loss.data())[0] as number;
    loss.dispose();
    return value;
  };

  return {
    model,
    trainStep: (start, size) => step((t) => rows(t, start, size)),
    trainRows: (indices) => step((t) => tf.gather(t, tf.tensor1d(indices, 'int32'))),
    async infer(start, size) {
      const probabilities = tf.tidy(() => {
        const forward = forwardSRMLMCA(model.network, config, rows(numeric, start, size), rows(categorical, start, size), false);
        return tf.reshape(tf.slice(tf.softmax(forward.fused), [0, 1], [-1, 1]), [-1]);
      });
      const values = (await probabilities.data()) as Float32Array;
      probabilities.dispose();
      return values;
    },
    dispose() {
      tf.dispose([numeric, categorical, oneHot, weights]);
      optimizer.dispose();
      model.dispose();
    },
  };
}
