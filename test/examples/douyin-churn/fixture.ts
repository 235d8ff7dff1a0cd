/**
 * A small made-up RunResults for the douyin-churn report tests: 2 models × 2 folds × 2 settings
 * of 20 test rows each, with seeded scores.
 */
import { binaryMetrics, createRng, summarize } from '../../../src/index';
import type { FoldResult, MetricSummary, RunResults, Setting, SummaryRow } from '../../../examples/douyin-churn/results';
import { formatLabelCaveat } from '../../../examples/douyin-churn/table';

export const FIXTURE_MODELS = [
  { key: 'srml-mca', model: 'SRML-MCA' },
  { key: 'lr', model: 'Logistic regression' },
] as const;
const ROWS_PER_FOLD = 20;

/**
 * Scores of one fold: SRML-MCA in the paper setting ranks every churner first (perfect scores),
 * logistic regression is right most of the time, and every model is a coin toss without the leak.
 */
function foldScores(model: string, setting: Setting, labels: number[], seed: number): number[] {
  const rng = createRng(seed);
  return labels.map((label) => {
    if (setting === 'noLeak') {
      return rng.next();
    }
    if (model === 'SRML-MCA') {
      return label === 1 ? 0.6 + 0.4 * rng.next() : 0.4 * rng.next();
    }
    return Math.min(1, Math.max(0, (label === 1 ? 0.65 : 0.35) + 0.35 * (rng.next() - 0.5) * 2));
  });
}

function buildFolds(): FoldResult[] {
  const folds: FoldResult[] = [];
  let seed = 1;
  for (const setting of ['paper', 'noLeak'] as const) {
    for (const { key, model } of FIXTURE_MODELS) {
      for (let fold = 0; fold < 2; fold++) {
        const testRows = Array.from({ length: ROWS_PER_FOLD }, (_, i) => 2 * i + fold);
        const labels = testRows.map((row) => (row % 4 < 2 ? 1 : 0));
        const probabilities = foldScores(model, setting, labels, seed++);
        folds.push({
          key,
          model,
          setting,
          fold,
          metrics: binaryMetrics(labels, probabilities),
          testRows,
          labels,
          probabilities,
          seconds: 1.5 + fold,
        });
      }
    }
  }
  return folds;
}

function summaryOf(folds: FoldResult[], pick: (fold: FoldResult) => number): MetricSummary {
  return summarize(folds.map(pick));
}

function buildSummary(folds: FoldResult[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const setting of ['paper', 'noLeak'] as const) {
    for (const { key, model } of FIXTURE_MODELS) {
      const selected = folds.filter((fold) => fold.key === key && fold.setting === setting);
      rows.push({
        key,
        model,
        setting,
        accuracy: summaryOf(selected, (fold) => fold.metrics.accuracy),
        precision: summaryOf(selected, (fold) => fold.metrics.precision),
        recall: summaryOf(selected, (fold) => fold.metrics.recall),
        f1: summaryOf(selected, (fold) => fold.metrics.f1),
        auc: summaryOf(selected, (fold) => fold.metrics.auc ?? 0.5),
        seconds: selected.reduce((sum, fold) => sum + fold.seconds, 0),
      });
    }
  }
  return rows;
}

/** Builds the fixture; every call returns fresh objects. */
export function buildRunResults(): RunResults {
  const folds = buildFolds();
  return {
    createdAt: '2025-01-01T00:00:00.000Z',
    data: { source: 'synthetic (40 users, seed 7)', users: 40, positives: 20, negatives: 20, tiedAtThreshold: 0 },
    options: { folds: 2, seed: 7, epochs: 3, backend: 'cpu', workers: 1, preset: 'tiny', models: FIXTURE_MODELS.map((entry) => entry.key) },
    labelCaveat: formatLabelCaveat(),
    folds,
    summary: buildSummary(folds),
    explanations: [
      {
        userId: '#17',
        probability: 0.97,
        topFeatures: [
          { feature: 'Last_Login_Days_Ago', attribution: 0.41 },
          { feature: 'Purchase_Frequency', attribution: 0.22 },
          { feature: 'Income', attribution: -0.01 },
        ],
        attention: [
          [1.2, 0.8],
          [0.9, 1.1],
        ],
      },
      {
        userId: '#3',
        probability: 0.91,
        topFeatures: [{ feature: 'Purchase_Frequency', attribution: 0.35 }],
      },
    ],
    modelDir: 'out/model',
    wallSeconds: 12.3,
  };
}
