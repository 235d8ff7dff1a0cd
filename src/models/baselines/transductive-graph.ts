/**
 * Shared training loop of the transductive graph baselines (GCN, GAT): full-batch training on
 * the union of labelled and unlabelled users, with the loss on the labelled ones only, run per
 * block of whole connected components.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import type { FeatureTable, LabeledTable } from '../../data/types';
import { DataError, InvalidArgumentError, NumericalError } from '../../errors';
import { connectedComponents, packComponents } from '../../graph/connected-components';
import { NeighbourSampler } from '../../graph/neighbour-sampler';
import type { EdgeList } from '../../graph/types';
import { requireInteger, requireNumberInRange } from '../../validate';
import type { Classifier, FitContext } from '../classifier';
import { FlatAdam } from '../flat-adam';
import { buildFeatureMatrix, concatFeatureTables, readBinaryLabels } from './feature-matrix';

/** Default of {@link GraphTrainingOptions.blockSize}. */
export const DEFAULT_BLOCK_SIZE = 32;

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
  /**
   * Maximum number of nodes per dense block: a positive integer, or `Infinity` for one dense
   * `[N, N]` block. The layers run on whole connected components packed into blocks of at most
   * this size (a larger component gets a block of its own). Message passing never crosses
   * components, so the size changes only the cost and the float rounding, except for GAT's
   * attention dropout masks, which are drawn per layer call. Blocks whose sizes round up to the
   * same power of two run as one batched layer call, padded with isolated zero nodes to the
   * largest of them. Smaller blocks cut the Σ n_b² cost of the dense products.
   * @defaultValue 32
   */
  blockSize?: number;
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
  const blockSize = options.blockSize ?? defaults.blockSize;
  if (blockSize !== Infinity) {
    requireInteger(owner, 'blockSize', blockSize, 1, 'Pass the maximum nodes per dense block, or Infinity for one block.');
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
    blockSize,
  };
}

/**
 * The network of one graph baseline, built for a known input width: logits = second(Drop(first(Drop(X), A)), A).
 * Each method takes one block of n nodes with its dense adjacency `[n, n]`, and the caller applies
 * the dropout between them.
 */
export interface GraphNetwork {
  /** Hidden features `[B, n, H]` of B graphs: the first graph layer and its activation. */
  first(x: tf.Tensor3D, adjacency: tf.Tensor3D, training: boolean): tf.Tensor3D;
  /** Logits `[B, n, 2]`: the second graph layer. */
  second(hidden: tf.Tensor3D, adjacency: tf.Tensor3D, training: boolean): tf.Tensor3D;
  /** Kernels penalised by the weight decay. */
  penalisedWeights(): tf.Variable[];
  /** Every trainable variable. */
  trainableVariables(): tf.Variable[];
  dispose(): void;
}

/**
 * The fitted node set laid out in slots: blocks of whole connected components are grouped into
 * batches of blocks padded to one size, and each batch is a contiguous run of slots. Padding
 * slots hold zero features and no edges, and the loss gives them weight 0.
 */
interface BlockedGraph {
  /** Row of the table at each slot, or −1 for a padding slot, `[S]`. */
  slotRows: Int32Array;
  /** Gather index of the slots into the rows of a `[N + 1, W]` tensor (row N for padding). */
  slotIndex: tf.Tensor1D;
  /** Node features by slot, `[S, F]`. */
  x: tf.Tensor2D;
  /** Number of fitted rows N (slots that are not padding). */
  numRows: number;
  /** Each batch: first slot, B blocks of n nodes, and the adjacencies `[B, n, n]`. */
  batches: { start: number; count: number; size: number; adjacency: tf.Tensor3D }[];
}

/**
 * Base class of {@link GCNClassifier} and {@link GATClassifier}. The graph spans all users, with
 * node id = `FeatureTable.rowIndex`. `fit(train, { unlabeled })` trains on the subgraph induced
 * by the training and unlabelled rows, and `predictProba` returns probabilities for any of them.
 *
 * The layers run per block of whole connected components (see `blockSize`), which gives the
 * full-graph result at a cost of Σ n_b² in place of N² per dense tensor. The dropout masks of
 * the features and of the hidden layer are drawn for all N rows in row order, as with one
 * block, and then reordered, so they do not depend on `blockSize`.
 */
export abstract class TransductiveGraphClassifier implements Classifier {
  abstract readonly name: string;
  readonly options: ResolvedGraphTrainingOptions;

  private readonly graph: EdgeList;
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
    this.graph = graph;
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
    const matrix = buildFeatureMatrix(table);
    const numLabelled = train.numRows;

    const network = this.buildNetwork(matrix.numColumns);
    const graph = this.blockGraph(table.rowIndex, matrix.values, matrix.numColumns);
    const { targets, weights } = tf.tidy(() => {
      // Rows past the training rows are unlabelled: class 0 with weight 0 keeps them out of the loss.
      const classes = Int32Array.from(graph.slotRows, (row) => (row >= 0 && row < numLabelled ? (labels[row] as number) : 0));
      const mask = Float32Array.from(graph.slotRows, (row) => (row >= 0 && row < numLabelled ? 1 : 0));
      return { targets: tf.cast(tf.oneHot(tf.tensor1d(classes, 'int32'), 2), 'float32'), weights: tf.tensor1d(mask) };
    });
    let optimizer: FlatAdam | undefined;
    const { epochs, weightDecay, seed } = this.options;
    try {
      // One inference pass builds the layers, so that their variables exist for the optimiser.
      tf.tidy(() => {
        this.forward(network, graph, false, 0);
      });
      // One Adam over all weights: the same update per weight as tf.train.adam, in fewer kernels.
      optimizer = new FlatAdam([{ variables: network.trainableVariables(), learningRate: this.options.learningRate }]);
      for (let epoch = 0; epoch < epochs; epoch++) {
        const { value: loss, grads } = tf.variableGrads(
          () =>
            tf.tidy(() => {
              const logits = this.forward(network, graph, true, seed * 7919 + epoch * 13);
              // Mean cross-entropy over the labelled rows (the nonzero weights).
              const ce = tf.losses.softmaxCrossEntropy(targets, logits, weights);
              const penalty = network
                .penalisedWeights()
                .reduce<tf.Scalar>((total, w) => tf.add(total, tf.sum(tf.square(w))), tf.scalar(0));
              return tf.add(ce, tf.mul(weightDecay / 2, penalty)) as tf.Scalar;
            }),
          network.trainableVariables(),
        );
        optimizer.applyGradients(grads);
        tf.dispose(Object.values(grads));
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
        const logits = this.forward(network, graph, false, 0);
        return tf.reshape(tf.slice(tf.softmax(logits), [0, 1], [-1, 1]), [-1]);
      });
      const values = await positive.data();
      positive.dispose();
      this.probabilities = new Map();
      graph.slotRows.forEach((row, slot) => {
        if (row >= 0) {
          this.probabilities?.set(table.rowIndex[row] as number, values[slot] as number);
        }
      });
    } finally {
      tf.dispose([graph.x, graph.slotIndex, ...graph.batches.map((batch) => batch.adjacency), targets, weights]);
      optimizer?.dispose();
      network.dispose();
    }
  }

  /**
   * Groups the fitted rows into blocks of whole connected components, batches blocks of similar
   * size, and uploads the features by slot and each batch's adjacencies.
   */
  private blockGraph(nodes: Int32Array, features: Float32Array, numColumns: number): BlockedGraph {
    const blocks = packComponents(connectedComponents(this.graph, nodes), this.options.blockSize);
    const slotRows: number[] = [];
    const batches: BlockedGraph['batches'] = [];
    for (const group of batchBlocks(blocks)) {
      const size = group.reduce((largest, members) => Math.max(largest, members.length), 0);
      const adjacency = new Float32Array(group.length * size * size);
      group.forEach((members, k) => {
        const induced = this.sampler.induced(Int32Array.from(members, (row) => nodes[row] as number)).adjacency;
        for (let i = 0; i < members.length; i++) {
          adjacency.set(induced.subarray(i * members.length, (i + 1) * members.length), (k * size + i) * size);
        }
      });
      batches.push({ start: slotRows.length, count: group.length, size, adjacency: tf.tensor3d(adjacency, [group.length, size, size]) });
      // Element-wise pushes: spreading a block of a large graph would overflow the call stack.
      for (const members of group) {
        for (let i = 0; i < size; i++) {
          slotRows.push(i < members.length ? (members[i] as number) : -1);
        }
      }
    }

    const slotFeatures = new Float32Array(slotRows.length * numColumns);
    slotRows.forEach((row, slot) => {
      if (row >= 0) {
        slotFeatures.set(features.subarray(row * numColumns, (row + 1) * numColumns), slot * numColumns);
      }
    });
    return {
      slotRows: Int32Array.from(slotRows),
      slotIndex: tf.tensor1d(Int32Array.from(slotRows, (row) => (row >= 0 ? row : nodes.length)), 'int32'),
      x: tf.tensor2d(slotFeatures, [slotRows.length, numColumns]),
      numRows: nodes.length,
      batches,
    };
  }

  /** Logits `[S, 2]` of every slot. `dropoutSeed` is distinct per epoch. */
  private forward(network: GraphNetwork, graph: BlockedGraph, training: boolean, dropoutSeed: number): tf.Tensor2D {
    return tf.tidy(() => {
      // Drop(X) by slot: [S, F].
      const featureMultiplier = this.dropoutMultiplier([graph.numRows, graph.x.shape[1]], graph, training, dropoutSeed);
      const x: tf.Tensor2D = featureMultiplier === undefined ? graph.x : tf.mul(graph.x, featureMultiplier);
      const inBatch = (t: tf.Tensor2D, batch: BlockedGraph['batches'][number]): tf.Tensor3D =>
        tf.reshape(tf.slice(t, [batch.start, 0], [batch.count * batch.size, -1]), [batch.count, batch.size, -1]) as tf.Tensor3D;

      // First layer per batch of blocks: [B, n, F] → [B, n, H].
      const hidden = graph.batches.map((batch) => network.first(inBatch(x, batch), batch.adjacency, training));

      // Drop(H) with one [S, H] mask, then the second layer: [B, n, H] → [B, n, 2] → [B·n, 2].
      const width = (hidden[0] as tf.Tensor).shape[2] as number;
      const hiddenMultiplier = this.dropoutMultiplier([graph.numRows, width], graph, training, dropoutSeed + 1);
      const logits = graph.batches.map((batch, k) => {
        const h = hidden[k] as tf.Tensor3D;
        const dropped = hiddenMultiplier === undefined ? h : (tf.mul(h, inBatch(hiddenMultiplier, batch)) as tf.Tensor3D);
        return tf.reshape(network.second(dropped, batch.adjacency, training), [-1, 2]);
      });

      // Logits of every slot: [S, 2].
      return (logits.length === 1 ? logits[0] : tf.concat(logits, 0)) as tf.Tensor2D;
    });
  }

  /**
   * Draws the dropout factor (0 or 1/(1 − rate)) of a `[N, W]` tensor as `tf.dropout` draws it
   * for the same shape and seed in row order, and gathers it into slots (padding slots get 1). The gather reads a constant, so no gather gradient is needed (wasm has none).
   * `undefined` when dropout is off.
   */
  private dropoutMultiplier(
    shape: [number, number],
    graph: BlockedGraph,
    training: boolean,
    seed: number,
  ): tf.Tensor2D | undefined {
    const rate = this.options.dropout;
    if (!training || rate === 0) {
      return undefined;
    }
    return tf.tidy(() => {
      const rowOrder = tf.dropout(tf.ones(shape), rate, undefined, seed) as tf.Tensor2D;
      const withPadding = tf.concat([rowOrder, tf.ones([1, shape[1]])], 0);
      return tf.gather(withPadding, graph.slotIndex) as tf.Tensor2D;
    });
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

/**
 * Groups blocks into batches that run as one batched layer call: blocks whose size rounds up to
 * the same power of two share a batch and are padded to its largest block. Padding therefore
 * at most doubles a block's side, while the number of layer calls per epoch drops from the
 * number of blocks to the number of distinct size classes.
 */
export function batchBlocks(blocks: readonly Int32Array[]): Int32Array[][] {
  const classes = new Map<number, Int32Array[]>();
  for (const members of blocks) {
    const sizeClass = 2 ** Math.ceil(Math.log2(Math.max(members.length, 1)));
    const group = classes.get(sizeClass) ?? [];
    group.push(members);
    classes.set(sizeClass, group);
  }
  return [...classes.entries()].sort((a, b) => b[0] - a[0]).map(([, group]) => group);
}
