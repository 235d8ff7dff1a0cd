/**
 * Builds the SRML-MCA network as a tfjs functional model, so tfjs's own serialization saves
 * and loads it:
 *
 * ```
 * [xNum, xCat] → TabularEncoder → FeatureReshape → MCA → F
 *   F → SelfCorrelationSCR → CenteredAveragePool → f_intra → PrototypeHead → s_intra
 *   F → Correlation4DCCA                         → f_inter → PrototypeHead → s_inter
 *   [f_intra ; f_inter] → Dropout → Dense(2) → z   (+ Dense(2, no bias) of xNum with `widePath`)
 * ```
 *
 * With `inputGateL1` > 0 the encoder gates its input columns (TabularEncoder `featureGate`).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CenteredAveragePool } from '../layers/centered-average-pool';
import { Correlation4DCCA } from '../layers/correlation-4d-cca';
import { FeatureReshape } from '../layers/feature-reshape';
import { torchUniform } from '../layers/internal/initializers';
import { MCA } from '../layers/mca';
import { PrototypeHead } from '../layers/prototype-head';
import { SelfCorrelationSCR } from '../layers/self-correlation-scr';
import { TabularEncoder } from '../layers/tabular-encoder';
import type { ResolvedSRMLMCAConfig } from './srml-mca-config';

/** Output names, in the order of the model's outputs. */
export interface SRMLMCAOutputNames {
  /** Index of the fused logits z `[B, 2]` (always 0). */
  fused: number;
  /** Index of s_intra `[B, 2]`, or -1 without the structural branch. */
  structure: number;
  /** Index of s_inter `[B, 2]`, or -1 without the relational branch. */
  relation: number;
}

/** Layer names, used to find the layers again in a loaded model. */
export const LAYER_NAMES = {
  encoder: 'tabular_encoder',
  reshape: 'feature_reshape',
  mca: 'mca',
  scr: 'self_correlation_scr',
  structurePool: 'structure_pool',
  structureHead: 'structure_head',
  cca: 'correlation_4d_cca',
  relationHead: 'relation_head',
  fuse: 'fuse',
  fusedDropout: 'fused_dropout',
  classifier: 'classifier',
  wide: 'wide',
  wideAdd: 'wide_add',
} as const;

/** Returns the output positions for a configuration. */
export function outputIndices(config: Pick<ResolvedSRMLMCAConfig, 'useStructure' | 'useRelation'>): SRMLMCAOutputNames {
  let next = 1;
  const structure = config.useStructure ? next++ : -1;
  const relation = config.useRelation ? next++ : -1;
  return { fused: 0, structure, relation };
}

/** Builds the network; call inside `withSeededRandom` for repeatable initial weights. */
export function buildSRMLMCANetwork(config: ResolvedSRMLMCAConfig): tfl.LayersModel {
  const numeric = tfl.input({ shape: [config.numNumeric], name: 'numeric' });
  const hasCategorical = config.cardinalities.length > 0;
  const categorical = hasCategorical
    ? tfl.input({ shape: [config.cardinalities.length], dtype: 'int32', name: 'categorical' })
    : undefined;
  const inputs = categorical === undefined ? [numeric] : [numeric, categorical];

  const encoder = new TabularEncoder({
    name: LAYER_NAMES.encoder,
    numNumeric: config.numNumeric,
    cardinalities: config.cardinalities,
    hiddenUnits: config.hiddenUnits,
    categoryEmbeddingDim: config.categoryEmbeddingDim,
    embedDim: config.embedDim,
    dropout: config.encoderDropout,
    featureGate: config.inputGateL1 > 0,
  });
  const encoded = encoder.apply(categorical === undefined ? numeric : inputs) as tfl.SymbolicTensor;
  const map = new FeatureReshape({
    name: LAYER_NAMES.reshape,
    height: config.height,
    width: config.width,
    channels: config.channels,
  }).apply(encoded) as tfl.SymbolicTensor;
  const attended = config.useMca ? (new MCA({ name: LAYER_NAMES.mca }).apply(map) as tfl.SymbolicTensor) : map;

  const pooled: tfl.SymbolicTensor[] = [];
  const branchLogits: tfl.SymbolicTensor[] = [];
  if (config.useStructure) {
    const structure = new SelfCorrelationSCR({ name: LAYER_NAMES.scr, innerChannels: config.innerChannels }).apply(
      attended,
    ) as tfl.SymbolicTensor;
    const fIntra = new CenteredAveragePool({ name: LAYER_NAMES.structurePool }).apply(structure) as tfl.SymbolicTensor;
    pooled.push(fIntra);
    branchLogits.push(
      new PrototypeHead({ name: LAYER_NAMES.structureHead, temperature: config.headTemperature }).apply(fIntra) as tfl.SymbolicTensor,
    );
  }
  if (config.useRelation) {
    const fInter = new Correlation4DCCA({
      name: LAYER_NAMES.cca,
      reducedChannels: config.reducedChannels,
      hiddenChannels: config.hiddenChannels,
      temperature: config.attentionTemperature,
    }).apply(attended) as tfl.SymbolicTensor;
    pooled.push(fInter);
    branchLogits.push(
      new PrototypeHead({ name: LAYER_NAMES.relationHead, temperature: config.headTemperature }).apply(fInter) as tfl.SymbolicTensor,
    );
  }

  const fusedInput =
    pooled.length === 1 ? (pooled[0] as tfl.SymbolicTensor) : (tfl.layers.concatenate({ name: LAYER_NAMES.fuse }).apply(pooled) as tfl.SymbolicTensor);
  const dropped = tfl.layers.dropout({ rate: config.fusedDropout, name: LAYER_NAMES.fusedDropout }).apply(fusedInput) as tfl.SymbolicTensor;
  const fanIn = config.channels * pooled.length;
  const logits = tfl.layers
    .dense({
      units: 2,
      name: LAYER_NAMES.classifier,
      kernelInitializer: torchUniform(fanIn),
      biasInitializer: torchUniform(fanIn),
    })
    .apply(dropped) as tfl.SymbolicTensor;
  const fused = config.widePath
    ? (tfl.layers.add({ name: LAYER_NAMES.wideAdd }).apply([logits, wideLayer(config).apply(numeric) as tfl.SymbolicTensor]) as tfl.SymbolicTensor)
    : logits;

  return tfl.model({ inputs, outputs: [fused, ...branchLogits], name: 'srml_mca' });
}

function wideLayer(config: ResolvedSRMLMCAConfig): tfl.layers.Layer {
  return tfl.layers.dense({
    units: 2,
    name: LAYER_NAMES.wide,
    useBias: false,
    kernelInitializer: torchUniform(config.numNumeric),
  });
}

/** Intermediate tensors of one forward pass. */
export interface SRMLMCAForward {
  /** Fused logits z `[B, 2]`. */
  fused: tf.Tensor;
  /** Structural-branch logits s_intra `[B, 2]`, when that branch is on. */
  structure?: tf.Tensor;
  /** Relational-branch logits s_inter `[B, 2]`, when that branch is on. */
  relation?: tf.Tensor;
  /** The attended map F `[B, H, W, C]` that both branches read. */
  map: tf.Tensor;
  /** Σ|g| of the encoder's input gates, a scalar, when `inputGateL1` > 0. */
  gateL1?: tf.Scalar;
}

/**
 * Runs the network layer by layer with an explicit `training` flag. tfjs's `LayersModel.apply`
 * does not pass `training` on to the layers of a functional model (tfjs-layers 4.22,
 * `Container.runInternalGraph`), so training steps call the layers directly; they are the same
 * objects, with the same weights, as those inside `model`.
 */
export function forwardSRMLMCA(
  model: tfl.LayersModel,
  config: Pick<ResolvedSRMLMCAConfig, 'useMca' | 'useStructure' | 'useRelation' | 'widePath' | 'inputGateL1'>,
  numeric: tf.Tensor,
  categorical: tf.Tensor | undefined,
  training: boolean,
): SRMLMCAForward {
  const kwargs = { training };
  const layer = (name: string): tfl.layers.Layer => model.getLayer(name);
  const run = (name: string, input: tf.Tensor | tf.Tensor[]): tf.Tensor => layer(name).apply(input, kwargs) as tf.Tensor;

  const encoded = run(LAYER_NAMES.encoder, categorical === undefined ? numeric : [numeric, categorical]);
  const reshaped = run(LAYER_NAMES.reshape, encoded);
  const map = config.useMca ? run(LAYER_NAMES.mca, reshaped) : reshaped;

  const pooled: tf.Tensor[] = [];
  const result: Partial<SRMLMCAForward> = { map };
  if (config.useStructure) {
    const fIntra = run(LAYER_NAMES.structurePool, run(LAYER_NAMES.scr, map));
    pooled.push(fIntra);
    result.structure = run(LAYER_NAMES.structureHead, fIntra);
  }
  if (config.useRelation) {
    const fInter = run(LAYER_NAMES.cca, map);
    pooled.push(fInter);
    result.relation = run(LAYER_NAMES.relationHead, fInter);
  }
  const fusedInput = pooled.length === 1 ? (pooled[0] as tf.Tensor) : run(LAYER_NAMES.fuse, pooled);
  const deep = run(LAYER_NAMES.classifier, run(LAYER_NAMES.fusedDropout, fusedInput));
  if (config.inputGateL1 > 0) {
    result.gateL1 = (layer(LAYER_NAMES.encoder) as TabularEncoder).gateL1();
  }
  result.fused = config.widePath ? run(LAYER_NAMES.wideAdd, [deep, run(LAYER_NAMES.wide, numeric)]) : deep;
  return result as SRMLMCAForward;
}
