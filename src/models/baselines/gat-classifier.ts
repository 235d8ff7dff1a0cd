/**
 * Two-layer GAT baseline for churn prediction on the user relation graph, trained
 * transductively (Veličković et al. 2018, with the hyper-parameters of PyG's `examples/gat.py`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { EdgeList } from '../../graph/types';
import { GATConv } from '../../layers/graph/gat-conv';
import { requireInteger, requireNumberInRange } from '../../validate';
import {
  TransductiveGraphClassifier,
  DEFAULT_BLOCK_SIZE,
  resolveGraphTrainingOptions,
  type GraphNetwork,
  type GraphTrainingOptions,
} from './transductive-graph';

const OWNER = 'GATClassifier';

/**
 * Options of {@link GATClassifier}. Defaults: `hiddenUnits` 8 per head, `heads` 8, `dropout`
 * 0.6, `attentionDropout` 0.6, `learningRate` 0.005, `weightDecay` 5e-4 (every kernel and
 * attention vector), `epochs` 200, `rootWeight` true, `seed` 0, `blockSize` 32.
 */
export interface GATClassifierOptions extends GraphTrainingOptions {
  /** Number of heads of the first layer; a positive integer. */
  heads?: number;
  /** Dropout rate on the attention coefficients of both layers; in [0, 1). */
  attentionDropout?: number;
}

/**
 * Classifies users with a two-layer graph attention network over the relation graph.
 *
 * ```
 * H = ELU(GAT_1(Drop(X), A))        8 heads × 8, concatenated   [N, 64]
 * Z = GAT_2(Drop(H), A)             1 head, averaged             [N, 2]
 * loss = CE(Z[train], y) + (λ/2)·Σ ‖W‖² over kernels and attention vectors
 * ```
 *
 * X [N, D] is {@link buildFeatureMatrix} of the training rows followed by the unlabelled rows,
 * A the adjacency of the relation graph restricted to those N users, GAT_k a {@link GATConv}
 * with attention dropout `attentionDropout`, Drop dropout with rate `dropout` (training only)
 * and λ = `weightDecay`. Training is full-batch Adam for `epochs` epochs.
 *
 * The graph is transductive: build it over all users, with node id = `FeatureTable.rowIndex`,
 * then call `fit(train, { unlabeled: test })`. `predictProba` accepts only rows seen in `fit`.
 * The layers run per block of whole connected components (`blockSize`), so the dense attention
 * costs heads·Σ n_b² values per intermediate tensor for blocks of n_b nodes, in place of
 * heads·N² (32 MB for N = 1000). The result equals the one-block result up to float rounding,
 * except that the attention dropout masks are drawn once per batched layer call (blocks of
 * similar size run together), so they change with `blockSize`.
 *
 * **Differs from the paper:** `rootWeight` defaults to true (PyG's `residual`), so each layer
 * adds W_root·x_i to the attended neighbourhood. In the relation graph each user sits in a
 * clique of 7 to 21 users sharing interests, product category and location. Attention can
 * weight the self-loop, but after dropout of 0.6 on the coefficients a user's own login
 * recency and purchase frequency, which decide the label, would still be diluted. Pass
 * `rootWeight: false` for the original layer.
 *
 * @example
 * ```ts
 * const gat = new GATClassifier(graph, { seed: 1 });
 * await gat.fit(trainTable, { unlabeled: testTable });
 * const p = await gat.predictProba(testTable);
 * ```
 * @throws InvalidArgumentError for invalid options, a second `fit`, or `predictProba` before `fit`.
 * @throws DataError for labels other than 0/1, row ids outside the graph, or rows not seen in `fit`.
 * @throws NumericalError when the training loss becomes NaN or infinite.
 */
export class GATClassifier extends TransductiveGraphClassifier {
  readonly name = 'GAT';
  readonly heads: number;
  readonly attentionDropout: number;

  constructor(graph: EdgeList, options: GATClassifierOptions = {}) {
    super(
      OWNER,
      graph,
      resolveGraphTrainingOptions(OWNER, options, {
        hiddenUnits: 8,
        dropout: 0.6,
        learningRate: 0.005,
        weightDecay: 5e-4,
        epochs: 200,
        rootWeight: true,
        seed: 0,
        blockSize: DEFAULT_BLOCK_SIZE,
      }),
    );
    this.heads = requireInteger(OWNER, 'heads', options.heads ?? 8);
    this.attentionDropout = requireNumberInRange(OWNER, 'attentionDropout', options.attentionDropout ?? 0.6, {
      min: 0,
      max: 1,
      maxExclusive: true,
    });
  }

  protected buildNetwork(): GraphNetwork {
    const { hiddenUnits, rootWeight, seed } = this.options;
    const first = new GATConv({
      units: hiddenUnits,
      heads: this.heads,
      concat: true,
      dropout: this.attentionDropout,
      rootWeight,
      seed,
    });
    const second = new GATConv({
      units: 2,
      heads: 1,
      concat: false,
      dropout: this.attentionDropout,
      rootWeight,
      seed: seed + 100_003,
    });
    const variables = (layer: tfl.layers.Layer): tf.Variable[] => layer.trainableWeights.map((w) => w.read() as tf.Variable);

    return {
      first: (x, adjacency, training) => tf.tidy(() => tf.elu(first.apply([x, adjacency], { training, inputGradient: false }) as tf.Tensor3D)),
      second: (hidden, adjacency, training) => second.apply([hidden, adjacency], { training }) as tf.Tensor3D,
      penalisedWeights: () => [...variables(first), ...variables(second)].filter((v) => v.shape.length === 2),
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
