/**
 * Time breakdown of a training step: forward + backward of each named layer of the SRML-MCA
 * network, and the kernels that `tf.profile` times during one full step.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LabeledTable, SRMLMCAPresetName } from '../src/index';
import { LAYER_NAMES } from '../src/models/srml-mca-network';
import { createSrmlMcaRunner } from './srml-mca-runner';
import { timeRepeats, type Timing } from './stats';
import { TRAIN_BATCH, type Repeats } from './throughput';

/** The layers that carry the model's work, in forward order. */
export const PROFILED_LAYERS = [LAYER_NAMES.encoder, LAYER_NAMES.reshape, LAYER_NAMES.mca, LAYER_NAMES.scr, LAYER_NAMES.cca] as const;

export interface LayerTime {
  layer: string;
  /** Median forward + backward time of the layer alone at batch 64, in ms. */
  medianMs: number;
  /** Share of the full training step's median time. */
  shareOfStep: number;
}

export interface KernelTime {
  kernel: string;
  calls: number;
  totalMs: number;
  shareOfProfiled: number;
}

export interface StepProfile {
  preset: SRMLMCAPresetName;
  stepMs: number;
  layers: LayerTime[];
  /** Kernels sorted by total time; only the top entries are kept. */
  topKernels: KernelTime[];
  /** Sum of every kernel's time in the profiled step, in ms (includes per-kernel sync overhead). */
  profiledKernelMs: number;
}

/** Times forward + backward (w.r.t. the layer's weights and, past the encoder, its input). */
async function timeLayer(layer: tfl.layers.Layer, input: tf.Tensor | tf.Tensor[], repeats: Repeats): Promise<Timing> {
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const inputVariable = Array.isArray(input) ? undefined : tf.variable(input, true);
  const variables = inputVariable === undefined ? weights : [...weights, inputVariable];
  const layerInput = inputVariable ?? input;
  try {
    return await timeRepeats(
      async () => {
        const grads = tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(layer.apply(layerInput, { training: true }) as tf.Tensor)) as tf.Scalar, variables);
          return [value, ...Object.values(grads)];
        });
        await Promise.all(grads.map((g) => g.data()));
        tf.dispose(grads);
      },
      repeats.warmup,
      repeats.repeats,
    );
  } finally {
    inputVariable?.dispose();
  }
}

/** Profiles one preset of SRML-MCA on the active backend. */
export async function profileTrainingStep(table: LabeledTable, preset: SRMLMCAPresetName, repeats: Repeats, topCount = 10): Promise<StepProfile> {
  const runner = createSrmlMcaRunner(table, preset, true);
  const network = runner.model.network;
  const numeric = tf.tensor2d(table.numeric.subarray(0, TRAIN_BATCH * table.numericColumns.length), [TRAIN_BATCH, table.numericColumns.length]);
  const categorical = tf.tensor2d(
    table.categorical.subarray(0, TRAIN_BATCH * table.categoricalColumns.length),
    [TRAIN_BATCH, table.categoricalColumns.length],
    'int32',
  );
  try {
    const step = await timeRepeats(() => runner.trainStep(0, TRAIN_BATCH), repeats.warmup, repeats.repeats);

    // Inputs of each layer, from one training-mode forward pass.
    const apply = (name: string, x: tf.Tensor | tf.Tensor[]): tf.Tensor => network.getLayer(name).apply(x, { training: true }) as tf.Tensor;
    const encoded = apply(LAYER_NAMES.encoder, [numeric, categorical]);
    const reshaped = apply(LAYER_NAMES.reshape, encoded);
    const attended = apply(LAYER_NAMES.mca, reshaped);
    const inputs: Record<string, tf.Tensor | tf.Tensor[]> = {
      [LAYER_NAMES.encoder]: [numeric, categorical],
      [LAYER_NAMES.reshape]: encoded,
      [LAYER_NAMES.mca]: reshaped,
      [LAYER_NAMES.scr]: attended,
      [LAYER_NAMES.cca]: attended,
    };
    const layers: LayerTime[] = [];
    for (const name of PROFILED_LAYERS) {
      const timing = await timeLayer(network.getLayer(name), inputs[name] as tf.Tensor | tf.Tensor[], repeats);
      layers.push({ layer: name, medianMs: timing.medianMs, shareOfStep: timing.medianMs / step.medianMs });
    }
    tf.dispose([encoded, reshaped, attended]);

    const info = await tf.profile(async () => {
      await runner.trainStep(0, TRAIN_BATCH);
    });
    const byKernel = new Map<string, { calls: number; totalMs: number }>();
    let profiledKernelMs = 0;
    for (const kernel of info.kernels) {
      const ms = Number(kernel.kernelTimeMs);
      profiledKernelMs += ms;
      const entry = byKernel.get(kernel.name) ?? { calls: 0, totalMs: 0 };
      entry.calls++;
      entry.totalMs += ms;
      byKernel.set(kernel.name, entry);
    }
    const topKernels = [...byKernel.entries()]
      .map(([kernel, e]) => ({ kernel, calls: e.calls, totalMs: e.totalMs, shareOfProfiled: e.totalMs / profiledKernelMs }))
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, topCount);
    return { preset, stepMs: step.medianMs, layers, topKernels, profiledKernelMs };
  } finally {
    tf.dispose([numeric, categorical]);
    runner.dispose();
  }
}
