/**
 * Two-layer GCN baseline for churn prediction on the user relation graph, trained
 * transductively (Kipf & Welling 2017, with the hyper-parameters of PyG's `examples/gcn.py`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { EdgeList } from '../../graph/types';
import { GCNConv } from '../../layers/graph/gcn-conv';
import {
  TransductiveGraphClassifier,
  resolveGraphTrainingOptions,
  type GraphNetwork,
  type GraphTrainingOptions,
} from './transductive-graph';

const OWNER = 'GCNClassifier';

/**
 * Options of {@link GCNClassifier}. Defaults: `hiddenUnits` 16, `dropout` 0.5, `learningRate`
 * 0.01, `weightDecay` 5e-4 (first layer's kernels only), `epochs` 200, `rootWeight` true,
 * `seed` 0.
 */
export type GCNClassifierOptions = GraphTrainingOptions;

/**
 * Classifies users with a two-layer graph convolutional network over the relation graph.
 *
 * ```
 * H = ReLU(GCN_1(Drop(X), A))            [N, 16]
 * Z = GCN_2(Drop(H), A)                  [N, 2]
 * loss = CE(Z[train], y) + (λ/2)·‖Θ_1‖² (and ‖Θ_root,1‖² when rootWeight)
 * ```
 *
 * X [N, D] is {@link buildFeatureMatrix} of the training rows followed by the unlabelled rows,
 * A the adjacency of the relation graph restricted to those N users, GCN_k a {@link GCNConv},
 * Drop dropout with rate `dropout` (training only) and λ = `weightDecay`. Training is
 * full-batch Adam for `epochs` epochs, and P(churn) is softmax(Z)[:, 1] after the last epoch.
 *
 * The graph is transductive: build it over all users, with node id = `FeatureTable.rowIndex`,
 * then call `fit(train, { unlabeled: test })`. `predictProba` accepts only rows seen in `fit`.
 *
 * **Differs from the paper:** `rootWeight` defaults to true, so each layer adds Θ_root·x_i to the
 * averaged neighbourhood. The relation graph links users that share interests, product category
 * and location, which gives cliques of 7 to 21 users. Plain GCN replaces each user's features
 * by the clique mean, yet the churn label depends on each user's own login recency and
 * purchase frequency, which that mean blurs. Pass `rootWeight: false` for Kipf & Welling's
 * layer.
 *
 * @example
 * ```ts
 * const gcn = new GCNClassifier(graph, { seed: 1 });
 * await gcn.fit(trainTable, { unlabeled: testTable });
 * const p = await gcn.predictProba(testTable);
 * ```
 * @throws InvalidArgumentError for invalid options, a second `fit`, or `predictProba` before `fit`.
 * @throws DataError for labels other than 0/1, row ids outside the graph, or rows not seen in `fit`.
 * @throws NumericalError when the training loss becomes NaN or infinite.
 */
export class GCNClassifier extends TransductiveGraphClassifier {
  readonly name = 'GCN';

  constructor(graph: EdgeList, options: GCNClassifierOptions = {}) {
    super(
      OWNER,
      graph,
      resolveGraphTrainingOptions(OWNER, options, {
        hiddenUnits: 16,
        dropout: 0.5,
        learningRate: 0.01,
        weightDecay: 5e-4,
        epochs: 200,
        rootWeight: true,
        seed: 0,
      }),
    );
  }

  protected buildNetwork(): GraphNetwork {
    const { hiddenUnits, dropout, rootWeight, seed } = this.options;
    const first = new GCNConv({ units: hiddenUnits, rootWeight, seed });
    const second = new GCNConv({ units: 2, rootWeight, seed: seed + 10 });
    const variables = (layer: tfl.layers.Layer): tf.Variable[] => layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const drop = (x: tf.Tensor, training: boolean, dropoutSeed: number): tf.Tensor =>
      training && dropout > 0 ? tf.dropout(x, dropout, undefined, dropoutSeed) : x;

    return {
      forward: (x, adjacency, training, dropoutSeed) =>
        tf.tidy(() => {
          const hidden = tf.relu(first.apply([drop(x, training, dropoutSeed), adjacency]) as tf.Tensor);
          return second.apply([drop(hidden, training, dropoutSeed + 1), adjacency]) as tf.Tensor2D;
        }),
      penalisedWeights: () => variables(first).filter((v) => v.shape.length === 2),
      trainableVariables: () => [...variables(first), ...variables(second)],
      dispose: () => {
        for (const layer of [first, second]) {
          if (layer.built) {
            layer.dispose();
          }
        }
      },
    };
  }
}
