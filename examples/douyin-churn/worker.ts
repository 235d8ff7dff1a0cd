/**
 * Worker-thread entry: prepares the data once, then runs the jobs the main thread sends.
 * Messages in: `{ type: 'job', job }`. Messages out: `ready`, `progress`, `result`, `error`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setWarningsEnabled } from '../../src/index';
import { setupBackend } from './backend';
import { prepareData } from './dataset';
import { runFinalJob, runFoldJob, type Job } from './jobs';
import type { WorkerConfig } from './runner';

const port = parentPort;
if (port === null) {
  throw new Error('worker.ts must run as a worker thread');
}
const config = workerData as WorkerConfig;
// The main thread prints the label caveat once; workers stay quiet.
setWarningsEnabled(false);
await setupBackend(config.backend);
const data = await prepareData(config.source, config.folds, config.seed);
port.postMessage({ type: 'ready' });

port.on('message', async (message: { type: 'job'; job: Job } | { type: 'stop' }) => {
  if (message.type === 'stop') {
    port.close();
    return;
  }
  const job = message.job;
  const onProgress = (fraction: number) => port.postMessage({ type: 'progress', id: job.id, fraction });
  try {
    const result =
      job.kind === 'fold' ? await runFoldJob(data, job, config.srml, onProgress) : await runFinalJob(data, job, config.srml, onProgress);
    port.postMessage({ type: 'result', id: job.id, result });
  } catch (error) {
    port.postMessage({ type: 'error', id: job.id, message: (error as Error).message, stack: (error as Error).stack });
  }
});
