/**
 * Encoder of one row of tabular data (numeric columns plus categorical codes) into a single
 * feature vector, the first stage of SRML-MCA.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DataError, InvalidArgumentError, ShapeMismatchError } from '../errors';
import { requireBoolean, requireInteger, requireNumberInRange } from '../validate';
import { torchUniform } from './internal/initializers';
import type { Initializer, Kwargs, LayerArgs } from './internal/tfl-types';
import { matMulExplicitGrad } from '../ops/matmul-explicit-grad';

const OWNER = 'TabularEncoder';

/** Constructor arguments of {@link TabularEncoder}. */
export interface TabularEncoderArgs extends LayerArgs {
  /** Number of numeric columns n_num in `xNum`; a positive integer. */
  numNumeric: number;
  /**
   * Number of known categories card_j of each categorical column, in the column order of
   * `xCat`; each a positive integer. Codes of column j range over [0, card_j], with 0 for an
   * unknown or missing category. An empty array means the layer takes `xNum` alone.
   */
  cardinalities: number[];
  /**
   * Width h_n of both hidden layers of the numeric MLP; a positive integer.
   * @defaultValue 64
   */
  hiddenUnits?: number;
  /**
   * Embedding size e of each categorical column; a positive integer.
   * @defaultValue 8
   */
  categoryEmbeddingDim?: number;
  /**
   * Size d_enc of the output vector; a positive integer.
   * @defaultValue 64
   */
  embedDim?: number;
  /**
   * Dropout rate p after each ReLU, applied only in training; in [0, 1).
   * @defaultValue 0.1
   */
  dropout?: number;
  /**
   * Multiply each input column by a learnable gate g_j (initialised to 1) before encoding, so
   * that an L1 penalty on the gates ({@link TabularEncoder.gateL1}) can switch off columns that
   * carry no signal. SRMLMCA's trainer adds that penalty (`inputGateL1`). In a model trained
   * with tfjs-layers' `fit`, the gates get no penalty, so add `gateL1()` to a custom loss.
   * Not part of the paper's design.
   * @defaultValue false
   */
  featureGate?: boolean;
}

/**
 * Encodes numeric columns with a two-layer MLP and categorical codes with one embedding table
 * per column, then fuses both into one vector with a dense layer.
 *
 * Source: the tabular front end of SRML-MCA, a churn-prediction model that applies SRML
 * (Li et al., Pattern Recognition 168 (2025) 111822) and MCA to tabular user data. The
 * layer widths, the reserved unknown row and the fusion by concatenation are this library's
 * choices, not taken from a published architecture.
 *
 * ```
 * u   = Drop(ReLU(Drop(ReLU(xNum · W_n1 + b_n1)) · W_n2 + b_n2))      [B, h_n]
 * v_j = oneHot(xCat[:, j], card_j + 1) · E_j                           [B, e]
 * h   = Drop(ReLU([u ; v_1 ; … ; v_m] · W_f + b_f))                    [B, d_enc]
 * ```
 *
 * Drop is dropout with rate p = `dropout` (training only), m = `cardinalities.length`,
 * h_n = `hiddenUnits`, e = `categoryEmbeddingDim`, d_enc = `embedDim`. E_j [card_j + 1, e] is
 * the embedding table of column j, whose row 0 stands for an unknown or missing category. The
 * lookup is a one-hot matMul rather than `gather`, because tfjs 4.22's wasm backend has no
 * gradient for `gather`.
 *
 * Weights, in `getWeights()` order: `numeric_kernel_1` [n_num, h_n], `numeric_bias_1` [h_n],
 * `numeric_kernel_2` [h_n, h_n], `numeric_bias_2` [h_n], `embedding_0` … `embedding_{m−1}`
 * [card_j + 1, e], `fusion_kernel` [h_n + m·e, d_enc], `fusion_bias` [d_enc], then with
 * `featureGate` `numeric_gate` [n_num] and `category_gate` [m] (only when m > 0). Dense weights
 * and biases use PyTorch's default U(±1/√fanIn); embeddings use N(0, 1), as `nn.Embedding`.
 *
 * **Input shape:** `[xNum, xCat]` with `xNum` `[B, n_num]` float32 (already standardised) and
 * `xCat` `[B, m]` int32, or float32 containing integer values, with column j in [0, card_j]. When
 * `cardinalities` is empty the input is `xNum` alone.
 *
 * **Output shape:** `[B, d_enc]` float32.
 *
 * With `featureGate`, the numeric input becomes xNum ⊙ g_num and each embedding v_j becomes
 * g_cat[j]·v_j, with gates g_num [n_num] and g_cat [m] initialised to 1.
 *
 * **Differs from the paper:** the fusion is a concatenation followed by Dense + ReLU + dropout.
 * Each embedding table has an extra row 0, so a category unseen in training maps to its own
 * vector instead of raising or aliasing a real category. The optional feature gate is not in
 * the paper.
 *
 * @example
 * ```ts
 * const encoder = new TabularEncoder({ numNumeric: 3, cardinalities: [2, 5] });
 * const xNum = tf.tensor2d([[0.1, -1.2, 0.4]]);
 * const xCat = tf.tensor2d([[1, 4]], [1, 2], 'int32');
 * const h = encoder.apply([xNum, xCat]) as tf.Tensor; // [1, 64]
 * ```
 *
 * @throws InvalidArgumentError from the constructor for a missing or invalid argument.
 * @throws ShapeMismatchError from `build` or `call` for the wrong number of inputs, a rank
 *   other than 2, a column count that differs from the configuration, or an unsupported dtype.
 * @throws DataError from `call` when a code is not an integer in [0, card_j], or a numeric
 *   value is NaN or infinite. The message names the column, the row and the allowed range.
 *   This check reads both inputs back with `dataSync` once per call.
 */
export class TabularEncoder extends tfl.layers.Layer {
  static readonly className = 'TabularEncoder';

  readonly numNumeric: number;
  readonly cardinalities: readonly number[];
  readonly hiddenUnits: number;
  readonly categoryEmbeddingDim: number;
  readonly embedDim: number;
  readonly dropout: number;
  readonly featureGate: boolean;

  private numericGate: tfl.LayerVariable | undefined;
  private categoryGate: tfl.LayerVariable | undefined;
  private numericKernels: tfl.LayerVariable[] = [];
  private numericBiases: tfl.LayerVariable[] = [];
  private embeddings: tfl.LayerVariable[] = [];
  private fusionKernel: tfl.LayerVariable | undefined;
  private fusionBias: tfl.LayerVariable | undefined;

  constructor(args: TabularEncoderArgs) {
    super(args);
    const hiddenUnits = args.hiddenUnits ?? 64;
    const categoryEmbeddingDim = args.categoryEmbeddingDim ?? 8;
    const embedDim = args.embedDim ?? 64;
    const dropout = args.dropout ?? 0.1;

    const numNumeric = requireInteger(OWNER, 'numNumeric', args.numNumeric, 1, 'Pass the number of numeric columns.');
    const cardinalities = requireCardinalities(args.cardinalities);
    requireInteger(OWNER, 'hiddenUnits', hiddenUnits);
    requireInteger(OWNER, 'categoryEmbeddingDim', categoryEmbeddingDim);
    requireInteger(OWNER, 'embedDim', embedDim);
    requireNumberInRange(OWNER, 'dropout', dropout, { min: 0, max: 1, maxExclusive: true });
    const featureGate = requireBoolean(OWNER, 'featureGate', args.featureGate ?? false);

    this.numNumeric = numNumeric;
    this.cardinalities = cardinalities;
    this.hiddenUnits = hiddenUnits;
    this.categoryEmbeddingDim = categoryEmbeddingDim;
    this.embedDim = embedDim;
    this.dropout = dropout;
    this.featureGate = featureGate;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shapes = this.splitInputShapes(inputShape);
    this.checkColumnCount('xNum', shapes[0] as tfl.Shape, this.numNumeric);
    if (this.cardinalities.length > 0) {
      this.checkColumnCount('xCat', shapes[1] as tfl.Shape, this.cardinalities.length);
    }

    const hidden = this.hiddenUnits;
    const fusionFanIn = hidden + this.cardinalities.length * this.categoryEmbeddingDim;
    this.numericKernels = [
      this.addFloatWeight({ name: 'numeric_kernel_1', shape: [this.numNumeric, hidden], initializer: torchUniform(this.numNumeric) }),
    ];
    this.numericBiases = [
      this.addFloatWeight({ name: 'numeric_bias_1', shape: [hidden], initializer: torchUniform(this.numNumeric) }),
    ];
    this.numericKernels.push(
      this.addFloatWeight({ name: 'numeric_kernel_2', shape: [hidden, hidden], initializer: torchUniform(hidden) }),
    );
    this.numericBiases.push(
      this.addFloatWeight({ name: 'numeric_bias_2', shape: [hidden], initializer: torchUniform(hidden) }),
    );
    this.embeddings = this.cardinalities.map((cardinality, column) =>
      this.addFloatWeight({
        name: `embedding_${column}`,
        shape: [cardinality + 1, this.categoryEmbeddingDim],
        initializer: tfl.initializers.randomNormal({ mean: 0, stddev: 1 }),
      }),
    );
    this.fusionKernel = this.addFloatWeight({
      name: 'fusion_kernel',
      shape: [fusionFanIn, this.embedDim],
      initializer: torchUniform(fusionFanIn),
    });
    this.fusionBias = this.addFloatWeight({ name: 'fusion_bias', shape: [this.embedDim], initializer: torchUniform(fusionFanIn) });
    if (this.featureGate) {
      this.numericGate = this.addFloatWeight({ name: 'numeric_gate', shape: [this.numNumeric], initializer: tfl.initializers.ones() });
      if (this.cardinalities.length > 0) {
        this.categoryGate = this.addFloatWeight({
          name: 'category_gate',
          shape: [this.cardinalities.length],
          initializer: tfl.initializers.ones(),
        });
      }
    }

    this.inputSpec = [
      { ndim: 2, axes: { [-1]: this.numNumeric } },
      ...(this.cardinalities.length > 0 ? [{ ndim: 2, axes: { [-1]: this.cardinalities.length } }] : []),
    ];
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const first = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [first[0] ?? null, this.embedDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.splitInputShapes(list.map((x) => x.shape));
    const xNum = list[0] as tf.Tensor;
    const xCat = list[1];
    this.checkNumeric(xNum);
    if (xCat !== undefined) {
      this.checkCodes(xCat);
    }
    const training = kwargs['training'] === true;

    return tf.tidy(() => {
      // Numeric MLP: [B, n_num] → [B, h_n] → [B, h_n].
      let u: tf.Tensor = this.numericGate === undefined ? xNum : tf.mul(xNum, this.numericGate.read());
      for (let layer = 0; layer < 2; layer++) {
        const kernel = (this.numericKernels[layer] as tfl.LayerVariable).read();
        const bias = (this.numericBiases[layer] as tfl.LayerVariable).read();
        u = this.dropoutIfTraining(tf.relu(tf.add(matMulExplicitGrad(u as tf.Tensor2D, kernel as tf.Tensor2D), bias)), training);
      }

      // Embedding lookups as oneHot · E_j: [B] → [B, card_j + 1] → [B, e] per column.
      const embedded: tf.Tensor[] = [];
      if (xCat !== undefined) {
        const codes = xCat.dtype === 'int32' ? xCat : tf.cast(xCat, 'int32');
        this.embeddings.forEach((table, column) => {
          const columnCodes = tf.reshape(tf.slice(codes, [0, column], [-1, 1]), [-1]);
          // NOTE: the wasm OneHot kernel of tfjs 4.22 ignores `dtype` and writes int32 bits into
          // a float32 tensor (1 reads as 1.4e-45), so build an int32 one-hot and cast it.
          const depth = (this.cardinalities[column] as number) + 1;
          const oneHot = tf.cast(tf.oneHot(columnCodes as tf.Tensor1D, depth), 'float32');
          embedded.push(tf.matMul(oneHot as tf.Tensor2D, table.read() as tf.Tensor2D));
        });
      }
      const parts: tf.Tensor[] = [u];
      if (embedded.length > 0) {
        // [B, m·e], each column's block scaled by its gate: g_cat [m] → [m, e] → [m·e].
        const all = tf.concat(embedded, 1);
        parts.push(
          this.categoryGate === undefined
            ? all
            : tf.mul(all, tf.reshape(tf.tile(tf.reshape(this.categoryGate.read(), [-1, 1]), [1, this.categoryEmbeddingDim]), [-1])),
        );
      }

      // Fusion: [B, h_n + m·e] → [B, d_enc].
      const joined = parts.length === 1 ? u : tf.concat(parts, 1);
      const kernel = (this.fusionKernel as tfl.LayerVariable).read();
      const bias = (this.fusionBias as tfl.LayerVariable).read();
      const fused = tf.relu(tf.add(matMulExplicitGrad(joined as tf.Tensor2D, kernel as tf.Tensor2D), bias));
      return this.dropoutIfTraining(fused, training);
    });
  }

  /**
   * Σ|g| over every gate, a scalar to add (times an L1 strength) to the training loss; 0 when
   * the layer has no `featureGate`. The caller owns the result.
   */
  gateL1(): tf.Scalar {
    return tf.tidy(() => {
      const gates = this.gateWeights();
      return gates.length === 0 ? tf.scalar(0) : (tf.addN(gates.map((g) => tf.sum(tf.abs(g.read())))) as tf.Scalar);
    });
  }

  /** Returns the gate variables (`numeric_gate`, then `category_gate` if any); empty without `featureGate`. */
  gateWeights(): tfl.LayerVariable[] {
    return [this.numericGate, this.categoryGate].filter((g): g is tfl.LayerVariable => g !== undefined);
  }

  /**
   * Returns the current gate values, `numeric` [n_num] and `categorical` [m] in column order,
   * or `undefined` when the layer has no `featureGate` or is not built yet.
   */
  gateValues(): { numeric: Float32Array; categorical: Float32Array } | undefined {
    if (this.numericGate === undefined) return undefined;
    return {
      numeric: Float32Array.from(this.numericGate.read().dataSync()),
      categorical: Float32Array.from(this.categoryGate?.read().dataSync() ?? []),
    };
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numNumeric: this.numNumeric,
      cardinalities: [...this.cardinalities],
      hiddenUnits: this.hiddenUnits,
      categoryEmbeddingDim: this.categoryEmbeddingDim,
      embedDim: this.embedDim,
      dropout: this.dropout,
      featureGate: this.featureGate,
    };
  }

  private dropoutIfTraining(x: tf.Tensor, training: boolean): tf.Tensor {
    return training && this.dropout > 0 ? tf.dropout(x, this.dropout) : x;
  }

  /** Checks the number of inputs and returns their shapes as a list. */
  private splitInputShapes(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape[] {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as tfl.Shape[];
    const expected = this.cardinalities.length > 0 ? 2 : 1;
    if (shapes.length !== expected) {
      const expectation =
        expected === 2
          ? 'two inputs [xNum, xCat], because `cardinalities` is not empty'
          : 'one input xNum, because `cardinalities` is empty';
      throw new ShapeMismatchError(
        `${OWNER}: expected ${expectation}; received ${shapes.length} with shapes ${JSON.stringify(shapes)}.`,
      );
    }
    return shapes;
  }

  private checkColumnCount(name: 'xNum' | 'xCat', shape: tfl.Shape, columns: number): void {
    if (shape.length !== 2 || shape[1] !== columns) {
      const source = name === 'xNum' ? '`numNumeric`' : '`cardinalities.length`';
      throw new ShapeMismatchError(
        `${OWNER}: \`${name}\` must have shape [B, ${columns}] (${source} is ${columns}); ` +
          `received ${JSON.stringify(shape)}. Pass one column per configured feature.`,
      );
    }
  }

  /** Rejects a non-float32 `xNum` and any NaN or infinite entry. */
  private checkNumeric(xNum: tf.Tensor): void {
    if (xNum.dtype !== 'float32') {
      throw new ShapeMismatchError(
        `${OWNER}: \`xNum\` must be float32; received dtype ${JSON.stringify(xNum.dtype)}. ` +
          "Convert it with tf.cast(xNum, 'float32').",
      );
    }
    const values = xNum.dataSync();
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      if (!Number.isFinite(value)) {
        const row = Math.floor(i / this.numNumeric);
        const column = i % this.numNumeric;
        throw new DataError(
          `${OWNER}: numeric column ${column} has the non-finite value ${String(value)} at row ${row}. ` +
            'Impute missing values before standardising the numeric columns.',
        );
      }
    }
  }

  /** Rejects a code that is not an integer in [0, card_j]; one `dataSync` for the whole tensor. */
  private checkCodes(xCat: tf.Tensor): void {
    if (xCat.dtype !== 'int32' && xCat.dtype !== 'float32') {
      throw new ShapeMismatchError(
        `${OWNER}: \`xCat\` must be int32, or float32 containing integer values; received dtype ` +
          `${JSON.stringify(xCat.dtype)}. Convert it with tf.cast(xCat, 'int32').`,
      );
    }
    const columns = this.cardinalities.length;
    const values = xCat.dataSync();
    for (let i = 0; i < values.length; i++) {
      const value = values[i] as number;
      const column = i % columns;
      const cardinality = this.cardinalities[column] as number;
      if (Number.isInteger(value) && value >= 0 && value <= cardinality) {
        continue;
      }
      const row = Math.floor(i / columns);
      const problem = Number.isInteger(value) ? 'the out-of-range code' : 'the non-integer code';
      throw new DataError(
        `${OWNER}: categorical column ${column} has ${problem} ${String(value)} at row ${row}. ` +
          `Allowed codes are the integers in [0, ${cardinality}]. Encode known categories as ` +
          `1..${cardinality} and unknown or missing ones as 0.`,
      );
    }
  }

  private addFloatWeight(options: { name: string; shape: number[]; initializer: Initializer }): tfl.LayerVariable {
    return this.addWeight(options.name, options.shape, 'float32', options.initializer, undefined, true);
  }
}
tf.serialization.registerClass(TabularEncoder);

function requireCardinalities(value: unknown): number[] {
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError(
      `${OWNER}: \`cardinalities\` must be an array of positive integers (one per categorical ` +
        `column, possibly empty); received ${JSON.stringify(value) ?? String(value)}.`,
    );
  }
  value.forEach((cardinality, column) => {
    requireInteger(OWNER, `cardinalities[${column}]`, cardinality, 1, 'Count the known categories of that column.');
  });
  return [...(value as number[])];
}
