/**
 * Wall time of the whole douyin-churn comparison (every default model, 5 folds, both feature
 * settings, default epochs), run as a user runs it: `tsx examples/douyin-churn/main.ts` in a
 * child process, once with one worker thread and once with one per core.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Target: the whole table with one worker per core, in seconds. */
export const TABLE_TARGET_SECONDS = 300;

export interface TableRun {
  workers: number;
  /** Wall time of the child process, in seconds. */
  seconds: number;
  /** Models and fold jobs of the run, from its results.json. */
  models: string[];
  foldJobs: number;
  /**
   * Seconds of the fold jobs per model key, summed over folds and settings, from results.json.
   * With several workers the jobs overlap, so the sums can exceed the wall time.
   */
  modelSeconds: Record<string, number>;
}

export interface TableSectionResult {
  /** `--data` path, or "synthetic" for the example's built-in seeded users. */
  data: string;
  runs: TableRun[];
  /** Flags passed to the example beyond the defaults (tests pass a small model list). */
  exampleFlags: string[];
  /** tfjs backend of the example runs, from `--backend` in the flags (wasm when absent). */
  backend: string;
  /**
   * Workers that make a whole run: the machine's cores for the single-threaded cpu and wasm
   * backends, 1 for tensorflow, which runs several threads itself. The target is judged on a
   * run with at least this many workers.
   */
  cores: number;
  /**
   * Verdict of the run with the most workers against {@link TABLE_TARGET_SECONDS}, or undefined
   * when no run used one worker per core.
   */
  target: { seconds: number; workers: number; met: boolean; speedupNeeded: number } | undefined;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs the example once with `workers` threads and returns its wall time. */
function runExample(workers: number, data: string | undefined, extraArgs: readonly string[]): Promise<TableRun> {
  const out = mkdtempSync(join(tmpdir(), 'srml-mca-bench-table-'));
  const args = [join(ROOT, 'examples/douyin-churn/main.ts'), '--quiet', '--no-save-model', '--workers', String(workers), '--out', out];
  if (data !== undefined) args.push('--data', data);
  args.push(...extraArgs);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (Date.now() - started) / 1000;
      try {
        if (code !== 0) {
          const threads = workers === 1 ? '1 worker' : `${workers} workers`;
          reject(new Error(`douyin-churn with ${threads} exited with code ${code}: ${stderr.trim().slice(-500)}`));
          return;
        }
        const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
          options: { models: string[] };
          folds: { key: string; seconds: number }[];
        };
        const modelSeconds: Record<string, number> = {};
        for (const fold of results.folds) {
          modelSeconds[fold.key] = (modelSeconds[fold.key] ?? 0) + fold.seconds;
        }
        resolve({ workers, seconds, models: results.options.models, foldJobs: results.folds.length, modelSeconds });
      } catch (error) {
        reject(error);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
}

/**
 * Times the table with each worker count in `workerCounts`, one after the other. The run with
 * the most workers is judged against the target when it used at least one worker per core
 * (`cores`). `extraArgs` go to the example as they are: the benchmark passes `--backend` when
 * the section runs on another backend than wasm, and tests pass a small model list.
 */
export async function runTable(
  workerCounts: readonly number[],
  data: string | undefined,
  log: (line: string) => void,
  extraArgs: readonly string[] = [],
  cores: number = availableParallelism(),
): Promise<TableSectionResult> {
  const runs: TableRun[] = [];
  for (const workers of workerCounts) {
    log(`douyin-churn table with ${workers} worker${workers === 1 ? '' : 's'} (default epochs; this takes many minutes)`);
    runs.push(await runExample(workers, data, extraArgs));
  }
  const widest = runs.reduce<TableRun | undefined>((best, run) => (best === undefined || run.workers > best.workers ? run : best), undefined);
  const target =
    widest === undefined || widest.workers < cores
      ? undefined
      : {
          seconds: widest.seconds,
          workers: widest.workers,
          met: widest.seconds <= TABLE_TARGET_SECONDS,
          speedupNeeded: Math.max(1, widest.seconds / TABLE_TARGET_SECONDS),
        };
  const backendFlag = extraArgs.indexOf('--backend');
  const backend = backendFlag >= 0 ? (extraArgs[backendFlag + 1] ?? 'wasm') : 'wasm';
  return { data: data ?? 'synthetic', runs, exampleFlags: [...extraArgs], backend, cores, target };
}
