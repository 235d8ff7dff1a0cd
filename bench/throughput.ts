/**
 * Training and inference throughput of SRML-MCA, SRML (no MCA), GCN and GAT, the backend's own
 * matMul rate, and the efficiency ratio between the two.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LabeledTable, SRMLMCAPresetName } from '../src/index';
import { setupBackend } from '../examples/douyin-churn/backend';
import type { BackendName } from './cli';
import { graphFixture } from './fixtures';
import { directMacs, executedMacs, gatMacs, gcnMacs, type ModelShape } from './flops';
import { createGraphRunner, GAT_HEADS, GAT_UNITS, GCN_HIDDEN, type GraphModelName } from './graph-runner';
import { createSrmlMcaRunner } from './srml-mca-runner';
import { timeRepeats } from './stats';

export const TRAIN_BATCH = 64;
export const INFER_BATCH = 1024;
/** Nodes of the relation graph the GCN and GAT layers run on. */
export const GRAPH_NODES = 1000;
/** Matrix shapes of the reference matMul: [M, K] x [K, N]. */
export const MATMUL_SHAPE = { m: 1024, k: 256, n: 256 } as const;

export interface Repeats {
  warmup: number;
  repeats: number;
}

export interface ThroughputRow {
  backend: BackendName;
  model: 'SRML-MCA' | 'SRML' | GraphModelName;
  /** SRML preset, or "1000 nodes" for the graph models. */
  config: string;
  trainStepMs: number;
  trainSamplesPerSec: number;
  inferMs: number;
  inferSamplesPerSec: number;
  /** Forward MACs per sample that the library's matMuls execute. */
  executedMacsPerSample: number;
  /** Forward MACs per sample of direct convolutions (equal to executed for the graph models). */
  directMacsPerSample: number;
  /** Training GFLOP/s from executed MACs: 2 · MACs · 3 (forward + backward) · samples/s. */
  trainGflops: number;
  /** Training GFLOP/s from direct-convolution MACs. */
  trainGflopsDirect: number;
  /** The backend's matMul GFLOP/s measured right before this row, so both see the same machine load. */
  matMulGflops: number;
  /** trainGflops divided by matMulGflops. */
  matMulFraction: number;
}

export interface MatMulRate {
  backend: BackendName;
  shape: string;
  medianMs: number;
  gflops: number;
}

/** Times `[M, K] x [K, N]` on the active backend. */
export async function measureMatMul(backend: BackendName, repeats: Repeats): Promise<MatMulRate> {
  const { m, k, n } = MATMUL_SHAPE;
  const a = tf.randomUniform([m, k], -1, 1, 'float32', 1);
  const b = tf.randomUniform([k, n], -1, 1, 'float32', 2);
  const timing = await timeRepeats(
    async () => {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    },
    repeats.warmup + 2,
    repeats.repeats * 3,
  );
  tf.dispose([a, b]);
  return { backend, shape: `[${m},${k}]x[${k},${n}]`, medianMs: timing.medianMs, gflops: (2 * m * k * n) / (timing.medianMs * 1e6) };
}

function modelShape(table: LabeledTable, useMca: boolean): ModelShape {
  return { numNumeric: table.numericColumns.length, cardinalities: table.cardinalities, useMca };
}

/** Throughput of SRML-MCA (`useMca` true) or SRML (false) at one preset. */
export async function measureSrml(
  backend: BackendName,
  table: LabeledTable,
  preset: SRMLMCAPresetName,
  useMca: boolean,
  train: Repeats,
  infer: Repeats,
  matMulGflops: number,
): Promise<ThroughputRow> {
  const runner = createSrmlMcaRunner(table, preset, useMca);
  try {
    // Each timed step takes the next batch, so Adam and BN see changing data as in an epoch.
    let step = 0;
    const batches = Math.floor(table.numRows / TRAIN_BATCH);
    const trainTiming = await timeRepeats(() => runner.trainStep(((step++) % batches) * TRAIN_BATCH, TRAIN_BATCH), train.warmup, train.repeats);
    // A short warm-up batch compiles the same kernels; a full one would double the cpu cost.
    for (let i = 0; i < infer.warmup; i++) await runner.infer(0, 128);
    const inferTiming = await timeRepeats(() => runner.infer(0, INFER_BATCH), 0, infer.repeats);
    return srmlRow(backend, preset, useMca, modelShape(table, useMca), trainTiming.medianMs, inferTiming.medianMs, matMulGflops);
  } finally {
    runner.dispose();
  }
}

function srmlRow(
  backend: BackendName,
  preset: SRMLMCAPresetName,
  useMca: boolean,
  shape: ModelShape,
  trainStepMs: number,
  inferMs: number,
  matMulGflops: number,
): ThroughputRow {
  const executed = executedMacs(preset, shape, TRAIN_BATCH).total;
  const direct = directMacs(preset, shape).total;
  const trainSamplesPerSec = (TRAIN_BATCH * 1000) / trainStepMs;
  const trainGflops = (2 * 3 * executed * trainSamplesPerSec) / 1e9;
  return {
    backend,
    model: useMca ? 'SRML-MCA' : 'SRML',
    config: preset,
    trainStepMs,
    trainSamplesPerSec,
    inferMs,
    inferSamplesPerSec: (INFER_BATCH * 1000) / inferMs,
    executedMacsPerSample: executed,
    directMacsPerSample: direct,
    trainGflops,
    trainGflopsDirect: (2 * 3 * direct * trainSamplesPerSec) / 1e9,
    matMulGflops,
    matMulFraction: trainGflops / matMulGflops,
  };
}

/** Full-graph throughput of GCN or GAT on the 1000-user relation graph; one sample is one node. */
export async function measureGraphModel(
  backend: BackendName,
  name: GraphModelName,
  repeats: Repeats,
  matMulGflops: number,
): Promise<ThroughputRow> {
  const fixture = graphFixture(GRAPH_NODES);
  const n = fixture.numNodes;
  const x = tf.tensor2d(fixture.features, [n, fixture.numFeatures]);
  const adjacency = tf.tensor2d(fixture.adjacency, [n, n]);
  const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(fixture.labels, 'int32'), 2)) as tf.Tensor2D;
  const runner = createGraphRunner(name);
  try {
    const trainTiming = await timeRepeats(() => runner.trainStep(x, adjacency, oneHot), repeats.warmup, repeats.repeats);
    const inferTiming = await timeRepeats(() => runner.infer(x, adjacency), repeats.warmup, repeats.repeats);
    const macs = (name === 'GCN' ? gcnMacs(n, fixture.numFeatures, GCN_HIDDEN) : gatMacs(n, fixture.numFeatures, GAT_HEADS, GAT_UNITS)) / n;
    const trainSamplesPerSec = (n * 1000) / trainTiming.medianMs;
    const trainGflops = (2 * 3 * macs * trainSamplesPerSec) / 1e9;
    return {
      backend,
      model: name,
      config: `${n} nodes`,
      trainStepMs: trainTiming.medianMs,
      trainSamplesPerSec,
      inferMs: inferTiming.medianMs,
      inferSamplesPerSec: (n * 1000) / inferTiming.medianMs,
      executedMacsPerSample: macs,
      directMacsPerSample: macs,
      trainGflops,
      trainGflopsDirect: trainGflops,
      matMulGflops,
      matMulFraction: trainGflops / matMulGflops,
    };
  } finally {
    runner.dispose();
    tf.dispose([x, adjacency, oneHot]);
  }
}

export interface TrainingSectionResult {
  matMul: MatMulRate[];
  rows: ThroughputRow[];
}

/** Runs every model on every backend; `log` receives one progress line per measurement. */
export async function runThroughput(
  backends: readonly BackendName[],
  presets: readonly SRMLMCAPresetName[],
  table: LabeledTable,
  repeatsFor: (backend: BackendName) => { train: Repeats; infer: Repeats; graph: Repeats },
  log: (line: string) => void,
): Promise<TrainingSectionResult> {
  const matMul: MatMulRate[] = [];
  const rows: ThroughputRow[] = [];
  for (const backend of backends) {
    await setupBackend(backend);
    const repeats = repeatsFor(backend);
    // The machine is shared, so the reference rate is re-measured next to every model.
    const adjacentRate = async (): Promise<number> => {
      const rate = await measureMatMul(backend, repeats.train);
      matMul.push(rate);
      log(`${backend}: matMul ${rate.shape} ${rate.gflops.toFixed(2)} GFLOP/s`);
      return rate.gflops;
    };
    for (const useMca of [true, false]) {
      for (const preset of presets) {
        const row = await measureSrml(backend, table, preset, useMca, repeats.train, repeats.infer, await adjacentRate());
        rows.push(row);
        log(`${backend}: ${row.model} ${preset} train ${row.trainSamplesPerSec.toFixed(0)}/s, infer ${row.inferSamplesPerSec.toFixed(0)}/s`);
      }
    }
    for (const name of ['GCN', 'GAT'] as const) {
      const row = await measureGraphModel(backend, name, repeats.graph, await adjacentRate());
      rows.push(row);
      log(`${backend}: ${name} train ${row.trainSamplesPerSec.toFixed(0)} nodes/s, infer ${row.inferSamplesPerSec.toFixed(0)} nodes/s`);
    }
  }
  return { matMul, rows };
}
