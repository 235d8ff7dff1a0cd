/**
 * Graph attention layer of Veličković et al. (2018) in dense form: masked multi-head attention
 * over each node's incoming neighbours.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ShapeMismatchError } from '../../errors';
import { smallBatchMatMul } from '../../ops/small-batch-matmul';
import { requireBoolean, requireInteger, requireNumberInRange, requireOneOf } from '../../validate';
import type { Initializer, Kwargs, LayerArgs } from '../internal/tfl-types';
import {
  GRAPH_INITIALIZERS,
  checkBuiltFeatureCount,
  checkGraphInputShapes,
  createGraphInitializer,
  inputGradientOption,
  requireSeed,
  nodeProduct,
  splitGraphInputs,
  type GraphInitializerName,
} from './gcn-conv';

const OWNER = 'GATConv';

/**
 * Score given to non-edges before the softmax. Finite, so a row without any edge still gives
 * finite numbers; exp(−1e9 − max) underflows to exactly 0 in float32.
 */
export const MASKED_SCORE = -1e9;

/** Constructor arguments of {@link GATConv}. */
export interface GATConvArgs extends LayerArgs {
  /** Number of output features F′ per head; a positive integer. */
  units: number;
  /**
   * Number of attention heads K; a positive integer.
   * @defaultValue 1
   */
  heads?: number;
  /**
   * Whether to concatenate the heads (output `[N, K·F′]`) or average them (output `[N, F′]`).
   * @defaultValue true
   */
  concat?: boolean;
  /**
   * Negative slope of the LeakyReLU applied to the attention scores; in [0, 1].
   * @defaultValue 0.2
   */
  negativeSlope?: number;
  /**
   * Dropout rate on the normalised attention coefficients, applied only in training; in [0, 1).
   * @defaultValue 0
   */
  dropout?: number;
  /**
   * Whether every node attends to itself: existing self-loops are dropped and exactly one is
   * added per node, as PyG does.
   * @defaultValue true
   */
  addSelfLoops?: boolean;
  /**
   * Whether to add a separate linear transform W_root of each node's own features to the
   * output (PyG's `residual` option).
   * @defaultValue false
   */
  rootWeight?: boolean;
  /**
   * Whether to add the learnable bias b.
   * @defaultValue true
   */
  useBias?: boolean;
  /**
   * Initializer of W and W_root, one of {@link GRAPH_INITIALIZERS}.
   * @defaultValue 'glorotUniform'
   */
  kernelInitializer?: GraphInitializerName;
  /**
   * Initializer of a_src and a_dst, one of {@link GRAPH_INITIALIZERS}.
   * @defaultValue 'glorotUniform'
   */
  attentionInitializer?: GraphInitializerName;
  /**
   * Seed of the initializers (W: `seed`, W_root: `seed + 1`, a_src: `seed + 2`, a_dst:
   * `seed + 3`) and of the attention dropout (call k uses `seed + 4 + k`); `null` draws from
   * tfjs's global random stream.
   * @defaultValue null
   */
  seed?: number | null;
}

/**
 * Applies multi-head graph attention (GAT) to node features, with the adjacency given as a
 * dense `[N, N]` mask.
 *
 * Source: P. Veličković, G. Cucurull, A. Casanova, A. Romero, P. Liò and Y. Bengio, "Graph
 * Attention Networks", ICLR 2018, arXiv:1710.10903. The semantics follow PyTorch Geometric's
 * `GATConv` (separate source and target attention vectors, self-loops replaced by one per node).
 *
 * ```
 * X̃_h      = (X · W)[:, h·F′ : (h+1)·F′]                                   [N, F′]
 * e_h[i,j] = LeakyReLU(⟨X̃_h[i], a_dst,h⟩ + ⟨X̃_h[j], a_src,h⟩, slope)
 * α_h[i,:] = softmax_j(e_h[i,j] if M_ij = 1, else −1e9) ⊙ M[i,:]
 * O_h      = Drop(α_h) · X̃_h                                              [N, F′]
 * X'       = [O_1 ‖ … ‖ O_K] (concat) or (1/K) Σ_h O_h (mean)
 *            + X · W_root + b
 * ```
 *
 * X [N, F_in] are the node features, W [F_in, K·F′] the shared kernel, K = `heads`,
 * F′ = `units`, a_src and a_dst [K, F′] the attention vectors, slope = `negativeSlope`.
 * M [N, N] is the mask: M_ij = 1 iff A_ij ≠ 0 (edge j → i), with the diagonal forced to 1
 * when `addSelfLoops` is on. Drop is dropout with rate `dropout` (training only). W_root
 * [F_in, K·F′] (concat) or [F_in, F′] (mean) is the optional root kernel and b the bias
 * of the same width. Edge weights in A are ignored: only A_ij ≠ 0 counts.
 *
 * A row i with no edge at all (possible only with `addSelfLoops` off) gives α_h[i,:] = 0, so
 * node i aggregates nothing and its output is X_i·W_root + b, as in PyG. The final product
 * with M is what makes this exact: the softmax alone would spread such a row uniformly.
 *
 * **Input shape:** `[X, A]`: X `[N, F_in]` float32 and A `[N, N]` float32 (row i = edges
 * entering node i). N plays the role of the batch axis. A is read as data: no gradient flows
 * into it. A batch of B graphs of N nodes each is X `[B, N, F_in]` with A `[B, N, N]`. Pad
 * smaller graphs with zero rows and columns: padded nodes have no edges, so they change no
 * other node's output.
 *
 * **Output shape:** `[N, K·F′]` float32 when `concat`, otherwise `[N, F′]`; with a leading B
 * for a batch.
 *
 * **Call options:** `training` turns the attention dropout on. `inputGradient: false` declares X
 * a constant, such as a graph's node features in the first layer, so the backward pass skips
 * X's gradient and computes the weights' gradients more cheaply. The layer then passes no
 * gradient to X. When X reaches the loss only through this layer, a gradient with respect to X
 * fails with tfjs's "Cannot compute gradient" error. When X also reaches the loss another way,
 * the gradient silently leaves out this layer's share. Leave the option on (the default) when X
 * comes from trainable layers.
 *
 * **Differs from the paper:** the attention is computed for all N² pairs and masked, so memory
 * grows with K·N² (32 MB per intermediate for K = 8, N = 1000). PyG adds 1e-16 to the softmax
 * denominator. With at least one unmasked entry per row the dense softmax needs no guard, and
 * empty rows are zeroed by the mask. `rootWeight` is PyG's `residual` option, off by default.
 * When the layer sits in a `tf.LayersModel`, call `predict` with a `batchSize` of at least N.
 *
 * @example
 * ```ts
 * const gat = new GATConv({ units: 4, heads: 2 });
 * const x = tf.randomNormal([3, 5]);
 * const a = tf.tensor2d([[0, 1, 0], [1, 0, 1], [0, 1, 0]]);
 * const y = gat.apply([x, a]) as tf.Tensor; // [3, 8]
 * ```
 *
 * @throws InvalidArgumentError from the constructor for a missing or invalid argument.
 * @throws ShapeMismatchError from `build` or `call` when the inputs are not `[X [N, F_in],
 *   A [N, N]]`, or F_in differs from the built one.
 */
export class GATConv extends tfl.layers.Layer {
  static readonly className = 'GATConv';

  readonly units: number;
  readonly heads: number;
  readonly concat: boolean;
  readonly negativeSlope: number;
  readonly dropout: number;
  readonly addSelfLoops: boolean;
  readonly rootWeight: boolean;
  readonly useBias: boolean;
  readonly kernelInitializer: GraphInitializerName;
  readonly attentionInitializer: GraphInitializerName;
  readonly seed: number | null;

  private kernel: tfl.LayerVariable | undefined;
  private attentionSource: tfl.LayerVariable | undefined;
  private attentionTarget: tfl.LayerVariable | undefined;
  private rootKernel: tfl.LayerVariable | undefined;
  private bias: tfl.LayerVariable | undefined;
  private dropoutCalls = 0;

  constructor(args: GATConvArgs) {
    super(args);
    const heads = args.heads ?? 1;
    const concat = args.concat ?? true;
    const negativeSlope = args.negativeSlope ?? 0.2;
    const dropout = args.dropout ?? 0;
    const addSelfLoops = args.addSelfLoops ?? true;
    const rootWeight = args.rootWeight ?? false;
    const useBias = args.useBias ?? true;
    const kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
    const attentionInitializer = args.attentionInitializer ?? 'glorotUniform';
    const seed = args.seed ?? null;

    this.units = requireInteger(OWNER, 'units', args.units, 1, 'Pass the number of output features per head.');
    this.heads = requireInteger(OWNER, 'heads', heads);
    this.concat = requireBoolean(OWNER, 'concat', concat);
    this.negativeSlope = requireNumberInRange(OWNER, 'negativeSlope', negativeSlope, { min: 0, max: 1 });
    this.dropout = requireNumberInRange(OWNER, 'dropout', dropout, { min: 0, max: 1, maxExclusive: true });
    this.addSelfLoops = requireBoolean(OWNER, 'addSelfLoops', addSelfLoops);
    this.rootWeight = requireBoolean(OWNER, 'rootWeight', rootWeight);
    this.useBias = requireBoolean(OWNER, 'useBias', useBias);
    this.kernelInitializer = requireOneOf(OWNER, 'kernelInitializer', kernelInitializer, GRAPH_INITIALIZERS);
    this.attentionInitializer = requireOneOf(OWNER, 'attentionInitializer', attentionInitializer, GRAPH_INITIALIZERS);
    this.seed = requireSeed(OWNER, seed);
  }

  /** Width of the output: K·F′ when concatenating, F′ when averaging. */
  get outputUnits(): number {
    return this.concat ? this.heads * this.units : this.units;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const featureCount = checkGraphInputShapes(OWNER, inputShape);
    const seedAt = (offset: number): number | null => (this.seed === null ? null : this.seed + offset);

    this.kernel = this.addFloatWeight({
      name: 'kernel',
      shape: [featureCount, this.heads * this.units],
      initializer: createGraphInitializer(this.kernelInitializer, seedAt(0)),
    });
    // Glorot on [K, F′] gives U(±√(6/(K + F′))), PyG's limit for its [1, K, F′] vectors.
    this.attentionSource = this.addFloatWeight({
      name: 'attention_source',
      shape: [this.heads, this.units],
      initializer: createGraphInitializer(this.attentionInitializer, seedAt(2)),
    });
    this.attentionTarget = this.addFloatWeight({
      name: 'attention_target',
      shape: [this.heads, this.units],
      initializer: createGraphInitializer(this.attentionInitializer, seedAt(3)),
    });
    if (this.rootWeight) {
      this.rootKernel = this.addFloatWeight({
        name: 'root_kernel',
        shape: [featureCount, this.outputUnits],
        initializer: createGraphInitializer(this.kernelInitializer, seedAt(1)),
      });
    }
    if (this.useBias) {
      this.bias = this.addFloatWeight({ name: 'bias', shape: [this.outputUnits], initializer: tfl.initializers.zeros() });
    }
    this.inputSpec = [{ minNDim: 2, maxNDim: 3, axes: { [-1]: featureCount } }, { minNDim: 2, maxNDim: 3 }];
    this.built = true;
  }

  override apply(inputs: tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[], kwargs?: Kwargs): ReturnType<tfl.layers.Layer['apply']> {
    if (this.kernel !== undefined) {
      checkBuiltFeatureCount(OWNER, inputs, this.kernel.shape[0] as number);
    }
    return super.apply(inputs, kwargs);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...first.slice(0, -1), this.outputUnits];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const [x, adjacency] = splitGraphInputs(OWNER, inputs);
    const inputGradient = inputGradientOption(OWNER, kwargs);
    if (x.shape.slice(0, -1).includes(0)) {
      // No node at all (B = 0 or N = 0). On wasm an empty GATConv batch failed with a divide-by-zero error.
      return tf.zeros([...x.shape.slice(0, -1), this.outputUnits]);
    }
    const training = kwargs['training'] === true;
    const dropoutSeed = this.nextDropoutSeed(training);

    return tf.tidy(() => {
      const heads = this.heads;
      const units = this.units;
      // Leading (batch) dimensions: [] for one graph, [B] for a batch of graphs.
      const lead = x.shape.slice(0, -2);
      const n = x.shape[x.rank - 2] as number;
      const headsFirst = lead.length === 0 ? [1, 0, 2] : [0, 2, 1, 3];

      // X̃ = X·W: [.., N, F_in] → [.., N, K·F′] → [.., N, K, F′] → [.., K, N, F′].
      const kernel = (this.kernel as tfl.LayerVariable).read() as tf.Tensor2D;
      const flat = nodeProduct(x, kernel, inputGradient);
      const projected = tf.transpose(tf.reshape(flat, [...lead, n, heads, units]), headsFirst);
      const nodeScores = scoreNodes(
        flat,
        (this.attentionSource as tfl.LayerVariable).read(),
        (this.attentionTarget as tfl.LayerVariable).read(),
      );

      // α: [.., K, N, N], then optional dropout on the coefficients.
      const mask = attentionMask(adjacency, this.addSelfLoops);
      let alpha: tf.Tensor = computeAttention({
        projected,
        attentionSource: (this.attentionSource as tfl.LayerVariable).read(),
        attentionTarget: (this.attentionTarget as tfl.LayerVariable).read(),
        mask: lead.length === 0 ? mask : tf.reshape(mask, [...lead, 1, n, n]),
        negativeSlope: this.negativeSlope,
        everyRowHasEdge: this.addSelfLoops,
        nodeScores,
      });
      if (training && this.dropout > 0) {
        alpha = tf.dropout(alpha, this.dropout, undefined, dropoutSeed);
      }

      // O = α·X̃: [.., K, N, N]·[.., K, N, F′] → [.., K, N, F′] → [.., N, K, F′].
      const flatProduct = smallBatchMatMul(tf.reshape(alpha, [-1, n, n]) as tf.Tensor3D, tf.reshape(projected, [-1, n, units]) as tf.Tensor3D);
      const aggregated = tf.transpose(tf.reshape(flatProduct, projected.shape), headsFirst);

      // Heads: concat → [.., N, K·F′]; mean → [.., N, F′].
      let output: tf.Tensor = this.concat ? tf.reshape(aggregated, [...lead, n, heads * units]) : tf.mean(aggregated, -2);

      if (this.rootKernel !== undefined) {
        output = tf.add(output, nodeProduct(x, this.rootKernel.read() as tf.Tensor2D, inputGradient));
      }
      if (this.bias !== undefined) {
        output = tf.add(output, this.bias.read());
      }
      return output;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      heads: this.heads,
      concat: this.concat,
      negativeSlope: this.negativeSlope,
      dropout: this.dropout,
      addSelfLoops: this.addSelfLoops,
      rootWeight: this.rootWeight,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      attentionInitializer: this.attentionInitializer,
      seed: this.seed,
    };
  }

  /** Seed of this call's attention dropout: `seed + 4 + k` for the k-th training call. */
  private nextDropoutSeed(training: boolean): number | undefined {
    if (!training || this.dropout === 0 || this.seed === null) {
      return undefined;
    }
    const seed = this.seed + 4 + this.dropoutCalls;
    this.dropoutCalls += 1;
    return seed;
  }

  private addFloatWeight(options: { name: string; shape: number[]; initializer: Initializer }): tfl.LayerVariable {
    return this.addWeight(options.name, options.shape, 'float32', options.initializer, undefined, true);
  }
}
tf.serialization.registerClass(GATConv);

/**
 * Builds GAT's attention mask from a dense adjacency: 1 where A_ij ≠ 0 (edge j → i), 0
 * elsewhere, with the diagonal set to 1 when `addSelfLoops`. Shapes: `[N, N]` → `[N, N]`, or
 * `[B, N, N]` → `[B, N, N]` for a batch of graphs.
 */
export function attentionMask(adjacency: tf.Tensor, addSelfLoops: boolean): tf.Tensor {
  return tf.tidy(() => {
    const edges = tf.cast(tf.notEqual(adjacency, 0), 'float32');
    if (!addSelfLoops) {
      return edges;
    }
    const eye = tf.eye(adjacency.shape[adjacency.rank - 1] as number);
    return tf.maximum(edges, eye);
  });
}

/** Inputs of {@link computeAttention}. */
export interface AttentionInputs {
  /** Projected features X̃, `[K, N, F′]`, or `[B, K, N, F′]` for a batch of graphs. */
  projected: tf.Tensor;
  /** a_src, `[K, F′]`. */
  attentionSource: tf.Tensor;
  /** a_dst, `[K, F′]`. */
  attentionTarget: tf.Tensor;
  /** Mask M, `[N, N]` of 0/1 (row i = sources of edges entering i), or `[B, 1, N, N]`. */
  mask: tf.Tensor;
  /** LeakyReLU negative slope. */
  negativeSlope: number;
  /**
   * Whether every row of M has at least one 1, as with self-loops. The softmax then already
   * gives exactly 0 off the edges, and the final product with M is skipped.
   * @defaultValue false
   */
  everyRowHasEdge?: boolean;
  /**
   * Per-node scores ⟨X̃_h[j], a_src,h⟩ and ⟨X̃_h[i], a_dst,h⟩, each `[K, N]` or `[B, K, N]`, as
   * {@link scoreNodes} returns them. When absent, they are computed from `projected`.
   */
  nodeScores?: NodeScores;
}

/** Per-node attention scores of each head, `[K, N]` or `[B, K, N]` each. */
export interface NodeScores {
  source: tf.Tensor;
  target: tf.Tensor;
}

/**
 * Computes the per-node scores of every head from X̃ in its flat layout `[.., N, K·F′]`, as
 * one 2-D matMul with a block-diagonal `[K·F′, 2K]` matrix that holds a_src and a_dst. On wasm
 * that is cheaper than multiplying and summing the `[.., K, N, F′]` layout. Shapes: `flat`
 * `[.., N, K·F′]`, `attentionSource` and `attentionTarget` `[K, F′]` → `[.., K, N]` each.
 */
export function scoreNodes(flat: tf.Tensor, attentionSource: tf.Tensor, attentionTarget: tf.Tensor): NodeScores {
  const [heads, units] = attentionSource.shape as [number, number];
  const width = flat.shape[flat.rank - 1];
  const vectorsOk = attentionSource.rank === 2 && tf.util.arraysEqual(attentionTarget.shape, attentionSource.shape);
  if (!vectorsOk || flat.rank < 2 || flat.rank > 3 || width !== heads * units) {
    throw new ShapeMismatchError(
      `scoreNodes: expected \`flat\` [N, K·F′] or [B, N, K·F′] and both attention vectors [K, F′]; received ${JSON.stringify(flat.shape)}, ${JSON.stringify(attentionSource.shape)} and ${JSON.stringify(attentionTarget.shape)}. Pass X·W before the head transpose, whose width is K·F′.`,
    );
  }
  return tf.tidy(() => {
    const lead = flat.shape.slice(0, -2);
    const n = flat.shape[flat.rank - 2] as number;
    if (flat.size === 0) {
      // No node at all; wasm's matMul fails with a divide-by-zero error on an empty batch.
      return { source: tf.zeros([...lead, heads, n]), target: tf.zeros([...lead, heads, n]) };
    }

    // blockOf[h·F′ + f, h′] = 1 when h = h′: spreads each head's vector to its own column.
    const blockOf = new Float32Array(heads * units * heads);
    for (let h = 0; h < heads; h++) {
      for (let f = 0; f < units; f++) {
        blockOf[(h * units + f) * heads + h] = 1;
      }
    }
    const block = tf.tensor2d(blockOf, [heads * units, heads]);
    const spread = (vectors: tf.Tensor): tf.Tensor => tf.mul(tf.reshape(vectors, [heads * units, 1]), block);
    const weights = tf.concat([spread(attentionSource), spread(attentionTarget)], 1) as tf.Tensor2D;

    // [.., N, K·F′] x [K·F′, 2K] → [.., N, 2K] → [.., 2K, N].
    const scores = tf.reshape(nodeProduct(flat, weights), [...lead, n, 2 * heads]);
    const byHead = tf.transpose(scores, lead.length === 0 ? [1, 0] : [0, 2, 1]);
    const [source, target] = tf.split(byHead, 2, lead.length) as [tf.Tensor, tf.Tensor];
    return { source, target };
  });
}

/**
 * Computes GAT's normalised attention coefficients α `[K, N, N]` (`[B, K, N, N]` for a batch)
 * before dropout: row i of
 * head h is a distribution over the sources j with M_ij = 1, exactly 0 elsewhere, and all 0
 * when row i of M is empty.
 */
export function computeAttention(inputs: AttentionInputs): tf.Tensor {
  return tf.tidy(() => {
    const { projected, attentionSource, attentionTarget, mask, negativeSlope } = inputs;
    const [heads, n, units] = projected.shape.slice(-3) as [number, number, number];
    const lead = projected.shape.slice(0, -3);

    // Per-node scores ⟨X̃_h[j], a⟩: [.., K, N, F′] → [.., K, N, 1]. One graph uses batched
    // matMuls over the heads. A batch multiplies and sums, because tfjs 4.22's matMul gradient
    // fails when the weight [K, F′, 1] is broadcast over B.
    const score = (weights: tf.Tensor): tf.Tensor =>
      lead.length === 0
        ? tf.matMul(projected as tf.Tensor3D, tf.reshape(weights, [heads, units, 1]) as tf.Tensor3D)
        : tf.sum(tf.mul(projected, tf.reshape(weights, [heads, 1, units])), -1, true);
    const sourceScore = inputs.nodeScores === undefined ? score(attentionSource) : tf.reshape(inputs.nodeScores.source, [...lead, heads, n, 1]);
    const targetScore = inputs.nodeScores === undefined ? score(attentionTarget) : tf.reshape(inputs.nodeScores.target, [...lead, heads, n, 1]);

    // e[.., h, i, j] = LeakyReLU(target_i + source_j): [.., K, N, 1] + [.., K, 1, N] → [.., K, N, N].
    const scores = leakyRelu(tf.add(targetScore, tf.reshape(sourceScore, [...lead, heads, 1, n])), negativeSlope);

    // Non-edges get −1e9 (additive, so the edges' scores stay exact); softmax over j.
    const penalty = tf.mul(tf.sub(1, mask), -MASKED_SCORE);
    const alpha = tf.softmax(tf.sub(scores, penalty));

    // Multiplying by M zeroes the rows without any edge, which the softmax spreads uniformly.
    // When every row has an edge, exp(−1e9 − max) is exactly 0 off the edges already.
    return inputs.everyRowHasEdge === true ? alpha : tf.mul(alpha, mask);
  });
}

/**
 * Returns LeakyReLU(x) = x for x > 0, slope·x otherwise, as ReLU(x) − slope·ReLU(−x), which has
 * the same values bit for bit. In one measured run on wasm, forward and backward on
 * `[32, 8, 32, 32]` took 2.3 ms this way against 5.5 ms with `tf.leakyRelu`. The gradient at
 * exactly 0 is 0, where `tf.leakyRelu` gives the slope.
 */
function leakyRelu(x: tf.Tensor, slope: number): tf.Tensor {
  return tf.sub(tf.relu(x), tf.mul(tf.relu(tf.neg(x)), slope));
}
