/**
 * Shared training loop of the transductive graph baselines (GCN, GAT): full-batch training on
 * the union of labelled and unlabelled users, with the loss on the labelled ones only.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import type { FeatureTable, LabeledTable } from '../../data/types';
import { DataError, InvalidArgumentError, NumericalError } from '../../errors';
import { NeighbourSampler } from '../../graph/neighbour-sampler';
import type { EdgeList } from '../../graph/types';
import { requireInteger, requireNumberInRange } from '../../validate';
import type { Classifier, FitContext } from '../classifier';
import { buildFeatureMatrix, concatFeatureTables, readBinaryLabels } from './feature-matrix';

/** Training options shared by the graph baselines. */
export interface GraphTrainingOptions {
  /** Hidden width per head of the first layer; a positive integer. */
  hiddenUnits?: number;
  /** Dropout rate on the input features and on the hidden layer; in [0, 1). */
  dropout?: number;
  /** Adam learning rate; > 0. */
  learningRate?: number;
  /** L2 penalty λ on the first layer's kernels; the loss adds (λ/2)·‖Θ‖². ≥ 0. */
  weightDecay?: number;
  /** Number of full-batch epochs; a positive integer. */
  epochs?: number;
  /** Whether each graph layer adds a root kernel on the node's own features. */
  rootWeight?: boolean;
  /** Seed of the initial weights and of every dropout mask. */
  seed?: number;
}

/** Resolved training options. */
export type ResolvedGraphTrainingOptions = Required<GraphTrainingOptions>;

/** Checks and resolves the shared options against per-model defaults. */
export function resolveGraphTrainingOptions(
  owner: string,
  options: GraphTrainingOptions,
  defaults: ResolvedGraphTrainingOptions,
): ResolvedGraphTrainingOptions {
  const rootWeight = options.rootWeight ?? defaults.rootWeight;
  if (typeof rootWeight !== 'boolean') {
    throw new InvalidArgumentError(`${owner}: \`rootWeight\` must be true or false; received ${JSON.stringify(rootWeight)}.`);
  }
  return {
    hiddenUnits: requireInteger(owner, 'hiddenUnits', options.hiddenUnits ?? defaults.hiddenUnits),
    dropout: requireNumberInRange(owner, 'dropout', options.dropout ?? defaults.dropout, { min: 0, max: 1, maxExclusive: true }),
    learningRate: requireNumberInRange(owner, 'learningRate', options.learningRate ?? defaults.learningRate, {
      min: 0,
      minExclusive: true,
    }),
    weightDecay: requireNumberInRange(owner, 'weightDecay', options.weightDecay ?? defaults.weightDecay, { min: 0 }),
    epochs: requireInteger(owner, 'epochs', options.epochs ?? defaults.epochs),
    rootWeight,
    seed: requireInteger(owner, 'seed', options.seed ?? defaults.seed, Number.MIN_SAFE_INTEGER),
  };
}

/** The network of one graph baseline, built for a known input width. */
export interface GraphNetwork {
  /**
   * Logits `[N, 2]` of every node. `dropoutSeed` is distinct per epoch, so masks are repeatable.
   */
  forward(x: tf.Tensor2D, adjacency: tf.Tensor2D, training: boolean, dropoutSeed: number): tf.Tensor2D;
  /** Kernels penalised by the weight decay. */
  penalisedWeights(): tf.Variable[];
  /** Every trainable variable. */
  trainableVariables(): tf.Variable[];
  dispose(): void;
}

/**
 * Base class of {@link GCNClassifier} and {@link GATClassifier}. The graph spans all users, with
 * node id = `FeatureTable.rowIndex`. `fit(train, { unlabeled })` trains on the subgraph induced
 * by the training and unlabelled rows, and `predictProba` returns probabilities for any of them.
 */
export abstract class TransductiveGraphClassifier implements Classifier {
  abstract readonly name: string;
  readonly options: ResolvedGraphTrainingOptions;

  private readonly sampler: NeighbourSampler;
  private probabilities: Map<number, number> | undefined;
  private fitted = false;
  /** Training loss after each epoch of the last fit. */
  readonly lossHistory: number[] = [];

  protected constructor(
    protected readonly owner: string,
    graph: EdgeList,
    options: ResolvedGraphTrainingOptions,
  ) {
    this.options = options;
    this.sampler = new NeighbourSampler(graph, { fanouts: [] });
  }

  /** Builds the untrained network for `inputDim` features per node. */
  protected abstract buildNetwork(inputDim: number): GraphNetwork;

  async fit(train: LabeledTable, context: FitContext = {}): Promise<void> {
    if (this.fitted) {
      throw new InvalidArgumentError(`${this.owner}: \`fit\` was already called on this instance. Create a new model per fold.`);
    }
    this.fitted = true;
    const labels = readBinaryLabels(this.owner, train);
    const table = context.unlabeled === undefined ? train : concatFeatureTables([train, context.unlabeled]);
    const block = this.sampler.induced(table.rowIndex);
    const matrix = buildFeatureMatrix(table);
    const n = table.numRows;
    const numLabelled = train.numRows;

    const network = this.buildNetwork(matrix.numColumns);
    const x = tf.tensor2d(matrix.values, [n, matrix.numColumns]);
    const adjacency = tf.tensor2d(block.adjacency, [n, n]);
    const targets = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 2), 'float32'));
    const optimizer = tf.train.adam(this.options.learningRate);
    const { epochs, weightDecay, seed } = this.options;
    try {
      // One inference pass builds the layers, so that their variables exist for the optimiser.
      tf.tidy(() => {
        network.forward(x, adjacency, false, 0);
      });
      for (let epoch = 0; epoch < epochs; epoch++) {
        const loss = optimizer.minimize(
          () =>
            tf.tidy(() => {
              const logits = network.forward(x, adjacency, true, seed * 7919 + epoch * 13);
              const labelled = tf.slice(logits, [0, 0], [numLabelled, 2]);
              const ce = tf.losses.softmaxCrossEntropy(targets, labelled);
              const penalty = network
                .penalisedWeights()
                .reduce<tf.Scalar>((total, w) => tf.add(total, tf.sum(tf.square(w))), tf.scalar(0));
              return tf.add(ce, tf.mul(weightDecay / 2, penalty)) as tf.Scalar;
            }),
          true,
          network.trainableVariables(),
        ) as tf.Scalar;
        const value = (await loss.data())[0] as number;
        loss.dispose();
        if (!Number.isFinite(value)) {
          throw new NumericalError(
            `${this.owner}: the training loss became ${value} at epoch ${epoch + 1}. Lower \`learningRate\`.`,
          );
        }
        this.lossHistory.push(value);
        context.onProgress?.((epoch + 1) / epochs, `loss ${value.toFixed(4)}`);
      }

      const positive = tf.tidy(() => {
        const logits = network.forward(x, adjacency, false, 0);
        return tf.reshape(tf.slice(tf.softmax(logits), [0, 1], [n, 1]), [n]);
      });
      const values = await positive.data();
      positive.dispose();
      this.probabilities = new Map();
      for (let r = 0; r < n; r++) {
        this.probabilities.set(table.rowIndex[r] as number, values[r] as number);
      }
    } finally {
      tf.dispose([x, adjacency, targets]);
      optimizer.dispose();
      network.dispose();
    }
  }

  async predictProba(table: FeatureTable): Promise<Float32Array> {
    const probabilities = this.probabilities;
    if (probabilities === undefined) {
      throw new InvalidArgumentError(`${this.owner}: \`predictProba\` was called before \`fit\`. Fit the model first.`);
    }
    return Float32Array.from(table.rowIndex, (node, r) => {
      const p = probabilities.get(node);
      if (p === undefined) {
        throw new DataError(
          `${this.owner}: row ${r} (node ${node}) was not part of the fitted graph. The model is transductive: pass ` +
            'the rows to predict as `unlabeled` when calling `fit`.',
        );
      }
      return p;
    });
  }

  dispose(): void {
    this.probabilities = undefined;
  }
}
