/** Full-graph training steps and forward passes of the two-layer GCN and GAT baselines. */
import * as tf from '@tensorflow/tfjs-core';
import { FlatAdam } from '../src/models/flat-adam';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GATConv, GCNConv } from '../src/index';

export type GraphModelName = 'GCN' | 'GAT';

/** Layer sizes of the baselines: GCN 16 hidden units; GAT 8 heads × 8 units, then 1 head. */
export const GCN_HIDDEN = 16;
export const GAT_HEADS = 8;
export const GAT_UNITS = 8;

/** A two-layer graph model with Adam, run on one graph (or one sampled block) at a time. */
export interface GraphRunner {
  /** Forward, backward and Adam on features `[n, D]`, adjacency `[n, n]` and one-hot labels `[n, 2]`; waits for the loss. */
  trainStep(x: tf.Tensor2D, adjacency: tf.Tensor2D, oneHot: tf.Tensor2D, targets?: number): Promise<number>;
  /** Forward pass only; waits for the logits. */
  infer(x: tf.Tensor2D, adjacency: tf.Tensor2D): Promise<void>;
  dispose(): void;
}

function buildLayers(name: GraphModelName): { layers: tfl.layers.Layer[]; forward: (x: tf.Tensor, a: tf.Tensor) => tf.Tensor } {
  if (name === 'GCN') {
    const first = new GCNConv({ units: GCN_HIDDEN, seed: 1 });
    const second = new GCNConv({ units: 2, seed: 2 });
    return {
      layers: [first, second],
      forward: (x, a) => second.apply([tf.relu(first.apply([x, a]) as tf.Tensor), a]) as tf.Tensor,
    };
  }
  const first = new GATConv({ units: GAT_UNITS, heads: GAT_HEADS, seed: 1 });
  const second = new GATConv({ units: 2, heads: 1, concat: false, seed: 2 });
  return {
    layers: [first, second],
    forward: (x, a) => second.apply([tf.elu(first.apply([x, a]) as tf.Tensor), a]) as tf.Tensor,
  };
}

/**
 * Builds the baseline `name`. `targets` in `trainStep` limits the loss to the first rows, as
 * for a sampled block whose first nodes are the mini-batch targets.
 */
export function createGraphRunner(name: GraphModelName): GraphRunner {
  const { layers, forward } = buildLayers(name);
  // The weights and the classifiers' optimizer (one flat Adam), made once the layers are built.
  let state: { variables: tf.Variable[]; optimizer: FlatAdam } | undefined;

  return {
    async trainStep(x, adjacency, oneHot, targets) {
      if (state === undefined) {
        // Build the layers once so their weights exist before variableGrads lists them.
        tf.dispose(tf.tidy(() => forward(x, adjacency)));
        const weights = layers.flatMap((layer) => layer.trainableWeights.map((w) => w.read() as tf.Variable));
        state = { variables: weights, optimizer: new FlatAdam([{ variables: weights, learningRate: 0.01 }]) };
      }
      const { variables, optimizer } = state;
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          let logits = forward(x, adjacency);
          let labels: tf.Tensor = oneHot;
          if (targets !== undefined) {
            logits = tf.slice(logits, [0, 0], [targets, -1]);
            labels = tf.slice(oneHot, [0, 0], [targets, -1]);
          }
          return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), 1))) as tf.Scalar;
        }, variables);
        optimizer.applyGradients(grads);
        return value;
      });
      const value = (await loss.data())[0] as number;
      loss.dispose();
      return value;
    },
    async infer(x, adjacency) {
      const logits = tf.tidy(() => forward(x, adjacency));
      await logits.data();
      logits.dispose();
    },
    dispose() {
      state?.optimizer.dispose();
      for (const layer of layers) {
        if (layer.built) layer.dispose();
      }
    },
  };
}
