/**
 * Graph convolution of Kipf & Welling (2017) in dense form: symmetric normalisation of the
 * adjacency with self-loops, then one linear transform of the aggregated node features.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, ShapeMismatchError } from '../../errors';
import { matMulConstantLeft, matMulExplicitGrad } from '../../ops/matmul-explicit-grad';
import { requireBoolean, requireInteger, requireOneOf } from '../../validate';
import type { Initializer, Kwargs, LayerArgs } from '../internal/tfl-types';

const OWNER = 'GCNConv';

/** Initializer names accepted by the graph layers, as in `tf.initializers`. */
export const GRAPH_INITIALIZERS = [
  'glorotUniform',
  'glorotNormal',
  'heUniform',
  'heNormal',
  'leCunUniform',
  'leCunNormal',
  'zeros',
  'ones',
] as const;
export type GraphInitializerName = (typeof GRAPH_INITIALIZERS)[number];

/** Creates the named initializer, seeded when `seed` is a number. */
export function createGraphInitializer(name: GraphInitializerName, seed: number | null): Initializer {
  const args = seed === null ? {} : { seed };
  switch (name) {
    case 'glorotUniform':
      return tfl.initializers.glorotUniform(args);
    case 'glorotNormal':
      return tfl.initializers.glorotNormal(args);
    case 'heUniform':
      return tfl.initializers.heUniform(args);
    case 'heNormal':
      return tfl.initializers.heNormal(args);
    case 'leCunUniform':
      return tfl.initializers.leCunUniform(args);
    case 'leCunNormal':
      return tfl.initializers.leCunNormal(args);
    case 'zeros':
      return tfl.initializers.zeros();
    case 'ones':
      return tfl.initializers.ones();
  }
}

/** Constructor arguments of {@link GCNConv}. */
export interface GCNConvArgs extends LayerArgs {
  /** Number of output features F_out per node; a positive integer. */
  units: number;
  /**
   * Whether to add the learnable bias b.
   * @defaultValue true
   */
  useBias?: boolean;
  /**
   * Whether to give every node a self-loop before normalising (PyG `add_remaining_self_loops`:
   * an existing self-loop keeps its weight, a missing one gets weight 1, or 2 with `improved`).
   * @defaultValue true
   */
  addSelfLoops?: boolean;
  /**
   * Whether added self-loops get weight 2 instead of 1 (PyG `improved`).
   * @defaultValue false
   */
  improved?: boolean;
  /**
   * Whether to apply the symmetric normalisation D̂^−½ Ã D̂^−½; when false, Ã is used as given.
   * @defaultValue true
   */
  normalize?: boolean;
  /**
   * Whether to add a separate transform Θ_root of each node's own features to the aggregated
   * neighbours. Not part of GCN; it keeps a node's own signal when its neighbourhood is large.
   * @defaultValue false
   */
  rootWeight?: boolean;
  /**
   * Initializer of Θ and Θ_root, one of {@link GRAPH_INITIALIZERS}. The bias starts at zero.
   * @defaultValue 'glorotUniform'
   */
  kernelInitializer?: GraphInitializerName;
  /**
   * Seed of the kernel initializers (Θ uses `seed`, Θ_root uses `seed + 1`); `null` draws
   * from tfjs's global random stream.
   * @defaultValue null
   */
  seed?: number | null;
}

/**
 * Applies a graph convolution (GCN) to node features, with the adjacency given as a dense
 * `[N, N]` matrix.
 *
 * Source: T. N. Kipf and M. Welling, "Semi-Supervised Classification with Graph Convolutional
 * Networks", ICLR 2017, arXiv:1609.02907. The semantics follow PyTorch Geometric's `GCNConv`
 * (`gcn_norm` with `add_remaining_self_loops`, flow source to target).
 *
 * ```
 * Ã     = A with diag(Ã)_i = A_ii if A_ii ≠ 0, else s          (addSelfLoops; otherwise Ã = A)
 * d_i   = Σ_j Ã_ij
 * Â_ij  = d_i^−½ · Ã_ij · d_j^−½,  with 0^−½ := 0               (normalize; otherwise Â = Ã)
 * X'    = Â · (X · Θ) + X · Θ_root + b
 * ```
 *
 * A [N, N] is the weighted adjacency whose row i holds the weights of the edges entering
 * node i (A_ij = weight of edge j → i). s is the self-loop weight: 1, or 2 with `improved`.
 * d_i is the weighted in-degree of node i in Ã. X [N, F_in] are the node features,
 * Θ [F_in, F_out] the kernel, Θ_root [F_in, F_out] the optional root kernel (`rootWeight`)
 * and b [F_out] the optional bias.
 *
 * The zero-degree guard 0^−½ := 0 makes an isolated node without a self-loop aggregate
 * nothing, so its output is X_i·Θ_root + b: finite, and equal to b when `rootWeight` is off.
 * With self-loops on, an isolated node has d_i = 1 (or 2) and keeps its own transformed
 * feature X_i·Θ·s/d_i = X_i·Θ.
 *
 * **Input shape:** `[X, A]`: X `[N, F_in]` float32 and A `[N, N]` float32. N is the number
 * of nodes and plays the role of the batch axis, so one call processes one whole graph (or
 * one sampled block). A is read as data: no gradient flows into it. A batch of B graphs of N
 * nodes each is X `[B, N, F_in]` with A `[B, N, N]`. Pad smaller graphs with zero rows and
 * columns: padded nodes have no edges, so they change no other node's output.
 *
 * **Output shape:** `[N, F_out]` float32, or `[B, N, F_out]` for a batch.
 *
 * **Call options:** `inputGradient: false` declares X a constant, such as a graph's node
 * features in the first layer, so the backward pass skips X's gradient and computes the
 * weights' gradients more cheaply. The layer then passes no gradient to X. When X reaches the
 * loss only through this layer, a gradient with respect to X fails with tfjs's "Cannot compute
 * gradient" error. When X also reaches the loss another way, the gradient silently leaves out
 * this layer's share. Leave the option on (the default) when X comes from trainable layers.
 *
 * **Differs from the paper:** `rootWeight` is an extension taken from PyG's `GraphConv`
 * (off by default, which gives the paper's layer). The adjacency is dense: memory and time
 * grow with N², about 4 MB and N²·F_out multiply-adds per call for N = 1000. When the layer
 * sits in a `tf.LayersModel`, call `predict` with a `batchSize` of at least N, because
 * `predict` splits its inputs along the first axis.
 *
 * @example
 * ```ts
 * const conv = new GCNConv({ units: 4 });
 * const x = tf.randomNormal([3, 5]);
 * const a = tf.tensor2d([[0, 1, 0], [1, 0, 1], [0, 1, 0]]);
 * const y = conv.apply([x, a]) as tf.Tensor; // [3, 4]
 * ```
 *
 * @throws InvalidArgumentError from the constructor for a missing or invalid argument.
 * @throws ShapeMismatchError from `build` or `call` when the inputs are not `[X [N, F_in],
 *   A [N, N]]`, or F_in differs from the built one.
 */
export class GCNConv extends tfl.layers.Layer {
  static readonly className = 'GCNConv';

  readonly units: number;
  readonly useBias: boolean;
  readonly addSelfLoops: boolean;
  readonly improved: boolean;
  readonly normalize: boolean;
  readonly rootWeight: boolean;
  readonly kernelInitializer: GraphInitializerName;
  readonly seed: number | null;

  private kernel: tfl.LayerVariable | undefined;
  private rootKernel: tfl.LayerVariable | undefined;
  private bias: tfl.LayerVariable | undefined;

  constructor(args: GCNConvArgs) {
    super(args);
    const useBias = args.useBias ?? true;
    const addSelfLoops = args.addSelfLoops ?? true;
    const improved = args.improved ?? false;
    const normalize = args.normalize ?? true;
    const rootWeight = args.rootWeight ?? false;
    const kernelInitializer = args.kernelInitializer ?? 'glorotUniform';
    const seed = args.seed ?? null;

    this.units = requireInteger(OWNER, 'units', args.units, 1, 'Pass the number of output features per node.');
    this.useBias = requireBoolean(OWNER, 'useBias', useBias);
    this.addSelfLoops = requireBoolean(OWNER, 'addSelfLoops', addSelfLoops);
    this.improved = requireBoolean(OWNER, 'improved', improved);
    this.normalize = requireBoolean(OWNER, 'normalize', normalize);
    this.rootWeight = requireBoolean(OWNER, 'rootWeight', rootWeight);
    this.kernelInitializer = requireOneOf(OWNER, 'kernelInitializer', kernelInitializer, GRAPH_INITIALIZERS);
    this.seed = requireSeed(OWNER, seed);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const featureCount = checkGraphInputShapes(OWNER, inputShape);
    const seedAt = (offset: number): number | null => (this.seed === null ? null : this.seed + offset);

    this.kernel = this.addFloatWeight({
      name: 'kernel',
      shape: [featureCount, this.units],
      initializer: createGraphInitializer(this.kernelInitializer, seedAt(0)),
    });
    if (this.rootWeight) {
      this.rootKernel = this.addFloatWeight({
        name: 'root_kernel',
        shape: [featureCount, this.units],
        initializer: createGraphInitializer(this.kernelInitializer, seedAt(1)),
      });
    }
    if (this.useBias) {
      this.bias = this.addFloatWeight({ name: 'bias', shape: [this.units], initializer: tfl.initializers.zeros() });
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
    return [...first.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const [x, adjacency] = splitGraphInputs(OWNER, inputs);
    const inputGradient = inputGradientOption(OWNER, kwargs);
    if (x.shape.slice(0, -1).includes(0)) {
      // No node at all (B = 0 or N = 0). On wasm an empty GATConv batch failed with a divide-by-zero error.
      return tf.zeros([...x.shape.slice(0, -1), this.units]);
    }
    return tf.tidy(() => {
      // Â: [.., N, N], a constant of the graph (a leading B for a batch of graphs).
      const propagation = normalizeAdjacency(adjacency, {
        addSelfLoops: this.addSelfLoops,
        selfLoopWeight: this.improved ? 2 : 1,
        normalize: this.normalize,
      });

      // X·Θ: [.., N, F_in] → [.., N, F_out]; then Â·(X·Θ): [.., N, F_out].
      const kernel = (this.kernel as tfl.LayerVariable).read() as tf.Tensor2D;
      const transformed = nodeProduct(x, kernel, inputGradient);
      let output: tf.Tensor = tf.matMul(propagation, transformed);

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
      useBias: this.useBias,
      addSelfLoops: this.addSelfLoops,
      improved: this.improved,
      normalize: this.normalize,
      rootWeight: this.rootWeight,
      kernelInitializer: this.kernelInitializer,
      seed: this.seed,
    };
  }

  private addFloatWeight(options: { name: string; shape: number[]; initializer: Initializer }): tfl.LayerVariable {
    return this.addWeight(options.name, options.shape, 'float32', options.initializer, undefined, true);
  }
}
tf.serialization.registerClass(GCNConv);

/** Options of {@link normalizeAdjacency}. */
export interface NormalizeAdjacencyOptions {
  /** Give every node a self-loop (an existing one keeps its weight). */
  addSelfLoops: boolean;
  /** Weight of an added self-loop (PyG: 1, or 2 when `improved`). */
  selfLoopWeight: number;
  /** Apply D̂^−½ Ã D̂^−½ (otherwise return Ã). */
  normalize: boolean;
}

/**
 * Computes GCN's propagation matrix Â = D̂^−½ Ã D̂^−½ from a dense adjacency whose row i holds
 * the edges entering node i, with the guard 0^−½ := 0 for nodes of zero degree. This is PyG's
 * `gcn_norm` in dense form, written with tensor ops only. Shapes: `[N, N]` → `[N, N]`, or
 * `[B, N, N]` → `[B, N, N]` for a batch of graphs. NaN or infinite entries make the result
 * NaN: the function does not read the values back to check them.
 *
 * @throws ShapeMismatchError if `adjacency` is not `[N, N]` or `[B, N, N]`.
 */
export function normalizeAdjacency(adjacency: tf.Tensor2D, options: NormalizeAdjacencyOptions): tf.Tensor2D;
export function normalizeAdjacency(adjacency: tf.Tensor3D, options: NormalizeAdjacencyOptions): tf.Tensor3D;
export function normalizeAdjacency(adjacency: tf.Tensor, options: NormalizeAdjacencyOptions): tf.Tensor;
export function normalizeAdjacency(adjacency: tf.Tensor, options: NormalizeAdjacencyOptions): tf.Tensor {
  const [rows, columns] = adjacency.shape.slice(-2);
  if ((adjacency.rank !== 2 && adjacency.rank !== 3) || rows !== columns) {
    throw new ShapeMismatchError(
      `normalizeAdjacency: \`adjacency\` must have shape [N, N] or [B, N, N]; received ${JSON.stringify(adjacency.shape)}.`,
    );
  }
  return tf.tidy(() => {
    const n = adjacency.shape[adjacency.rank - 1] as number;
    // Leading (batch) dimensions: [] for one graph, [B] for a batch.
    const lead = adjacency.shape.slice(0, -2);
    let filled = adjacency;

    // Ã: keep non-zero diagonal entries, fill the zero ones with the self-loop weight.
    if (options.addSelfLoops) {
      const eye = tf.eye(n);
      const diagonal = tf.sum(tf.mul(adjacency, eye), -1);
      const loops = tf.where(tf.notEqual(diagonal, 0), diagonal, tf.fill(diagonal.shape, options.selfLoopWeight));
      const loopRow = lead.length === 0 ? loops : tf.reshape(loops, [...lead, 1, n]);
      filled = tf.add(tf.mul(adjacency, tf.sub(1, eye)), tf.mul(eye, loopRow));
    }
    if (!options.normalize) {
      return filled;
    }

    // d^−½ with 0^−½ := 0; the safe denominator keeps Infinity out of the unused branch.
    const degree = tf.sum(filled, -1);
    const positive = tf.greater(degree, 0);
    const safeDegree = tf.where(positive, degree, tf.onesLike(degree));
    const inverseRoot = tf.where(positive, tf.rsqrt(safeDegree), tf.zerosLike(degree));

    // D̂^−½ Ã D̂^−½ by broadcasting a column and a row vector: [.., N, 1] · [.., N, N] · [.., 1, N].
    return tf.mul(tf.mul(tf.reshape(inverseRoot, [...lead, n, 1]), filled), tf.reshape(inverseRoot, [...lead, 1, n]));
  });
}

/**
 * Checks the shapes of a dense graph layer's inputs and returns F_in: one graph `[X [N, F_in],
 * A [N, N]]`, or a batch of B graphs of N nodes each `[X [B, N, F_in], A [B, N, N]]`.
 * @internal
 */
export function checkGraphInputShapes(owner: string, inputShape: tfl.Shape | tfl.Shape[]): number {
  const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as tfl.Shape[];
  if (shapes.length !== 2) {
    throw new ShapeMismatchError(
      `${owner}: expected two inputs [X, A] (node features [N, F_in] and adjacency [N, N]); ` +
        `received ${shapes.length} input(s) of shapes ${JSON.stringify(shapes)}. Pass the adjacency as the second input.`,
    );
  }
  const [xShape, aShape] = shapes as [tfl.Shape, tfl.Shape];
  const featureCount = xShape[xShape.length - 1];
  if ((xShape.length !== 2 && xShape.length !== 3) || featureCount === null || featureCount === undefined) {
    throw new ShapeMismatchError(
      `${owner}: \`X\` must have shape [N, F_in], or [B, N, F_in] for a batch of graphs, with a known F_in; ` +
        `received ${JSON.stringify(xShape)}.`,
    );
  }
  const lead = xShape.slice(0, -2);
  const n = xShape[xShape.length - 2] as number | null;
  const sameRank = aShape.length === xShape.length;
  const sameBatch = sameRank && lead.every((d, i) => d === null || aShape[i] === null || aShape[i] === d);
  const nodeDims = aShape.slice(-2);
  const square = nodeDims.length === 2 && (nodeDims[0] === null || nodeDims[1] === null || nodeDims[0] === nodeDims[1]);
  const matchesX = n === null || nodeDims.every((d) => d === null || d === n);
  if (!sameBatch || !square || !matchesX) {
    const expected = lead.length === 0 ? '[N, N]' : '[B, N, N]';
    throw new ShapeMismatchError(
      `${owner}: \`A\` must have shape ${expected} with N = ${JSON.stringify(n)} nodes as in X ${JSON.stringify(xShape)}; ` +
        `received ${JSON.stringify(aShape)}. Build a dense adjacency over the same nodes as X (row i = edges entering node i).`,
    );
  }
  return featureCount;
}

/**
 * Checks that X still has the feature count F_in that a built graph layer's kernel expects,
 * before tfjs-layers' own input check (whose error names neither X nor the fix).
 * @throws ShapeMismatchError if the last axis of X differs from `featureCount`.
 * @internal
 */
export function checkBuiltFeatureCount(owner: string, inputs: unknown, featureCount: number): void {
  const first = (Array.isArray(inputs) ? inputs[0] : inputs) as { shape?: readonly (number | null)[] } | undefined;
  const shape = first?.shape;
  const last = shape === undefined || shape.length === 0 ? undefined : shape[shape.length - 1];
  if (typeof last === 'number' && last !== featureCount) {
    throw new ShapeMismatchError(
      `${owner}: \`X\` has ${last} features per node (shape ${JSON.stringify(shape)}), but the layer was built for ${featureCount}. ` +
        'Pass X with the same features as in the first call, or create a new layer for the new width.',
    );
  }
}

/**
 * Multiplies the node features of one graph `[N, F]` or a batch `[B, N, F]` by a weight
 * `[F, F′]` → `[N, F′]` or `[B, N, F′]`, as one 2-D matMul. Its gradient uses plain products
 * ({@link matMulExplicitGrad}): tfjs's own gradient of X·W is a transposed product, which ran
 * 10x slower on wasm for `[1024, 25]` features. With `inputGradient` false, X is a constant
 * and only the weight gets a gradient ({@link matMulConstantLeft}).
 * @internal
 */
export function nodeProduct(x: tf.Tensor, weight: tf.Tensor2D, inputGradient = true): tf.Tensor {
  const product = inputGradient ? matMulExplicitGrad : matMulConstantLeft;
  if (x.rank === 2) {
    return product(x as tf.Tensor2D, weight);
  }
  const flat = product(tf.reshape(x, [-1, weight.shape[0]]) as tf.Tensor2D, weight);
  return tf.reshape(flat, [...x.shape.slice(0, -1), weight.shape[1]]);
}

/**
 * Reads the `inputGradient` call option of a dense graph layer: true when absent.
 * @internal
 */
export function inputGradientOption(owner: string, kwargs: Kwargs): boolean {
  const value = kwargs['inputGradient'];
  return value === undefined ? true : requireBoolean(owner, 'inputGradient', value);
}

/**
 * Splits and checks the eager inputs of a dense graph layer.
 * @internal
 */
export function splitGraphInputs(owner: string, inputs: tf.Tensor | tf.Tensor[]): [tf.Tensor, tf.Tensor] {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  checkGraphInputShapes(
    owner,
    list.map((t) => t.shape),
  );
  const [x, adjacency] = list as [tf.Tensor, tf.Tensor];
  if (x.dtype !== 'float32' || adjacency.dtype !== 'float32') {
    throw new ShapeMismatchError(
      `${owner}: \`X\` and \`A\` must be float32; received ${JSON.stringify([x.dtype, adjacency.dtype])}. ` +
        "Cast them with tf.cast(t, 'float32').",
    );
  }
  return [x, adjacency];
}

/**
 * Checks an optional integer seed.
 * @internal
 */
export function requireSeed(owner: string, seed: unknown): number | null {
  if (seed === null) {
    return null;
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new InvalidArgumentError(
      `${owner}: \`seed\` must be an integer or null; received ${JSON.stringify(seed) ?? String(seed)}. ` +
        'Pass an integer for repeatable initial weights.',
    );
  }
  return seed;
}
