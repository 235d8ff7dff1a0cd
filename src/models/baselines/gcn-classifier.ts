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
  DEFAULT_BLOCK_SIZE,
  resolveGraphTrainingOptions,
  type GraphNetwork,
  type GraphTrainingOptions,
} from './transductive-graph';

const OWNER = 'GCNClassifier';

/**
 * Options of {@link GCNClassifier}. Defaults: `hiddenUnits` 16, `dropout` 0.5, `learningRate`
 * 0.01, `weightDecay` 5e-4 (first layer's kernels only), `epochs` 200, `rootWeight` true,
 * `seed` 0, `blockSize` 32.
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
 * The layers run per block of whole connected components (`blockSize`), which costs Σ n_b²
 * in place of N² per dense product and gives the one-block result up to float rounding.
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
        blockSize: DEFAULT_BLOCK_SIZE,
      }),
    );
  }

  protected buildNetwork(): GraphNetwork {
    const { hiddenUnits, rootWeight, seed } = this.options;
    const first = new GCNConv({ units: hiddenUnits, rootWeight, seed });
    const second = new GCNConv({ units: 2, rootWeight, seed: seed + 10 });
    const variables = (layer: tfl.layers.Layer): tf.Variable[] => layer.trainableWeights.map((w) => w.read() as tf.Variable);

    return {
      first: (x, adjacency) => tf.tidy(() => tf.relu(first.apply([x, adjacency], { inputGradient: false }) as tf.Tensor3D)),
      second: (hidden, adjacency) => second.apply([hidden, adjacency]) as tf.Tensor3D,
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
