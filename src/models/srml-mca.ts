/**
 * SRMLMCA: the complete churn model (tabular encoder, feature map, MCA attention, structural and
 * relational branches, fused classifier) with training, prediction, explanation, save and load.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { FeatureTable, LabeledTable } from '../data/types';
import { SerializationError } from '../errors';
import { fileSystemHandler } from '../io/file-system-handler';
import type { Correlation4DCCA } from '../layers/correlation-4d-cca';
import type { TabularEncoder } from '../layers/tabular-encoder';
import { createRng, withSeededRandom } from '../random';
import type { Classifier, FitContext } from './classifier';
import { resolveSRMLMCAConfig, type ResolvedSRMLMCAConfig, type SRMLMCAConfig } from './srml-mca-config';
import { buildSRMLMCANetwork, forwardSRMLMCA, LAYER_NAMES } from './srml-mca-network';
import { checkTable, tableToTensors } from './table-tensors';
import { fitSRMLMCA, type FitHistory, type FitOptions } from './trainer';

/** Options of {@link SRMLMCA.fit}: the trainer's options plus the shared classifier context. */
export interface SRMLMCAFitOptions extends FitOptions, FitContext {}

/** Per-row explanation of churn scores. */
export interface SRMLMCAExplanation {
  /** Feature names, numeric columns first, then categorical columns. */
  features: string[];
  /**
   * Occlusion attribution `[R, features.length]`, row-major: the churn log-odds (z₁ − z₀) minus
   * the log-odds with that feature set to its baseline (0 = the training mean for a standardised
   * numeric column, code 0 = unknown for a categorical column). Positive values raise the risk.
   */
  attribution: Float32Array;
  /** Churn probability of each row `[R]`. */
  probability: Float32Array;
  /**
   * Co-attention of the relational branch `[R, H, W]` (each row sums to H·W), or undefined when
   * that branch is off. Map positions are learned mixtures of all inputs, not single features.
   */
  attention?: Float32Array;
}

const METADATA_KEY = 'srmlMca';
const FORMAT_VERSION = 1;

/**
 * Builds the SRML-MCA churn model for tabular users.
 *
 * Sources: the SRML-MCA design combines MCA (Yu et al., "MCA: Multidimensional collaborative
 * attention in deep convolutional neural networks for image recognition", EAAI 126, 2023,
 * 107079) with SRML's structure and relation branches (Li et al., Pattern Recognition 168, 2025,
 * 111822) on a tabular encoder.
 *
 * **Input**: a {@link FeatureTable}: numeric `[R, numNumeric]` standardised floats and
 * categorical codes `[R, cardinalities.length]` in `[0, cardinality]`.
 * **Output**: churn probabilities `[R]` from {@link SRMLMCA.predictProba}.
 *
 * @example
 * ```ts
 * const model = new SRMLMCA({ numNumeric: 8, cardinalities: [2, 3, 5, 5, 2], preset: 'fast' });
 * await model.fit(trainTable, { epochs: 30 });
 * const risk = await model.predictProba(testTable);
 * await model.save('./churn-model');
 * ```
 *
 * @throws InvalidArgumentError for a bad configuration option (see {@link SRMLMCAConfig}).
 * @throws ShapeMismatchError or DataError when a table does not match the model's columns.
 * @throws NumericalError when the training loss becomes NaN or infinite.
 */
export class SRMLMCA implements Classifier {
  readonly config: ResolvedSRMLMCAConfig;
  /** The tfjs functional model; its outputs are [z, s_intra?, s_inter?]. */
  readonly network: tfl.LayersModel;
  readonly name: string;
  /** History of the last `fit` call. */
  history: FitHistory | undefined;

  /**
   * @param config - model options; see {@link SRMLMCAConfig}.
   * @param network - internal: an already built network (used by {@link SRMLMCA.load}).
   */
  constructor(config: SRMLMCAConfig, network?: tfl.LayersModel) {
    this.config = resolveSRMLMCAConfig(config);
    this.name =
      (this.config.useMca ? 'SRML-MCA' : 'SRML') +
      (this.config.widePath ? ' + wide path' : '') +
      (this.config.inputGateL1 > 0 ? ' + input gate' : '');
    this.network = network ?? withSeededRandom(createRng(this.config.seed), () => buildSRMLMCANetwork(this.config));
  }

  /** Number of trainable parameters. */
  countParams(): number {
    return this.network.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0);
  }

  /**
   * Returns the learned input gates (`inputGateL1` > 0) by column, numeric columns first. A gate
   * near 0 means the model has switched that column off. Columns are named by `numericColumns`
   * and `categoricalColumns` when the config has them, else `numeric[j]` and `categorical[j]`.
   * Returns undefined for a model without gates.
   */
  inputGates(): { column: string; gate: number }[] | undefined {
    const values = (this.network.getLayer(LAYER_NAMES.encoder) as TabularEncoder).gateValues();
    if (values === undefined) return undefined;
    const numericName = (j: number): string => this.config.numericColumns?.[j] ?? `numeric[${j}]`;
    const categoricalName = (j: number): string => this.config.categoricalColumns?.[j] ?? `categorical[${j}]`;
    return [
      ...Array.from(values.numeric, (gate, j) => ({ column: numericName(j), gate })),
      ...Array.from(values.categorical, (gate, j) => ({ column: categoricalName(j), gate })),
    ];
  }

  /** Trains on `train` (see {@link FitOptions} for the defaults) and stores the epoch log in `history`. */
  async fit(train: LabeledTable, options: SRMLMCAFitOptions = {}): Promise<void> {
    checkTable('SRMLMCA.fit', train, this.config);
    const epochs = options.epochs ?? 60;
    const userCallback = options.onEpochEnd;
    this.history = await fitSRMLMCA(this.network, this.config, train, {
      ...options,
      onEpochEnd: (log) => {
        options.onProgress?.(log.epoch / epochs, `epoch ${log.epoch}: loss ${log.loss.toFixed(4)}`);
        return userCallback?.(log);
      },
    });
  }

  /** Returns P(churn) for each row, float32 `[R]`, computed in batches of `batchSize` (default 1024). */
  async predictProba(table: FeatureTable, batchSize = 1024): Promise<Float32Array> {
    checkTable('SRMLMCA.predictProba', table, this.config);
    return this.scoreRows(table, batchSize, (logits) => tf.reshape(tf.slice(tf.softmax(logits), [0, 1], [-1, 1]), [-1]));
  }

  /** Returns the churn log-odds z₁ − z₀ of each row, float32 `[R]`; unlike probabilities it does not saturate at 0 or 1. */
  async predictLogOdds(table: FeatureTable, batchSize = 1024): Promise<Float32Array> {
    checkTable('SRMLMCA.predictLogOdds', table, this.config);
    return this.scoreRows(table, batchSize, (logits) => {
      const [z0, z1] = tf.split(logits, 2, 1) as [tf.Tensor, tf.Tensor];
      return tf.reshape(tf.sub(z1, z0), [-1]);
    });
  }

  /** Runs inference in batches and maps each batch's fused logits `[b, 2]` to one value per row. */
  private async scoreRows(table: FeatureTable, batchSize: number, score: (logits: tf.Tensor) => tf.Tensor): Promise<Float32Array> {
    const result = new Float32Array(table.numRows);
    const inputs = tableToTensors(table);
    try {
      for (let start = 0; start < table.numRows; start += batchSize) {
        const size = Math.min(batchSize, table.numRows - start);
        const values = tf.tidy(() => {
          const numeric = tf.slice(inputs.numeric, [start, 0], [size, -1]);
          const categorical = inputs.categorical === undefined ? undefined : tf.slice(inputs.categorical, [start, 0], [size, -1]);
          return score(forwardSRMLMCA(this.network, this.config, numeric, categorical, false).fused);
        });
        result.set(await values.data(), start);
        values.dispose();
        // Let other work (progress bars, stream writes) run between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      tf.dispose([inputs.numeric, inputs.categorical].filter((t): t is tf.Tensor2D => t !== undefined));
    }
    return result;
  }

  /** Explains the churn scores of `table` by feature occlusion and co-attention; see {@link SRMLMCAExplanation}. */
  async explain(table: FeatureTable): Promise<SRMLMCAExplanation> {
    checkTable('SRMLMCA.explain', table, this.config);
    const numNumeric = table.numericColumns.length;
    const numCategorical = table.categoricalColumns.length;
    const features = [...table.numericColumns, ...table.categoricalColumns];
    const rows = table.numRows;
    const variants = features.length + 1;

    // Variant 0 is the row itself; variant f + 1 has feature f set to its baseline.
    const numeric = new Float32Array(rows * variants * numNumeric);
    const categorical = new Int32Array(rows * variants * numCategorical);
    for (let v = 0; v < variants; v++) {
      numeric.set(table.numeric, v * rows * numNumeric);
      categorical.set(table.categorical, v * rows * numCategorical);
      const feature = v - 1;
      if (feature < 0) continue;
      for (let r = 0; r < rows; r++) {
        if (feature < numNumeric) {
          numeric[(v * rows + r) * numNumeric + feature] = 0;
        } else {
          categorical[(v * rows + r) * numCategorical + (feature - numNumeric)] = 0;
        }
      }
    }
    const expanded: FeatureTable = {
      ...table,
      numRows: rows * variants,
      numeric,
      categorical,
      rowIndex: new Int32Array(rows * variants),
    };
    // Log-odds, because probabilities of confident rows saturate at 1 and hide every change.
    const all = await this.predictLogOdds(expanded);
    const probability = all.slice(0, rows).map((logOdds) => 1 / (1 + Math.exp(-logOdds)));
    const attribution = new Float32Array(rows * features.length);
    for (let f = 0; f < features.length; f++) {
      for (let r = 0; r < rows; r++) {
        attribution[r * features.length + f] = (all[r] as number) - (all[(f + 1) * rows + r] as number);
      }
    }

    let attention: Float32Array | undefined;
    if (this.config.useRelation) {
      const inputs = tableToTensors(table);
      const map = tf.tidy(() => forwardSRMLMCA(this.network, this.config, inputs.numeric, inputs.categorical, false).map);
      const cca = this.network.getLayer(LAYER_NAMES.cca) as unknown as Correlation4DCCA;
      const weights = cca.computeAttention(map as tf.Tensor4D, false);
      attention = (await weights.data()) as Float32Array;
      tf.dispose([map, weights, inputs.numeric, ...(inputs.categorical ? [inputs.categorical] : [])]);
    }
    return { features, attribution, probability, ...(attention ? { attention } : {}) };
  }

  /** Saves to a directory (`model.json` + `weights.bin`) or to any tfjs IOHandler. */
  async save(target: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
    const handler = typeof target === 'string' ? fileSystemHandler(target) : target;
    const metadata = { [METADATA_KEY]: { formatVersion: FORMAT_VERSION, config: this.config } };
    this.network.setUserDefinedMetadata(metadata);
    return this.network.save(handler);
  }

  /**
   * Loads a model saved by {@link SRMLMCA.save}. The loaded model predicts identically and can be
   * trained further with `fit` (a fresh optimizer starts).
   *
   * @throws SerializationError when the files are missing, not an SRMLMCA model, or use a layer
   *   class that is not registered.
   */
  static async load(source: string | tf.io.IOHandler): Promise<SRMLMCA> {
    const handler = typeof source === 'string' ? fileSystemHandler(source) : source;
    if (handler.load === undefined) {
      throw new SerializationError('SRMLMCA.load: the IOHandler has no `load` method; pass a directory or a loading handler.');
    }
    const artifacts = await handler.load();
    const metadata = (artifacts.userDefinedMetadata as Record<string, unknown> | undefined)?.[METADATA_KEY] as
      | { formatVersion: number; config: ResolvedSRMLMCAConfig }
      | undefined;
    if (metadata === undefined) {
      throw new SerializationError(
        `SRMLMCA.load: the saved model has no "${METADATA_KEY}" metadata, so it was not saved by SRMLMCA.save; load it with tf.loadLayersModel instead.`,
      );
    }
    if (metadata.formatVersion !== FORMAT_VERSION) {
      throw new SerializationError(
        `SRMLMCA.load: unsupported format version ${JSON.stringify(metadata.formatVersion)}; this version of srml-mca reads version ${FORMAT_VERSION}.`,
      );
    }
    const network = await loadLayersModelWithHint(artifacts);
    const { numericColumns, categoricalColumns, ...rest } = metadata.config;
    const config: SRMLMCAConfig = {
      ...rest,
      ...(numericColumns ? { numericColumns } : {}),
      ...(categoricalColumns ? { categoricalColumns } : {}),
    };
    return new SRMLMCA(config, network);
  }

  /** Frees the model's weights. */
  dispose(): void {
    this.network.dispose();
  }
}

/**
 * Loads artifacts with tfjs, turning tfjs's "Unknown layer" error into one that names the class
 * and the import that registers it.
 */
export async function loadLayersModelWithHint(artifacts: tf.io.ModelArtifacts): Promise<tfl.LayersModel> {
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    const match = /Unknown (?:layer|initializer|regularizer|constraint): (\w+)/.exec((error as Error).message);
    if (match) {
      throw new SerializationError(
        `Loading failed: class ${JSON.stringify(match[1])} is not registered with tfjs. srml-mca registers its layers when imported, so add \`import 'srml-mca'\` (or import the class) before loading; for a class from elsewhere, call tf.serialization.registerClass on it first.`,
      );
    }
    throw error;
  }
}
