/**
 * Report folder of the douyin-churn example: report.md (label caveat, both comparison tables,
 * charts, explanations of the top-risk users, fold timing), results.json and the chart files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { InvalidArgumentError } from '../../src/index';
import { systemFontsAvailable, writeCharts } from './charts';
import type { FoldResult, RunResults, Setting, SummaryRow, UserExplanation } from './results';
import { formatComparisonMarkdown, formatLabelCaveat, LABEL_SOURCE_COLUMNS, SETTING_TITLES } from './table';

const SETTINGS: readonly Setting[] = ['paper', 'noLeak'];

/** Captions of the charts, by file stem; a chart that was not written is left out. */
const CHART_CAPTIONS: Record<string, { title: string; text: string }> = {
  roc: {
    title: 'ROC curves (paper setting)',
    text:
      'One curve per model from its pooled test-fold scores, with the pooled AUC in the legend. ' +
      'Pooling also ranks scores across folds, so that AUC can differ from the per-fold mean in the table.',
  },
  metrics: {
    title: 'Accuracy, F1 and AUC per model',
    text: 'Bars are means over folds; error bars span ± one sample standard deviation. One panel per setting.',
  },
  gain: {
    title: 'Cumulative gain for a retention budget',
    text:
      'Share of all churners reached when a campaign contacts the top share of users by predicted risk. ' +
      'The dashed diagonal is contacting users in random order. With the leak a good model reaches every ' +
      'churner after contacting about as many users as there are churners. Without it the curves stay near the diagonal.',
  },
};

function formatSeconds(seconds: number): string {
  return Number.isFinite(seconds) ? `${seconds.toFixed(1)} s` : '—';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Returns the row with the highest mean AUC of a setting, or undefined when none has one. */
function bestByAuc(summary: readonly SummaryRow[], setting: Setting): SummaryRow | undefined {
  let best: SummaryRow | undefined;
  for (const row of summary) {
    if (row.setting === setting && Number.isFinite(row.auc.mean) && (best === undefined || row.auc.mean > best.auc.mean)) {
      best = row;
    }
  }
  return best;
}

/** Builds the caveat section, with this run's evidence for it when both settings ran. */
function caveatSection(results: RunResults): string[] {
  const caveat = results.labelCaveat.trim() === '' ? formatLabelCaveat() : results.labelCaveat;
  const lines = ['## Read this first: how the label is made', '', caveat.replace(/\n/g, ' '), ''];
  const paper = bestByAuc(results.summary, 'paper');
  const noLeak = bestByAuc(results.summary, 'noLeak');
  if (paper !== undefined && noLeak !== undefined) {
    lines.push(
      `In this run the best mean AUC with all features is ${paper.auc.mean.toFixed(4)} (${paper.model}); ` +
        `without ${LABEL_SOURCE_COLUMNS.join(' and ')} it is ${noLeak.auc.mean.toFixed(4)} (${noLeak.model}).`,
      '',
    );
  }
  return lines;
}

/** Returns " N invalid CSV rows were skipped (...)." for N > 0, else an empty string. */
export function droppedRowsSentence(droppedRows: number): string {
  if (droppedRows === 0) return '';
  const rows = droppedRows === 1 ? '1 invalid CSV row was' : `${droppedRows} invalid CSV rows were`;
  return ` ${rows} skipped (\`--drop-invalid-rows\`).`;
}

function whatRanSection(results: RunResults): string[] {
  const { data, options } = results;
  const settings = SETTINGS.filter((setting) => results.summary.some((row) => row.setting === setting));
  const models = [...new Map(results.summary.map((row) => [row.key, row.model])).entries()];
  return [
    '## What ran',
    '',
    `- **Data**: ${data.source}. ${data.users} users, ${data.positives} labelled 1 (at risk) and ${data.negatives} labelled 0; ` +
      `users whose risk equals the median exactly are labelled 0 (${data.tiedAtThreshold} here).` +
      droppedRowsSentence(data.droppedRows ?? 0),
    `- **Protocol**: ${options.folds}-fold stratified cross-validation with seed ${options.seed}. ` +
      'Each fold standardises and encodes the columns with statistics of its training rows only.',
    `- **Models**: ${models.map(([key, model]) => `${model} (\`${key}\`)`).join(', ') || 'none'}.`,
    ...(models.some(([key]) => key.startsWith('srml'))
      ? [`- **SRML and SRML-MCA**: preset \`${options.preset}\`, at most ${options.epochs} epochs with early stopping.`]
      : []),
    `- **tfjs backend**: \`${options.backend}\`.`,
    `- **Settings**: ${settings.map((setting) => SETTING_TITLES[setting]).join('; ') || 'none'}.`,
    `- **Run**: ${options.workers} worker thread${options.workers === 1 ? '' : 's'}, ${formatSeconds(results.wallSeconds)} wall time, ` +
      `finished ${results.createdAt}.`,
    '',
  ];
}

function tablesSection(results: RunResults): string[] {
  const lines: string[] = [];
  for (const setting of SETTINGS) {
    if (!results.summary.some((row) => row.setting === setting)) {
      continue;
    }
    lines.push(`## Results in the ${setting} setting`, '', `${SETTING_TITLES[setting]}.`, '', formatComparisonMarkdown(results.summary, setting), '');
    lines.push(...oneClassWarnings(results.folds.filter((fold) => fold.setting === setting), setting));
  }
  return lines;
}

/**
 * Returns a warning paragraph for each model that put every test user of a fold in one class
 * (no probability, or every probability, above 0.5). Such a model has not learned there.
 */
export function oneClassWarnings(folds: readonly FoldResult[], setting: Setting): string[] {
  const byModel = new Map<string, { name: string; oneClass: number; total: number }>();
  for (const fold of folds) {
    const entry = byModel.get(fold.key) ?? { name: fold.model, oneClass: 0, total: 0 };
    // Same rule as binaryMetrics: a user is predicted positive when p > 0.5.
    const positives = fold.probabilities.filter((p) => p > 0.5).length;
    entry.total++;
    if (positives === 0 || positives === fold.probabilities.length) entry.oneClass++;
    byModel.set(fold.key, entry);
  }
  // Without the label's source columns there is nothing to learn, so one class is expected there.
  const advice =
    setting === 'noLeak'
      ? 'That is expected in this setting, because the remaining columns hold almost no signal about the label.'
      : 'More epochs (`--epochs`) or a larger preset may help.';
  const warnings = [...byModel.values()]
    .filter((entry) => entry.oneClass > 0)
    .map(
      (entry) =>
        `> **Note:** ${escapeCell(entry.name)} predicted the same class for every test user in ${entry.oneClass} of ${entry.total} ` +
        `folds, so it has not learned to separate the classes there. ${advice}`,
    );
  return warnings.flatMap((warning) => [warning, '']);
}

function chartsSection(chartFiles: readonly string[]): string[] {
  const names = new Set(chartFiles.map((path) => basename(path)));
  const lines = ['## Charts', ''];
  for (const [stem, caption] of Object.entries(CHART_CAPTIONS)) {
    if (!names.has(`${stem}.png`)) {
      continue;
    }
    lines.push(`### ${caption.title}`, '', `![${caption.title}](${stem}.png)`, '', `${caption.text} Vector version: [${stem}.svg](${stem}.svg).`, '');
  }
  if (lines.length === 2) {
    lines.push('No chart was written because the run produced no fold results.', '');
  } else if (!systemFontsAvailable()) {
    lines.push(
      'NOTE: no system font was found, so the PNG charts have no text. Open the SVG files, or install a font package ' +
        '(on Debian or Ubuntu: `apt-get install fonts-dejavu-core`) and run again.',
      '',
    );
  }
  return lines;
}

function formatAttentionMap(attention: number[][]): string[] {
  return ['```text', ...attention.map((row) => row.map((value) => value.toFixed(2).padStart(5)).join(' ')), '```'];
}

function explanationLines(explanation: UserExplanation, rank: number): string[] {
  const lines = [
    `### ${rank}. User ${escapeCell(explanation.userId)}: churn probability ${explanation.probability.toFixed(3)}`,
    '',
    '| Feature | Attribution |',
    '| --- | ---: |',
    ...explanation.topFeatures.map(({ feature, attribution }) => `| ${escapeCell(feature)} | ${attribution >= 0 ? '+' : ''}${attribution.toFixed(3)} |`),
    '',
  ];
  if (explanation.attention !== undefined && explanation.attention.length > 0) {
    const height = explanation.attention.length;
    const width = explanation.attention[0]?.length ?? 0;
    lines.push(`Co-attention map (${height} × ${width}):`, '', ...formatAttentionMap(explanation.attention), '');
  }
  return lines;
}

function explanationsSection(results: RunResults): string[] {
  const lines = ['## Top-risk users explained', ''];
  if (results.explanations.length === 0) {
    lines.push('No explanations: the final SRML-MCA model was not trained in this run.', '');
    return lines;
  }
  const name = results.finalModel?.name ?? 'SRML-MCA';
  lines.push(
    `The final model (${name}) is trained on every user with all features (paper setting), with 10% of them held out for ` +
      'early stopping, then explains the users it scores as most at risk. These users were part of its training data, so the scores are in-sample.',
    '',
    'How to read them:',
    '',
    '- **Attribution** is the change in churn log-odds (log(p / (1 − p))) when the feature is replaced by its baseline: the ' +
      'log-odds of the user minus the log-odds with that feature at its baseline (the training mean for a numeric column, the "unknown" ' +
      'code for a categorical one). Log-odds are used because probabilities near 1 hide every change. A positive value means the ' +
      'feature raises the risk. Features are sorted by |attribution|.',
    '- Because the label is computed from Last_Login_Days_Ago and Purchase_Frequency, those two columns are expected to ' +
      'dominate. That shows the model found the label rule, not a cause of churn.',
    '- The **co-attention map** comes from the relational branch. Its positions are learned mixtures of all inputs, not ' +
      'single features, so a cell cannot be read as one column. Values average 1 over the map; a cell above 1 gets more ' +
      'than the average weight.',
    '',
  );
  results.explanations.forEach((explanation, index) => {
    lines.push(...explanationLines(explanation, index + 1));
  });
  return lines;
}

/** Returns the section listing the final model's learned input gates, largest first, or nothing without gates. */
function inputGatesSection(results: RunResults): string[] {
  const gates = results.finalModel?.inputGates;
  if (gates === undefined || gates.length === 0) {
    return [];
  }
  const sorted = [...gates].sort((a, b) => Math.abs(b.gate) - Math.abs(a.gate));
  return [
    '## Learned input gates',
    '',
    'Each input column is multiplied by a learned gate, and an L1 penalty pulls the gates towards 0, so a column the ' +
      'model does not need ends near 0. This is a property of the whole model, not of one user.',
    '',
    '| Column | Gate |',
    '| --- | ---: |',
    ...sorted.map(({ column, gate }) => `| ${escapeCell(column)} | ${gate.toFixed(3)} |`),
    '',
  ];
}

function timingSection(results: RunResults): string[] {
  const foldCount = Math.max(results.options.folds, ...results.folds.map((fold) => fold.fold + 1));
  const header = ['Model', 'Setting', ...Array.from({ length: foldCount }, (_, i) => `Fold ${i + 1}`), 'Total'];
  const lines = [
    '## Fold timing',
    '',
    'Training plus scoring wall time of each fold, in seconds. With several worker threads the folds run in parallel, ' +
      `so the totals can add up to more than the run's wall time of ${formatSeconds(results.wallSeconds)}.`,
    '',
    `| ${header.join(' | ')} |`,
    `| --- | --- |${' ---: |'.repeat(foldCount + 1)}`,
  ];
  const groups = new Map<string, FoldResult[]>();
  for (const fold of results.folds) {
    const id = `${fold.setting}\u0000${fold.key}`;
    groups.set(id, [...(groups.get(id) ?? []), fold]);
  }
  const ordered = [...groups.values()].sort((a, b) => SETTINGS.indexOf((a[0] as FoldResult).setting) - SETTINGS.indexOf((b[0] as FoldResult).setting));
  for (const group of ordered) {
    const first = group[0] as FoldResult;
    const cells = Array.from({ length: foldCount }, (_, i) => {
      const fold = group.find((candidate) => candidate.fold === i);
      return fold === undefined ? '—' : fold.seconds.toFixed(1);
    });
    const total = group.reduce((sum, fold) => sum + fold.seconds, 0);
    lines.push(`| ${escapeCell(first.model)} | ${first.setting} | ${cells.join(' | ')} | ${total.toFixed(1)} |`);
  }
  lines.push('');
  return lines;
}

function filesSection(results: RunResults): string[] {
  const lines = ['## Files', '', '- `results.json`: every fold\'s metrics, test rows, labels and probabilities, and this report\'s inputs.'];
  lines.push('- `*.png` and `*.svg`: the charts; `*.vl.json`: their vega-lite specs.');
  if (results.modelDir !== undefined) {
    lines.push(
      `- \`${results.modelDir}\`: the final model (${results.finalModel?.name ?? 'SRML-MCA'}) with its preprocessing. Score new users with ` +
        `\`npm run douyin-churn -- score --model ${results.modelDir} --data users.csv --out scores.csv\`.`,
    );
  }
  lines.push('');
  return lines;
}

/** Builds the text of report.md; `chartFiles` are the paths {@link writeCharts} returned. */
export function buildReportMarkdown(results: RunResults, chartFiles: readonly string[]): string {
  const sections = [
    ['# Douyin churn: SRML-MCA comparison report', ''],
    caveatSection(results),
    whatRanSection(results),
    tablesSection(results),
    chartsSection(chartFiles),
    explanationsSection(results),
    inputGatesSection(results),
    timingSection(results),
    filesSection(results),
  ];
  return `${sections.flat().join('\n').trimEnd()}\n`;
}

/** Serialises typed arrays as plain arrays; JSON.stringify already writes NaN and ±Infinity as null. */
function jsonReplacer(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value;
}

/**
 * Writes the report folder `dir` (created if missing): the charts, results.json with the full
 * `results`, and report.md, which links the charts by relative path.
 *
 * @returns The paths of the files written: charts first, then results.json and report.md.
 * @throws {@link InvalidArgumentError} when `results` lacks the `summary`, `folds` or
 * `explanations` arrays.
 * @example
 * ```ts
 * const { files } = await writeReport(results, 'report');
 * ```
 */
export async function writeReport(results: RunResults, dir: string): Promise<{ files: string[] }> {
  for (const field of ['summary', 'folds', 'explanations'] as const) {
    if (!Array.isArray(results?.[field])) {
      throw new InvalidArgumentError(
        `writeReport: \`results.${field}\` must be an array; received ${JSON.stringify(results?.[field])}. Pass the RunResults of a finished run.`,
      );
    }
  }
  await mkdir(dir, { recursive: true });
  const chartFiles = await writeCharts(results, dir);

  const jsonPath = join(dir, 'results.json');
  await writeFile(jsonPath, `${JSON.stringify(results, jsonReplacer, 2)}\n`);
  const reportPath = join(dir, 'report.md');
  await writeFile(reportPath, buildReportMarkdown(results, chartFiles));
  return { files: [...chartFiles, jsonPath, reportPath] };
}
