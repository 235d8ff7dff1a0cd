/**
 * The stages of the scale benchmark for one user count, run in a child process (scale-child.ts)
 * so that each size's peak RSS is its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildFeatureMatrix,
  buildRelationGraph,
  createRng,
  fitPreprocessor,
  generateUsers,
  labelChurnRisk,
  loadUserTable,
  NeighbourSampler,
  writeUsersCsv,
  type FeatureTable,
  type UserTable,
} from '../src/index';
import { allRows, featureColumns } from './fixtures';
import { createGraphRunner } from './graph-runner';
import { createSrmlMcaRunner, type SrmlMcaRunner } from './srml-mca-runner';
import { currentRssMiB, median, peakRssMiB } from './stats';
import { TRAIN_BATCH } from './throughput';

/**
 * Untimed training batches before the timed ones. In one measured run of the `default` preset
 * on wasm, the 2nd to 4th steps of a fresh process took 183, 156 and 140 ms. From the 12th step
 * on they took 114-118 ms, so a single warm-up step overstated the per-batch time.
 */
const WARMUP_BATCHES = 10;

/** Settings of one scale run. */
export interface ScaleSettings {
  users: number;
  /** Training batches timed per epoch stage; the epoch time is extrapolated from them. */
  timedBatches: number;
  /** Largest number of rows scored for real; more rows are extrapolated from this many. */
  scoreRowsCap: number;
  /** Maximum neighbours per user in the relation graph. */
  maxDegree: number;
  /** Mini-batch of target nodes and fan-outs of the GCN epoch. */
  gcnTargets: number;
  gcnFanouts: number[];
}

export interface StageResult {
  stage: string;
  /** Wall time in seconds; for an extrapolated stage, the estimate for the whole stage. */
  seconds: number;
  /** Null when measured in full; otherwise how the time was extrapolated. */
  extrapolation: string | null;
  /** Peak RSS of the child process at the end of the stage (a running maximum), in MiB. */
  peakRssMiB: number;
  /** How much the stage raised the process's peak RSS, in MiB. */
  peakRiseMiB: number;
  /** RSS right after the stage, in MiB. */
  rssAfterMiB: number;
  /** Extra facts, e.g. edge counts. */
  detail?: string;
}

export interface ScaleRunResult {
  users: number;
  backend: string;
  stages: StageResult[];
  peakRssMiB: number;
}

/** Runs every stage for `settings.users` users on the active tfjs backend. */
export async function runScaleStages(settings: ScaleSettings, backend: string, log: (line: string) => void): Promise<ScaleRunResult> {
  const stages: StageResult[] = [];
  const record = async <T>(stage: string, body: () => Promise<{ value: T; seconds?: number; extrapolation?: string | null; detail?: string }>): Promise<T> => {
    const peakBefore = peakRssMiB();
    const start = performance.now();
    const out = await body();
    const measured = (performance.now() - start) / 1000;
    const result: StageResult = {
      stage,
      seconds: out.seconds ?? measured,
      extrapolation: out.extrapolation ?? null,
      peakRssMiB: peakRssMiB(),
      peakRiseMiB: peakRssMiB() - peakBefore,
      rssAfterMiB: currentRssMiB(),
      ...(out.detail === undefined ? {} : { detail: out.detail }),
    };
    stages.push(result);
    log(`${settings.users} users: ${stage} ${result.seconds.toFixed(2)} s${result.extrapolation ? ' (extrapolated)' : ''}, peak RSS ${result.peakRssMiB.toFixed(0)} MiB`);
    return out.value;
  };

  const dir = mkdtempSync(join(tmpdir(), 'srml-mca-bench-'));
  const csvPath = join(dir, `users-${settings.users}.csv`);
  try {
    // The generated table is dropped once written, so later stages do not carry two copies.
    let generated: UserTable | undefined = await record('generateUsers', async () => ({ value: generateUsers(settings.users, 11) }));
    await record('writeUsersCsv', async () => ({ value: await writeUsersCsv(generated as UserTable, csvPath) }));
    generated = undefined;
    const loaded = await record('loadUserTable', async () => ({ value: await loadUserTable(csvPath) }));
    const { labels } = await record('labelChurnRisk', async () => ({ value: labelChurnRisk(loaded) }));
    const table = await record('fitPreprocessor+transform', async () => {
      const rows = allRows(loaded.numRows);
      return { value: fitPreprocessor(loaded, rows, featureColumns()).transform(loaded, rows, labels) };
    });
    const graph = await record('buildRelationGraph', async () => {
      const value = buildRelationGraph(loaded, { maxDegree: settings.maxDegree });
      return { value, detail: `${value.source.length} directed edges, maxDegree ${settings.maxDegree}` };
    });

    const batchesPerEpoch = Math.ceil(table.numRows / TRAIN_BATCH);
    const timedBatches = Math.min(settings.timedBatches, batchesPerEpoch);
    let runner: SrmlMcaRunner | undefined;
    try {
      await record('SRML-MCA epoch (fast)', async () => {
        // Setup that grows with the table: its upload to the backend and the epoch's shuffle.
        const setupStart = performance.now();
        runner = createSrmlMcaRunner(table, 'fast', true);
        const order = createRng(5).shuffle(Array.from(allRows(table.numRows)));
        const setupSeconds = (performance.now() - setupStart) / 1000;
        const model = runner;
        // Warm-up batches, untimed: the first steps of a process run slower (see WARMUP_BATCHES).
        for (let b = 0; b < WARMUP_BATCHES; b++) {
          await model.trainRows(Int32Array.from(order.slice((b % batchesPerEpoch) * TRAIN_BATCH, (b % batchesPerEpoch) * TRAIN_BATCH + TRAIN_BATCH)));
        }
        const times: number[] = [];
        for (let b = 1; b <= timedBatches; b++) {
          const rows = Int32Array.from(order.slice((b % batchesPerEpoch) * TRAIN_BATCH, (b % batchesPerEpoch) * TRAIN_BATCH + TRAIN_BATCH));
          const start = performance.now();
          await model.trainRows(rows);
          times.push((performance.now() - start) / 1000);
        }
        const perBatch = median(times);
        return {
          value: undefined,
          seconds: setupSeconds + perBatch * batchesPerEpoch,
          extrapolation: timedBatches >= batchesPerEpoch ? null : `median of ${timedBatches} batches x ${batchesPerEpoch} batches + shuffle`,
          detail: `${(perBatch * 1000).toFixed(0)} ms per batch of ${TRAIN_BATCH}`,
        };
      });

      await record(`GCN epoch (sampled, ${settings.gcnTargets} targets, fan-outs ${settings.gcnFanouts.join('x')})`, async () => {
        const setupStart = performance.now();
        const matrix = buildFeatureMatrix(table);
        const sampler = new NeighbourSampler(graph, { fanouts: settings.gcnFanouts, seed: 3 });
        const order = createRng(6).shuffle(Array.from(allRows(table.numRows)));
        const setupSeconds = (performance.now() - setupStart) / 1000;
        const gcnBatches = Math.ceil(table.numRows / settings.gcnTargets);
        const timed = Math.min(settings.timedBatches, gcnBatches);
        const gcn = createGraphRunner('GCN');
        const width = matrix.numColumns;
        const runBatch = async (b: number): Promise<number> => {
          const targets = order.slice(b * settings.gcnTargets, (b + 1) * settings.gcnTargets);
          const block = sampler.sample(targets);
          const n = block.nodes.length;
          const features = new Float32Array(n * width);
          const blockLabels = new Int32Array(n);
          block.nodes.forEach((node, i) => {
            features.set(matrix.values.subarray(node * width, (node + 1) * width), i * width);
            blockLabels[i] = table.labels[node] as number;
          });
          const x = tf.tensor2d(features, [n, width]);
          const adjacency = tf.tensor2d(block.adjacency, [n, n]);
          const oneHot = tf.tidy(() => tf.oneHot(tf.tensor1d(blockLabels, 'int32'), 2)) as tf.Tensor2D;
          await gcn.trainStep(x, adjacency, oneHot, block.numTargets);
          tf.dispose([x, adjacency, oneHot]);
          return n;
        };
        try {
          for (let b = 0; b < WARMUP_BATCHES; b++) {
            await runBatch(b % gcnBatches);
          }
          const times: number[] = [];
          const sizes: number[] = [];
          for (let b = 1; b <= timed; b++) {
            const start = performance.now();
            sizes.push(await runBatch(b % gcnBatches));
            times.push((performance.now() - start) / 1000);
          }
          const perBatch = median(times);
          return {
            value: undefined,
            seconds: setupSeconds + perBatch * gcnBatches,
            extrapolation: timed >= gcnBatches ? null : `median of ${timed} batches x ${gcnBatches} batches + setup`,
            detail: `${(perBatch * 1000).toFixed(0)} ms per batch (sampling, dense block, step); median block ${median(sizes)} nodes`,
          };
        } finally {
          gcn.dispose();
        }
      });

      await record('scoring (predictProba)', async () => {
        const scored = Math.min(settings.scoreRowsCap, table.numRows);
        const part = scored === table.numRows ? table : headRows(table, scored);
        const start = performance.now();
        await (runner as SrmlMcaRunner).model.predictProba(part);
        const seconds = ((performance.now() - start) / 1000) * (table.numRows / scored);
        return {
          value: undefined,
          seconds,
          extrapolation: scored === table.numRows ? null : `${scored} rows scored, x ${table.numRows / scored}`,
        };
      });
    } finally {
      runner?.dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { users: settings.users, backend, stages, peakRssMiB: peakRssMiB() };
}

/** Returns the first `count` rows of `table` as views of its arrays. */
function headRows(table: FeatureTable, count: number): FeatureTable {
  return {
    ...table,
    numRows: count,
    numeric: table.numeric.subarray(0, count * table.numericColumns.length),
    categorical: table.categorical.subarray(0, count * table.categoricalColumns.length),
    rowIndex: table.rowIndex.subarray(0, count),
  };
}
