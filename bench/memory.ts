/** Tensor leak check over many SRML-MCA training steps, and the process's peak RSS. */
import * as tf from '@tensorflow/tfjs-core';
import type { LabeledTable, SRMLMCAPresetName } from '../src/index';
import type { BackendName } from './cli';
import { createSrmlMcaRunner } from './srml-mca-runner';
import { peakRssMiB } from './stats';
import { TRAIN_BATCH } from './throughput';

export interface MemoryResult {
  backend: BackendName;
  preset: SRMLMCAPresetName;
  steps: number;
  /** Live tensors after one warm-up step (which creates Adam's slots), before the timed steps. */
  tensorsBefore: number;
  tensorsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  /** True when the tensor count did not change. */
  equal: boolean;
  /** Peak RSS of the benchmark process so far, in MiB. */
  peakRssMiB: number;
}

/** Runs `steps` training steps on the active backend and compares `tf.memory()` before and after. */
export async function runLeakCheck(backend: BackendName, table: LabeledTable, preset: SRMLMCAPresetName, steps: number): Promise<MemoryResult> {
  const runner = createSrmlMcaRunner(table, preset, true);
  try {
    const batches = Math.floor(table.numRows / TRAIN_BATCH);
    await runner.trainStep(0, TRAIN_BATCH);
    const before = tf.memory();
    for (let step = 1; step <= steps; step++) {
      await runner.trainStep((step % batches) * TRAIN_BATCH, TRAIN_BATCH);
    }
    const after = tf.memory();
    return {
      backend,
      preset,
      steps,
      tensorsBefore: before.numTensors,
      tensorsAfter: after.numTensors,
      bytesBefore: before.numBytes,
      bytesAfter: after.numBytes,
      equal: before.numTensors === after.numTensors,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    runner.dispose();
  }
}
