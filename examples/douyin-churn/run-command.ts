/**
 * The default command: cross-validate every model in both feature settings, train and save the
 * final SRML-MCA model, print the comparison tables and write the report folder.
 */
import { join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { setWarningsEnabled, summarizeBinaryMetrics } from '../../src/index';
import { setupBackend } from './backend';
import { prepareData, type DataSource } from './dataset';
import { UsageError, type RunCommand } from './cli-options';
import { jobLabel, type Job } from './jobs';
import { finalModelKey } from './models';
import { runJobs, type WorkerConfig } from './runner';
import { writeReport } from './report';
import type { FoldResult, RunResults, Setting, SummaryRow, UserExplanation } from './results';
import { formatComparisonTable, formatLabelCaveat } from './table';

/** Runs the comparison and returns its results; progress goes to stderr, tables to stdout. */
export async function runCommand(options: RunCommand): Promise<RunResults> {
  const started = Date.now();
  await checkOutputFolder(options.out);
  setWarningsEnabled(false);
  await setupBackend(options.backend);
  const source: DataSource =
    options.data !== undefined
      ? { kind: 'csv', path: resolve(options.data), dropInvalidRows: options.dropInvalidRows }
      : { kind: 'synthetic', users: options.users, seed: options.seed };
  const data = await prepareData(source, options.folds, options.seed);
  if (data.table.droppedRows > 0 && !options.quiet) {
    const rows = data.table.droppedRows === 1 ? '1 invalid CSV row' : `${data.table.droppedRows} invalid CSV rows`;
    process.stderr.write(`douyin-churn: skipped ${rows} (--drop-invalid-rows); the first: ${data.table.dropReasons[0] ?? 'unknown'}\n`);
  }
  const modelDir = resolve(join(options.out, 'model'));

  const jobs: Job[] = [];
  for (const setting of options.settings) {
    for (let fold = 0; fold < options.folds; fold++) {
      for (const key of options.models) {
        jobs.push({ kind: 'fold', id: jobs.length, key, setting, fold });
      }
    }
  }
  // The final model is an SRML-MCA variant, so runs without one skip it.
  const finalKey = finalModelKey(options.models);
  if (options.saveModel && finalKey !== undefined) {
    jobs.push({ kind: 'final', id: jobs.length, key: finalKey, modelDir, explainTop: options.explainTop });
  }

  const config: WorkerConfig = {
    source,
    folds: options.folds,
    seed: options.seed,
    backend: options.backend,
    srml: { preset: options.preset, epochs: options.epochs, seed: options.seed },
  };
  const progress = createProgress(options, jobs.length);
  let outputs;
  try {
    outputs = await runJobs(jobs, options.workers, config, data, progress.events);
  } finally {
    progress.stop();
  }

  const folds = outputs.flatMap((o) => (o.fold ? [o.fold] : []));
  const final = outputs.find((o) => o.final !== undefined)?.final;
  const results: RunResults = {
    createdAt: new Date().toISOString(),
    data: {
      source: source.kind === 'csv' ? source.path : `synthetic (${source.users} users, seed ${source.seed})`,
      users: data.table.numRows,
      positives: data.labels.positives,
      negatives: data.labels.negatives,
      tiedAtThreshold: data.labels.tiedAtThreshold,
      droppedRows: data.table.droppedRows,
    },
    options: {
      folds: options.folds,
      seed: options.seed,
      epochs: options.epochs,
      backend: options.backend,
      workers: options.workers,
      preset: options.preset,
      models: options.models,
    },
    labelCaveat: formatLabelCaveat(),
    folds,
    summary: summarizeRows(folds, options),
    explanations: final?.explanations ?? ([] as UserExplanation[]),
    ...(final ? { modelDir: final.modelDir, finalModel: final.model } : {}),
    wallSeconds: (Date.now() - started) / 1000,
  };
  await writeReport(results, resolve(options.out));
  return results;
}

/** Prints the caveat and both tables. */
export function printTables(results: RunResults, out: string): void {
  const lines = [formatLabelCaveat(), ''];
  for (const setting of ['paper', 'noLeak'] as Setting[]) {
    if (results.summary.some((row) => row.setting === setting)) {
      lines.push(formatComparisonTable(results.summary, setting), '');
    }
  }
  lines.push(`Report: ${resolve(out, 'report.md')}`);
  if (results.modelDir) lines.push(`Model for scoring: ${results.modelDir}`);
  lines.push(`Wall time: ${results.wallSeconds.toFixed(0)} s`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function summarizeRows(folds: FoldResult[], options: RunCommand): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const setting of options.settings) {
    for (const key of options.models) {
      const own = folds.filter((f) => f.key === key && f.setting === setting);
      if (own.length === 0) continue;
      const summary = summarizeBinaryMetrics(own.map((f) => f.metrics));
      rows.push({
        key,
        model: (own[0] as FoldResult).model,
        setting,
        accuracy: summary.accuracy,
        precision: summary.precision,
        recall: summary.recall,
        f1: summary.f1,
        // AUC is undefined for a fold with one class, so such folds are left out and n counts the rest.
        auc: summary.auc ?? { mean: Number.NaN, std: null, n: 0 },
        seconds: own.reduce((s, f) => s + f.seconds, 0),
      });
    }
  }
  return rows;
}

function createProgress(options: RunCommand, total: number) {
  if (options.quiet || options.json) {
    return { events: {}, stop: () => undefined };
  }
  if (!process.stderr.isTTY) {
    let done = 0;
    return {
      events: {
        onDone: (job: Job) => {
          done++;
          process.stderr.write(`[${done}/${total}] ${jobLabel(job)} done\n`);
        },
      },
      stop: () => undefined,
    };
  }
  const multibar = new cliProgress.MultiBar(
    { clearOnComplete: true, hideCursor: true, format: '{bar} {percentage}% | {label}', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  const overall = multibar.create(total, 0, { label: 'jobs' });
  const bars = new Map<number, cliProgress.SingleBar>();
  return {
    events: {
      onStart: (job: Job) => bars.set(job.id, multibar.create(100, 0, { label: jobLabel(job) })),
      onProgress: (job: Job, fraction: number) => bars.get(job.id)?.update(Math.round(fraction * 100)),
      onDone: (job: Job) => {
        const bar = bars.get(job.id);
        if (bar) multibar.remove(bar);
        bars.delete(job.id);
        overall.increment();
      },
    },
    stop: () => multibar.stop(),
  };
}

/** Rejects an --out that exists and is not a folder, before any training starts. */
async function checkOutputFolder(out: string): Promise<void> {
  const { stat } = await import('node:fs/promises');
  const info = await stat(out).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) {
    throw new UsageError(`--out: ${JSON.stringify(out)} exists and is not a folder; pass a folder path for the report.`);
  }
}
