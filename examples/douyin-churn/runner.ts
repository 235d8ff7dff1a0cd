/**
 * Runs the example's jobs, in this thread (one worker) or on a pool of worker threads. tfjs's
 * wasm backend is single-threaded in Node, so one worker per core is what uses the machine.
 */
import { Worker } from 'node:worker_threads';
import type { BackendName } from './backend';
import type { DataSource, PreparedData } from './dataset';
import { jobCost, runFinalJob, runFoldJob, type FinalResult, type Job } from './jobs';
import type { SrmlOptions } from './models';
import type { FoldResult } from './results';

/** Settings every worker needs to rebuild the same data and models. */
export interface WorkerConfig {
  source: DataSource;
  folds: number;
  seed: number;
  backend: BackendName;
  srml: SrmlOptions;
}

/** Progress events of the runner. */
export interface RunnerEvents {
  onStart?: (job: Job) => void;
  onProgress?: (job: Job, fraction: number) => void;
  onDone?: (job: Job) => void;
}

export type JobOutput = { job: Job; fold?: FoldResult; final?: FinalResult };

/** Runs every job and returns their outputs in job order; the first failure rejects. */
export async function runJobs(
  jobs: Job[],
  workers: number,
  config: WorkerConfig,
  data: PreparedData,
  events: RunnerEvents = {},
): Promise<JobOutput[]> {
  const ordered = [...jobs].sort((a, b) => jobCost(b) - jobCost(a));
  if (workers <= 1) {
    const outputs: JobOutput[] = [];
    for (const job of ordered) {
      events.onStart?.(job);
      const onProgress = (fraction: number) => events.onProgress?.(job, fraction);
      if (job.kind === 'fold') {
        outputs.push({ job, fold: await runFoldJob(data, job, config.srml, onProgress) });
      } else {
        outputs.push({ job, final: await runFinalJob(data, job, config.srml, onProgress) });
      }
      events.onDone?.(job);
    }
    return sortByJob(outputs);
  }
  return runOnPool(ordered, Math.min(workers, ordered.length), config, events);
}

function sortByJob(outputs: JobOutput[]): JobOutput[] {
  return outputs.sort((a, b) => a.job.id - b.job.id);
}

async function runOnPool(queue: Job[], size: number, config: WorkerConfig, events: RunnerEvents): Promise<JobOutput[]> {
  const outputs: JobOutput[] = [];
  const pending = [...queue];
  const pool: Worker[] = [];
  const workerUrl = new URL('./worker-entry.mjs', import.meta.url);

  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      const total = queue.length;
      let failed = false;
      const fail = (error: Error) => {
        if (!failed) {
          failed = true;
          reject(error);
        }
      };

      const feed = (worker: Worker, running: Map<number, Job>) => {
        const job = pending.shift();
        if (job === undefined) return;
        running.set(job.id, job);
        events.onStart?.(job);
        worker.postMessage({ type: 'job', job });
      };

      for (let w = 0; w < size; w++) {
        const worker = new Worker(workerUrl, { workerData: config });
        pool.push(worker);
        const running = new Map<number, Job>();
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'ready') {
            feed(worker, running);
            return;
          }
          const job = running.get(message.id);
          if (job === undefined) return;
          if (message.type === 'progress') {
            events.onProgress?.(job, message.fraction);
          } else if (message.type === 'error') {
            fail(new Error(`${job.kind === 'fold' ? `${job.key} ${job.setting} fold ${job.fold + 1}` : 'final model'} failed: ${message.message}`));
          } else {
            running.delete(message.id);
            outputs.push(job.kind === 'fold' ? { job, fold: message.result as FoldResult } : { job, final: message.result as FinalResult });
            events.onDone?.(job);
            finished++;
            if (finished === total) resolve();
            else feed(worker, running);
          }
        });
        worker.on('error', fail);
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`a worker thread exited with code ${code}`));
        });
      }
    });
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
  return sortByJob(outputs);
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; id: number; fraction: number }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string; stack?: string };
