/**
 * Entry of `npm run bench`: throughput and efficiency of the models, a tensor leak check, and
 * the scale run. Prints text tables and writes the figures as JSON (bench/results/latest.json).
 * Run `npm run bench -- --help` for the flags.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { SRMLMCAPresetName } from '../src/index';
import { BackendSetupError, setupBackend } from '../examples/douyin-churn/backend';
import { parseBenchArgs, USAGE, UsageError, type BackendName, type BenchOptions } from './cli';
import { syntheticTable } from './fixtures';
import { runLeakCheck, type MemoryResult } from './memory';
import { profileTrainingStep, type StepProfile } from './profile';
import { formatMemory, formatProfile, formatScale, formatTable, formatThroughput, formatVerdicts } from './report';
import { runScale, type ScaleSectionResult } from './scale';
import { runTable, type TableSectionResult } from './table';
import { peakRssMiB } from './stats';
import { judgeEfficiency, type EfficiencyVerdict } from './targets';
import { runThroughput, type Repeats, type TrainingSectionResult } from './throughput';

/** Rows of the synthetic table the throughput runs draw batches from. */
const TABLE_ROWS = 4096;
/** Training steps of the leak check. */
const LEAK_STEPS = 100;

interface Plan {
  repeatsFor: (backend: BackendName) => { train: Repeats; infer: Repeats; graph: Repeats };
  scaleTimedBatches: number;
  scoreRowsCap: number;
}

/**
 * Returns the repeat counts of a mode. The cpu backend is 10-30x slower than wasm here (one GAT
 * step on 1000 nodes takes about 12 s), so it repeats less. The native tensorflow backend
 * repeats as often as wasm.
 */
function plan(options: BenchOptions): Plan {
  if (options.quick) {
    return {
      repeatsFor: () => ({ train: { warmup: 1, repeats: 3 }, infer: { warmup: 1, repeats: 2 }, graph: { warmup: 1, repeats: 2 } }),
      scaleTimedBatches: 10,
      scoreRowsCap: 10_000,
    };
  }
  const scale = options.full ? 2 : 1;
  return {
    repeatsFor: (backend) =>
      backend !== 'cpu'
        ? { train: { warmup: 10, repeats: 15 * scale }, infer: { warmup: 2, repeats: 5 * scale }, graph: { warmup: 2, repeats: 5 * scale } }
        : { train: { warmup: 1, repeats: 3 * scale }, infer: { warmup: 1, repeats: 2 * scale }, graph: { warmup: 1, repeats: 2 * scale } },
    scaleTimedBatches: 30 * scale,
    scoreRowsCap: 100_000,
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line === undefined ? 'unknown' : (line.split(':')[1] ?? '').trim();
  } catch {
    return 'unknown (no /proc/cpuinfo)';
  }
}

interface BenchResult {
  meta: Record<string, unknown>;
  training?: TrainingSectionResult & { efficiencyTarget: EfficiencyVerdict[]; profiles: StepProfile[] };
  memory?: MemoryResult;
  scale?: ScaleSectionResult;
  table?: TableSectionResult;
}

async function main(): Promise<void> {
  let parsed: BenchOptions | 'help';
  try {
    parsed = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const options = parsed;
  const settings = plan(options);
  const started = Date.now();
  const log = (line: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  };
  const print = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };

  const meta = {
    date: new Date().toISOString(),
    flags: process.argv.slice(2),
    nproc: availableParallelism(),
    cpuModel: cpuModel(),
    node: process.version,
    tfjs: tf.version_core,
    loadAverageAtStart: loadavg(),
    note: 'Measured on a shared machine that may run other work at the same time; treat figures as estimates.',
  };
  const result: BenchResult = { meta };
  print(`srml-mca benchmark, ${meta.date}, flags: ${meta.flags.join(' ') || '(none)'}`);
  print(`machine: ${meta.nproc} cores, ${meta.cpuModel}, Node ${meta.node}, tfjs ${meta.tfjs}; load average at start ${meta.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`);
  print(meta.note);

  // Fails early, with the fix in one line, when --backend tensorflow cannot load tfjs-node: the
  // scale and table sections would otherwise fail in child processes.
  if (options.backends.includes('tensorflow')) {
    await setupBackend('tensorflow');
  }

  const needsTable = options.sections.includes('training') || options.sections.includes('memory');
  const table = needsTable ? syntheticTable(TABLE_ROWS) : undefined;

  if (options.sections.includes('training') && table !== undefined) {
    const throughput = await runThroughput(options.backends, options.presets, table, settings.repeatsFor, log);
    const verdicts = judgeEfficiency(throughput.rows);
    const profiles: StepProfile[] = [];
    if (verdicts.some((v) => !v.met)) {
      await setupBackend('wasm');
      for (const verdict of verdicts.filter((v) => !v.met)) {
        log(`wasm: profiling SRML-MCA ${verdict.preset}`);
        profiles.push(await profileTrainingStep(table, verdict.preset as SRMLMCAPresetName, settings.repeatsFor('wasm').train));
      }
    }
    result.training = { ...throughput, efficiencyTarget: verdicts, profiles };
    print(`\n== Throughput and efficiency ==\n${formatThroughput(throughput)}\n\n${formatVerdicts(verdicts)}`);
    for (const profile of profiles) print(`\n${formatProfile(profile)}`);
  }

  const mainBackend: BackendName = options.backends.includes('wasm') ? 'wasm' : (options.backends[0] as BackendName);
  if (options.sections.includes('memory') && table !== undefined) {
    await setupBackend(mainBackend);
    log(`${mainBackend}: leak check over ${LEAK_STEPS} training steps`);
    result.memory = await runLeakCheck(mainBackend, table, 'tiny', LEAK_STEPS);
    print(`\n== Memory ==\n${formatMemory(result.memory)}`);
  }

  if (options.sections.includes('scale')) {
    result.scale = await runScale(options.scaleSizes, mainBackend, settings.scaleTimedBatches, settings.scoreRowsCap, log);
    print(`\n== Scale ==\n${formatScale(result.scale)}`);
  }

  if (options.sections.includes('table')) {
    // tfjs-node runs in the example's main thread and runs several threads itself, so one
    // worker is the whole run. The single-threaded backends need one worker per core.
    const machineWorkers = mainBackend === 'tensorflow' ? 1 : availableParallelism();
    const workerCounts = options.tableWorkers ?? [...new Set([1, machineWorkers])];
    // The example runs on wasm by default.
    const backendFlags = mainBackend === 'wasm' ? [] : ['--backend', mainBackend];
    result.table = await runTable(workerCounts, options.tableData, log, backendFlags, machineWorkers);
    print(`\n== douyin-churn table ==\n${formatTable(result.table)}`);
  }

  result.meta['peakRssMiBOfParent'] = peakRssMiB();
  result.meta['wallSeconds'] = (Date.now() - started) / 1000;
  mkdirSync(dirname(options.output), { recursive: true });
  writeFileSync(options.output, `${JSON.stringify(result, null, 2)}\n`);
  print(`\nWrote ${options.output} (${((Date.now() - started) / 1000).toFixed(0)} s in total).`);
  if (options.json) print(JSON.stringify(result, null, 2));
}

try {
  await main();
} catch (error) {
  // A missing @tensorflow/tfjs-node is a set-up problem: its message names the fix, so no stack.
  if (!(error instanceof BackendSetupError)) throw error;
  process.stderr.write(`bench: ${error.message}\n`);
  process.exitCode = 1;
}
