/**
 * The unit of work of the example: one model on one fold of one setting, or the final model
 * trained on every user for scoring and explanations.
 */
import { binaryMetrics, SRMLMCA, type Classifier } from '../../src/index';
import { foldTables, preprocessorForAllRows, type PreparedData } from './dataset';
import {
  createModel,
  isSrmlKey,
  MODEL_COST,
  srmlFitOptions,
  type FinalModelKey,
  type ModelKey,
  type SelectedSettings,
  type SrmlOptions,
} from './models';
import { GRAPH_DROPOUT_CANDIDATES, selectOnValidation, selectRows } from './validation-selection';
import type { FinalModelInfo, FoldResult, Setting, UserExplanation } from './results';

export type Job =
  | { kind: 'fold'; id: number; key: ModelKey; setting: Setting; fold: number }
  | { kind: 'final'; id: number; key: FinalModelKey; modelDir: string; explainTop: number };

/** Result of the final-model job. */
export interface FinalResult {
  modelDir: string;
  model: FinalModelInfo;
  explanations: UserExplanation[];
}

/** Reports training progress in [0, 1]. */
export type ProgressFn = (fraction: number) => void;

/** Relative cost of a job, so the scheduler starts the slowest first. */
export function jobCost(job: Job): number {
  return MODEL_COST[job.key] * (job.kind === 'final' ? 1.2 : 1);
}

/** Human-readable job label for progress output. */
export function jobLabel(job: Job): string {
  return job.kind === 'final' ? `final ${job.key} on all users` : `${job.key} ${job.setting} fold ${job.fold + 1}`;
}

/** Trains and evaluates one model on one fold. */
export async function runFoldJob(
  data: PreparedData,
  job: Extract<Job, { kind: 'fold' }>,
  srml: SrmlOptions,
  onProgress: ProgressFn,
): Promise<FoldResult> {
  const started = Date.now();
  const { train, test } = foldTables(data, job.fold, job.setting);
  const selected: SelectedSettings = {};
  if (job.key === 'gcn' || job.key === 'gat') {
    const choice = await selectOnValidation(
      GRAPH_DROPOUT_CANDIDATES,
      (dropout) => createModel(job.key, train, data.graph, srml, { graphDropout: dropout }),
      train,
      test,
      srml.seed + job.fold,
    );
    selected.graphDropout = choice.best;
  }
  const model: Classifier = createModel(job.key, train, data.graph, srml, selected);
  try {
    await model.fit(train, {
      unlabeled: test,
      onProgress,
      ...(isSrmlKey(job.key) ? srmlFitOptions(srml) : {}),
    });
    const probabilities = await model.predictProba(test);
    return {
      key: job.key,
      model: model.name,
      setting: job.setting,
      fold: job.fold,
      metrics: binaryMetrics(test.labels, probabilities),
      testRows: Array.from(test.rowIndex),
      labels: Array.from(test.labels),
      probabilities: Array.from(probabilities),
      seconds: (Date.now() - started) / 1000,
      ...(Object.keys(selected).length > 0 ? { selected } : {}),
    };
  } finally {
    model.dispose();
  }
}

/**
 * Trains the final model (`job.key`) on every user (paper setting), saves it with its
 * preprocessing to `modelDir`, and explains the `explainTop` users with the highest predicted risk.
 */
export async function runFinalJob(
  data: PreparedData,
  job: Extract<Job, { kind: 'final' }>,
  srml: SrmlOptions,
  onProgress: ProgressFn,
): Promise<FinalResult> {
  const { preprocessor, table } = preprocessorForAllRows(data, 'paper');
  const model = createModel(job.key, table, data.graph, srml) as SRMLMCA;
  try {
    await model.fit(table, { onProgress, ...srmlFitOptions(srml) });
    await saveScoringModel(model, preprocessor.toJSON(), job.modelDir);

    const probabilities = await model.predictProba(table);
    const order = Array.from(probabilities.keys()).sort((a, b) => (probabilities[b] as number) - (probabilities[a] as number));
    const top = Int32Array.from(order.slice(0, job.explainTop));
    const subset = selectRows(table, Array.from(top));
    const explanation = await model.explain(subset);
    const ids = data.userIds;
    const features = explanation.features;
    const side = model.config.height * model.config.width;
    const explanations: UserExplanation[] = Array.from(top, (row, r) => {
      const attributions = features.map((feature, f) => ({
        feature,
        attribution: explanation.attribution[r * features.length + f] as number,
      }));
      attributions.sort((a, b) => Math.abs(b.attribution) - Math.abs(a.attribution));
      const entry: UserExplanation = {
        userId: ids[subset.rowIndex[r] as number] ?? String(row),
        probability: explanation.probability[r] as number,
        topFeatures: attributions.slice(0, 5),
      };
      if (explanation.attention !== undefined) {
        const flat = Array.from(explanation.attention.slice(r * side, (r + 1) * side));
        entry.attention = Array.from({ length: model.config.height }, (_, i) =>
          flat.slice(i * model.config.width, (i + 1) * model.config.width),
        );
      }
      return entry;
    });
    const inputGates = model.inputGates();
    return {
      modelDir: job.modelDir,
      model: { key: job.key, name: model.name, ...(inputGates ? { inputGates } : {}) },
      explanations,
    };
  } finally {
    model.dispose();
  }
}

/** Saves the model plus `preprocessor.json`, which the score command needs to encode new users. */
async function saveScoringModel(model: SRMLMCA, preprocessor: object, dir: string): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dir, { recursive: true });
  await model.save(dir);
  await writeFile(join(dir, 'preprocessor.json'), JSON.stringify(preprocessor, null, 2));
}
