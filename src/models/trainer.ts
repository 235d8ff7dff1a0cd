/**
 * Training loop of SRMLMCA: seeded shuffling, mini-batches, Adam, global-norm clipping, class and
 * sample weights, early stopping on a held-out part of the training rows, and progress callbacks.
 *
 * tfjs-layers' `fit` cannot express the multi-head objective and its `shuffle` uses Math.random,
 * so this loop is our own. Every step runs inside `withSeededRandom`, so dropout masks repeat
 * from run to run with the same seed.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LabeledTable } from '../data/types';
import { DataError, InvalidArgumentError, NumericalError } from '../errors';
import { stratifiedHoldout } from '../data/stratified-holdout';
import { createRng, withSeededRandom } from '../random';
import { requireInteger, requireNumberInRange } from '../validate';
import type { ResolvedSRMLMCAConfig } from './srml-mca-config';
import type { TabularEncoder } from '../layers/tabular-encoder';
import { forwardSRMLMCA, LAYER_NAMES } from './srml-mca-network';
import { srmlMcaObjective, weightedCrossEntropy } from './srml-mca-objective';
import { tableToTensors } from './table-tensors';
import { FlatAdam } from './flat-adam';

/** Per-epoch figures passed to `onEpochEnd` and kept in the history. */
export interface EpochLog {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean total objective over the epoch's batches. */
  loss: number;
  /** Mean weighted terms: fused CE, structural CE, relational CE, BKE, input-gate L1. */
  terms: { fused: number; structure: number; relation: number; mutual: number; gate: number };
  /** Unweighted fused cross-entropy on the validation rows, when there are any. */
  validationLoss?: number;
  /** Wall time of the epoch in seconds. */
  seconds: number;
}

/** Result of one `fit` call. */
export interface FitHistory {
  epochs: EpochLog[];
  /** Epoch whose weights the model has after `fit` (the best validation epoch, or the last). */
  bestEpoch: number;
  /** True when early stopping ended training before `epochs`. */
  stoppedEarly: boolean;
}

export interface FitOptions {
  /** Maximum number of passes over the training rows. @defaultValue 60 */
  epochs?: number;
  /** Rows per mini-batch. @defaultValue 64 */
  batchSize?: number;
  /** Adam learning rate. @defaultValue 1e-3 */
  learningRate?: number;
  /**
   * Adam learning rate of the wide (linear) path, when the model has one. A linear model needs
   * larger steps than the deep path to reach its optimum within the same epochs.
   * @defaultValue 0.03
   */
  wideLearningRate?: number;
  /**
   * Adam learning rate of the input gates, when the model has them (`inputGateL1` > 0). With
   * the deep path's rate, 60 epochs cannot move a gate far enough from 1 to switch a column off.
   * @defaultValue 0.01
   */
  gateLearningRate?: number;
  /**
   * Fraction of the training rows held out (stratified) for early stopping; 0 trains on all rows
   * for `epochs` epochs. @defaultValue 0.1
   */
  validationFraction?: number;
  /** Epochs without a validation-loss improvement before stopping. @defaultValue 10 */
  patience?: number;
  /** Clip the global gradient norm to this value; 0 turns clipping off. @defaultValue 2 */
  clipNorm?: number;
  /**
   * Per-class loss weights: `'balanced'` gives n / (2·n_c), or pass `[w0, w1]`.
   * @defaultValue equal weights
   */
  classWeight?: 'balanced' | [number, number];
  /** Per-row loss weights, float `[R]`, multiplied with the class weights. @defaultValue all 1 */
  sampleWeight?: Float32Array | number[];
  /** Seed of shuffling, the validation split and dropout. @defaultValue the model's seed */
  seed?: number;
  /** Called after every epoch; return `false` to stop training. */
  onEpochEnd?: (log: EpochLog) => void | boolean;
}

const OWNER = 'SRMLMCA.fit';

function resolveRowWeights(table: LabeledTable, options: FitOptions): Float32Array {
  const weights = new Float32Array(table.numRows).fill(1);
  if (options.sampleWeight !== undefined) {
    if (options.sampleWeight.length !== table.numRows) {
      throw new InvalidArgumentError(
        `${OWNER}: \`sampleWeight\` has ${options.sampleWeight.length} entries but the table has ${table.numRows} rows; pass one weight per row.`,
      );
    }
    for (let i = 0; i < table.numRows; i++) {
      weights[i] = requireNumberInRange(OWNER, `sampleWeight[${i}]`, options.sampleWeight[i], { min: 0 });
    }
  }
  if (options.classWeight !== undefined) {
    let classWeights: [number, number];
    if (options.classWeight === 'balanced') {
      const positives = table.labels.reduce((s, y) => s + y, 0);
      const counts = [table.numRows - positives, positives];
      classWeights = [table.numRows / (2 * Math.max(1, counts[0] as number)), table.numRows / (2 * Math.max(1, counts[1] as number))];
    } else if (Array.isArray(options.classWeight) && options.classWeight.length === 2) {
      classWeights = [
        requireNumberInRange(OWNER, 'classWeight[0]', options.classWeight[0], { min: 0 }),
        requireNumberInRange(OWNER, 'classWeight[1]', options.classWeight[1], { min: 0 }),
      ];
    } else {
      throw new InvalidArgumentError(
        `${OWNER}: \`classWeight\` must be 'balanced' or [w0, w1]; received ${JSON.stringify(options.classWeight)}.`,
      );
    }
    for (let i = 0; i < table.numRows; i++) {
      weights[i] = (weights[i] as number) * (classWeights[table.labels[i] as number] as number);
    }
  }
  return weights;
}

function checkLabels(table: LabeledTable): void {
  if (table.labels.length !== table.numRows) {
    throw new DataError(`${OWNER}: the table has ${table.numRows} rows but ${table.labels.length} labels.`);
  }
  const bad = table.labels.findIndex((y) => y !== 0 && y !== 1);
  if (bad >= 0) {
    throw new DataError(`${OWNER}: labels must be 0 or 1; row ${bad} has ${table.labels[bad]}.`);
  }
}

function findNonFinite(grads: tf.NamedTensorMap): string | undefined {
  for (const [name, g] of Object.entries(grads)) {
    if (!g.dataSync().every((v) => Number.isFinite(v))) {
      return name;
    }
  }
  return undefined;
}

/**
 * Trains `model` in place on `table`, then leaves it holding the weights of the best validation
 * epoch (or the last epoch when `validationFraction` is 0).
 */
export async function fitSRMLMCA(
  model: tfl.LayersModel,
  config: ResolvedSRMLMCAConfig,
  table: LabeledTable,
  options: FitOptions = {},
): Promise<FitHistory> {
  const epochs = requireInteger(OWNER, 'epochs', options.epochs ?? 60);
  const batchSize = requireInteger(OWNER, 'batchSize', options.batchSize ?? 64);
  const learningRate = requireNumberInRange(OWNER, 'learningRate', options.learningRate ?? 1e-3, { min: 0, minExclusive: true });
  const validationFraction = requireNumberInRange(OWNER, 'validationFraction', options.validationFraction ?? 0.1, {
    min: 0,
    max: 0.5,
  });
  const patience = requireInteger(OWNER, 'patience', options.patience ?? 10);
  const clipNorm = requireNumberInRange(OWNER, 'clipNorm', options.clipNorm ?? 2, { min: 0 });
  const seed = requireInteger(OWNER, 'seed', options.seed ?? config.seed, 0);
  const wideLearningRate = requireNumberInRange(OWNER, 'wideLearningRate', options.wideLearningRate ?? 0.03, {
    min: 0,
    minExclusive: true,
  });
  const gateLearningRate = requireNumberInRange(OWNER, 'gateLearningRate', options.gateLearningRate ?? 0.01, {
    min: 0,
    minExclusive: true,
  });
  checkLabels(table);
  if (table.numRows < 2) {
    throw new DataError(`${OWNER}: at least 2 training rows are needed; received ${table.numRows}.`);
  }
  const rowWeights = resolveRowWeights(table, options);

  const splitRng = createRng(seed);
  const shuffleRng = createRng(seed + 1);
  const dropoutRng = createRng(seed + 2);
  const split =
    validationFraction > 0 ? stratifiedHoldout(table.labels, validationFraction, splitRng) : { train: [...Array(table.numRows).keys()], validation: [] };
  if (split.train.length === 0) {
    throw new DataError(`${OWNER}: no training rows are left after holding out ${validationFraction} for validation.`);
  }

  const all = tableToTensors(table);
  const labelsOneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(table.labels, 'int32'), 2));
  const weightsTensor = tf.tensor1d(rowWeights, 'float32');
  const validationIndex = split.validation.length > 0 ? tf.tensor1d(split.validation, 'int32') : undefined;

  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const variableNames = (weights: tfl.LayerVariable[]): Set<string> => new Set(weights.map((w) => (w.read() as tf.Variable).name));
  const wideNames = variableNames(config.widePath ? model.getLayer(LAYER_NAMES.wide).trainableWeights : []);
  const gateNames = variableNames((model.getLayer(LAYER_NAMES.encoder) as TabularEncoder).gateWeights());
  // One Adam over every variable, with the wide path's and the gates' own learning rates.
  const optimizer = new FlatAdam(
    [
      { variables: variables.filter((v) => !wideNames.has(v.name) && !gateNames.has(v.name)), learningRate },
      { variables: variables.filter((v) => wideNames.has(v.name)), learningRate: wideLearningRate },
      { variables: variables.filter((v) => gateNames.has(v.name)), learningRate: gateLearningRate },
    ],
    { clipNorm },
  );
  const history: EpochLog[] = [];
  let best = { loss: Infinity, epoch: 0, weights: undefined as tf.Tensor[] | undefined };
  let stoppedEarly = false;

  const gatherRows = (index: tf.Tensor1D) => ({
    numeric: tf.gather(all.numeric, index),
    categorical: all.categorical === undefined ? undefined : tf.gather(all.categorical, index),
    oneHot: tf.gather(labelsOneHot, index),
    weights: tf.gather(weightsTensor, index),
  });

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = Date.now();
      const order = shuffleRng.shuffle([...split.train]);
      const sums = { loss: 0, fused: 0, structure: 0, relation: 0, mutual: 0, gate: 0 };
      let batches = 0;

      for (let start = 0; start < order.length; start += batchSize) {
        const rows = order.slice(start, start + batchSize);
        // A single-row batch gives a zero-variance BN batch; fold it into the previous batch instead.
        if (rows.length < 2 && batches > 0) break;
        const termValues = withSeededRandom(dropoutRng, () =>
          tf.tidy(() => {
            const batch = gatherRows(tf.tensor1d(rows, 'int32'));
            // variableGrads disposes everything but its result, so the terms leave it kept.
            let termVector: tf.Tensor | undefined;
            const { grads } = tf.variableGrads(() => {
              const forward = forwardSRMLMCA(model, config, batch.numeric, batch.categorical, true);
              const terms = srmlMcaObjective(forward, batch.oneHot, batch.weights, config);
              termVector = tf.keep(tf.stack([terms.total, terms.fused, terms.structure, terms.relation, terms.mutual, terms.gate]));
              return terms.total;
            }, variables);
            const values = Array.from((termVector as tf.Tensor).dataSync());
            (termVector as tf.Tensor).dispose();
            if (!Number.isFinite(values[0] as number)) {
              const culprit = findNonFinite(grads);
              throw new NumericalError(
                `${OWNER}: the loss became ${values[0]} at epoch ${epoch}, batch ${batches + 1}${culprit ? `; the gradient of ${culprit} is not finite` : ''}. Check the inputs for NaN or extreme values, or lower \`learningRate\`.`,
              );
            }
            optimizer.applyGradients(grads);
            return values;
          }),
        );
        sums.loss += termValues[0] as number;
        sums.fused += termValues[1] as number;
        sums.structure += termValues[2] as number;
        sums.relation += termValues[3] as number;
        sums.mutual += termValues[4] as number;
        sums.gate += termValues[5] as number;
        batches++;
      }

      const log: EpochLog = {
        epoch,
        loss: sums.loss / batches,
        terms: {
          fused: sums.fused / batches,
          structure: sums.structure / batches,
          relation: sums.relation / batches,
          mutual: sums.mutual / batches,
          gate: sums.gate / batches,
        },
        seconds: 0,
      };
      if (validationIndex !== undefined) {
        log.validationLoss = tf.tidy(() => {
          const batch = gatherRows(validationIndex);
          const forward = forwardSRMLMCA(model, config, batch.numeric, batch.categorical, false);
          const ones = tf.onesLike(batch.weights);
          return weightedCrossEntropy(forward.fused, batch.oneHot, ones).dataSync()[0] as number;
        });
        if (log.validationLoss < best.loss) {
          tf.dispose(best.weights);
          best = { loss: log.validationLoss, epoch, weights: model.getWeights().map((w) => tf.clone(w)) };
        }
      }
      log.seconds = (Date.now() - started) / 1000;
      history.push(log);

      const proceed = options.onEpochEnd?.(log);
      // Yield to the event loop so progress output and timers run between epochs.
      await new Promise((resolve) => setImmediate(resolve));
      if (proceed === false) {
        stoppedEarly = epoch < epochs;
        break;
      }
      if (validationIndex !== undefined && epoch - best.epoch >= patience) {
        stoppedEarly = epoch < epochs;
        break;
      }
    }

    if (best.weights !== undefined) {
      model.setWeights(best.weights);
    }
    const lastEpoch = history.length > 0 ? (history[history.length - 1] as EpochLog).epoch : 0;
    return { epochs: history, bestEpoch: best.weights !== undefined ? best.epoch : lastEpoch, stoppedEarly };
  } finally {
    tf.dispose(best.weights);
    tf.dispose([all.numeric, labelsOneHot, weightsTensor]);
    if (all.categorical !== undefined) all.categorical.dispose();
    if (validationIndex !== undefined) validationIndex.dispose();
    optimizer.dispose();
  }
}
