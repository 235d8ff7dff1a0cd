/**
 * Charts of the douyin-churn report: ROC curves, a metrics bar chart with std error bars, and a
 * cumulative-gain chart for a retention budget. Specs are vega-lite, rendered to SVG by vega
 * without a browser and rasterised to PNG by resvg.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

import { DataError, InvalidArgumentError, warnOnce } from '../../src/index';
import type { FoldResult, RunResults, Setting, SummaryRow } from './results';

/** One point of a ROC curve. */
export interface RocPoint {
  /** False-positive rate in [0, 1]. */
  fpr: number;
  /** True-positive rate in [0, 1]. */
  tpr: number;
  /** Rows scoring at or above this value are predicted positive; `Infinity` for the first point (0, 0). */
  threshold: number;
}

/** Result of {@link rocCurve}. */
export interface RocCurve {
  /** From (0, 0) to (1, 1), one point per distinct score, by falling threshold. */
  points: RocPoint[];
  /** Trapezoid area under `points`, equal to the Mann-Whitney AUC with ties counted one half. */
  auc: number;
}

/** One point of a cumulative-gain curve. */
export interface GainPoint {
  /** Share of users contacted, the top ones by predicted risk, in [0, 1]. */
  contacted: number;
  /** Share of all churners among the contacted users, in [0, 1]. */
  captured: number;
}

const SETTING_ORDER: readonly Setting[] = ['paper', 'noLeak'];
const RANDOM_SERIES = 'random';
/** Tableau 10, the vega default category palette, with grey for the random baseline. */
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];
const BASELINE_COLOR = '#888888';
/** Font of every chart: DejaVu Sans where it is installed, otherwise the generic sans-serif family. */
const FONT = 'DejaVu Sans, sans-serif';
/** PNG pixels per SVG unit. */
const PNG_ZOOM = 2;

function checkLabelsAndScores(owner: string, labels: ArrayLike<number>, scores: ArrayLike<number>): { positives: number; negatives: number } {
  if (labels?.length !== scores?.length) {
    throw new InvalidArgumentError(
      `${owner}: \`labels\` and \`scores\` must have the same length; received ${JSON.stringify(labels?.length)} and ${JSON.stringify(scores?.length)}.`,
    );
  }
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1) {
      throw new InvalidArgumentError(`${owner}: \`labels[${i}]\` must be 0 or 1; received ${JSON.stringify(label)}.`);
    }
    if (!Number.isFinite(scores[i])) {
      throw new InvalidArgumentError(`${owner}: \`scores[${i}]\` must be a finite number; received ${String(scores[i])}.`);
    }
    positives += label;
  }
  return { positives, negatives: labels.length - positives };
}

/** Row indices sorted by descending score; ties keep their input order. */
function orderByFallingScore(scores: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
}

/**
 * Computes the ROC curve of `scores` against 0/1 `labels`. The threshold falls one distinct
 * score at a time. Each point gives the false-positive rate FP / N₋ and the true-positive rate
 * TP / N₊ when every row scoring at or above the threshold is predicted positive. Tied scores
 * move both rates in one step, so the trapezoid area counts a tied positive-negative pair one half.
 *
 * @throws {@link InvalidArgumentError} for labels other than 0/1, a non-finite score or lengths that differ.
 * @throws {@link DataError} when the labels contain a single class, because the curve is then undefined.
 * @example
 * ```ts
 * rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).auc; // 0.75
 * ```
 */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  const { positives, negatives } = checkLabelsAndScores('rocCurve', labels, scores);
  if (positives === 0 || negatives === 0) {
    throw new DataError(
      `rocCurve: the labels contain only class ${positives === 0 ? 0 : 1} (${labels.length} rows), so the ROC curve is undefined. ` +
        'Pass scores of rows from both classes.',
    );
  }
  const order = orderByFallingScore(scores);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let truePositives = 0;
  let falsePositives = 0;
  let auc = 0;
  let start = 0;
  while (start < order.length) {
    const threshold = scores[order[start] as number] as number;
    let end = start;
    let groupPositives = 0;
    while (end < order.length && scores[order[end] as number] === threshold) {
      groupPositives += labels[order[end] as number] as number;
      end++;
    }
    truePositives += groupPositives;
    falsePositives += end - start - groupPositives;
    const previous = points[points.length - 1] as RocPoint;
    const point = { fpr: falsePositives / negatives, tpr: truePositives / positives, threshold };
    auc += ((point.fpr - previous.fpr) * (point.tpr + previous.tpr)) / 2;
    points.push(point);
    start = end;
  }
  return { points, auc };
}

/**
 * Computes the cumulative gain of contacting users by falling predicted risk: for each share
 * in `contactShares`, the share of all churners among the top users. The campaign contacts
 * m = round(share · n) of n users. A tie group cut by that budget counts its churners in
 * proportion to the part contacted, which is the expected capture under random tie-breaking.
 * The random baseline is the diagonal captured = contacted.
 *
 * @param contactShares - Shares of users contacted, each in [0, 1]; defaults to 0, 0.01, …, 1.
 * @throws {@link InvalidArgumentError} for labels other than 0/1, a non-finite score, lengths
 * that differ or a share outside [0, 1].
 * @throws {@link DataError} when no label is 1, because no churner can be captured.
 * @example
 * ```ts
 * gainCurve([1, 0, 0, 0], [0.9, 0.2, 0.3, 0.1], [0.25]); // [{ contacted: 0.25, captured: 1 }]
 * ```
 */
export function gainCurve(labels: ArrayLike<number>, scores: ArrayLike<number>, contactShares?: readonly number[]): GainPoint[] {
  const { positives } = checkLabelsAndScores('gainCurve', labels, scores);
  if (positives === 0) {
    throw new DataError(`gainCurve: none of the ${labels.length} labels is 1, so there are no churners to capture. Pass rows with churners.`);
  }
  const shares = contactShares ?? Array.from({ length: 101 }, (_, k) => k / 100);
  for (const share of shares) {
    if (!(share >= 0 && share <= 1)) {
      throw new InvalidArgumentError(`gainCurve: each entry of \`contactShares\` must be in [0, 1]; received ${JSON.stringify(share)}.`);
    }
  }

  // capturedAt[m] = expected churners among the top m users, for m = 0..n.
  const n = labels.length;
  const order = orderByFallingScore(scores);
  const capturedAt = new Float64Array(n + 1);
  let start = 0;
  while (start < n) {
    let end = start;
    let groupPositives = 0;
    while (end < n && scores[order[end] as number] === scores[order[start] as number]) {
      groupPositives += labels[order[end] as number] as number;
      end++;
    }
    const groupSize = end - start;
    for (let m = start + 1; m <= end; m++) {
      capturedAt[m] = (capturedAt[start] as number) + (groupPositives * (m - start)) / groupSize;
    }
    start = end;
  }
  return shares.map((share) => ({ contacted: share, captured: (capturedAt[Math.round(share * n)] as number) / positives }));
}

/** Labels and scores of the test folds of one model key and setting, concatenated in fold order. */
export function pooledTestScores(folds: readonly FoldResult[], key: string, setting: Setting): { labels: number[]; scores: number[] } {
  const labels: number[] = [];
  const scores: number[] = [];
  const selected = folds.filter((fold) => fold.key === key && fold.setting === setting).sort((a, b) => a.fold - b.fold);
  for (const fold of selected) {
    labels.push(...fold.labels);
    scores.push(...fold.probabilities);
  }
  return { labels, scores };
}

/** A model of the charts: its key, which selects its results, and its display name. */
interface ChartModel {
  key: string;
  model: string;
}

/** Models in the order of the summary table, then any model that only has fold results. */
function modelOrder(folds: readonly FoldResult[], summary: readonly SummaryRow[] = []): ChartModel[] {
  const models = new Map<string, string>();
  for (const item of [...summary, ...folds]) {
    if (!models.has(item.key)) {
      models.set(item.key, item.model);
    }
  }
  return [...models].map(([key, model]) => ({ key, model }));
}

function settingsIn(settings: readonly Setting[], available: readonly { setting: Setting }[]): Setting[] {
  return SETTING_ORDER.filter((setting) => settings.includes(setting) && available.some((item) => item.setting === setting));
}

function colorScale(models: readonly ChartModel[]): { domain: string[]; range: string[] } {
  return {
    domain: [...models.map((entry) => entry.model), RANDOM_SERIES],
    range: [...models.map((_, i) => PALETTE[i % PALETTE.length] as string), BASELINE_COLOR],
  };
}

/** Pooled scores of every model and setting that has both classes; warns once and skips the rest. */
function curveInputs(folds: readonly FoldResult[], models: readonly ChartModel[], settings: readonly Setting[], needNegatives: boolean) {
  const inputs: { model: string; setting: Setting; labels: number[]; scores: number[] }[] = [];
  for (const setting of settings) {
    for (const { key, model } of models) {
      const { labels, scores } = pooledTestScores(folds, key, setting);
      const positives = labels.reduce((sum, label) => sum + label, 0);
      if (labels.length === 0) {
        continue;
      }
      if (positives === 0 || (needNegatives && positives === labels.length)) {
        warnOnce(
          `douyin-chart-single-class-${model}-${setting}`,
          `charts: the pooled test folds of ${model} (${setting}) contain a single class, so its curve is left out of the chart.`,
        );
        continue;
      }
      inputs.push({ model, setting, labels, scores });
    }
  }
  return inputs;
}

/** Wraps a layered chart in a column facet by setting when more than one setting is drawn. */
function facetBySetting(
  values: Record<string, unknown>[],
  settings: readonly Setting[],
  layer: Record<string, unknown>[],
  size: { width: number; height: number },
  title: string,
): TopLevelSpec {
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values },
    config: { font: FONT, view: { stroke: '#dddddd' } },
  };
  // The layers are plain records, so the spec is cast; vega-lite's compile checks it at render time.
  if (settings.length === 1) {
    return { ...base, ...size, layer } as unknown as TopLevelSpec;
  }
  return {
    ...base,
    facet: { column: { field: 'setting', type: 'nominal', sort: [...settings], title: null } },
    spec: { ...size, layer },
  } as unknown as TopLevelSpec;
}

/**
 * Builds the vega-lite spec of the ROC curves of each model, from its pooled test-fold scores.
 * The legend gives the pooled AUC, which can differ from the mean of the per-fold AUCs in
 * the table because pooling also ranks scores across folds.
 *
 * @param settings - Settings to draw, one facet column each; settings without results are skipped.
 */
export function rocChartSpec(folds: readonly FoldResult[], settings: readonly Setting[] = ['paper'], summary: readonly SummaryRow[] = []): TopLevelSpec {
  const drawn = settingsIn(settings, folds);
  const models = modelOrder(folds, summary);
  const values: Record<string, unknown>[] = [];
  const legendLabels: Record<string, string> = {};
  for (const input of curveInputs(folds, models, drawn, true)) {
    const curve = rocCurve(input.labels, input.scores);
    const aucText = drawn.length === 1 ? ` (AUC ${curve.auc.toFixed(4)})` : '';
    legendLabels[input.model] = `${input.model}${aucText}`;
    curve.points.forEach((point, index) => {
      values.push({ setting: input.setting, series: input.model, order: index, fpr: point.fpr, tpr: point.tpr, auc: curve.auc });
    });
  }
  for (const setting of drawn) {
    values.push({ setting, series: RANDOM_SERIES, order: 0, fpr: 0, tpr: 0 }, { setting, series: RANDOM_SERIES, order: 1, fpr: 1, tpr: 1 });
  }
  const labelExpr = Object.entries(legendLabels).reduce(
    (expr, [model, label]) => `datum.label === ${JSON.stringify(model)} ? ${JSON.stringify(label)} : ${expr}`,
    'datum.label',
  );

  const layer = [
    {
      mark: { type: 'line', strokeWidth: 1.8, interpolate: 'linear' },
      encoding: {
        x: { field: 'fpr', type: 'quantitative', title: 'False-positive rate', scale: { domain: [0, 1] } },
        y: { field: 'tpr', type: 'quantitative', title: 'True-positive rate', scale: { domain: [0, 1] } },
        order: { field: 'order', type: 'quantitative' },
        color: { field: 'series', type: 'nominal', title: 'Model', scale: colorScale(models), legend: { labelExpr, labelLimit: 260 } },
        strokeDash: { condition: { test: `datum.series === '${RANDOM_SERIES}'`, value: [4, 4] }, value: [1, 0] },
      },
    },
  ];
  return facetBySetting(values, drawn, layer, { width: 360, height: 320 }, 'ROC curves, pooled test folds');
}

const BAR_METRICS = [
  { key: 'accuracy', title: 'Accuracy' },
  { key: 'f1', title: 'F1' },
  { key: 'auc', title: 'AUC' },
] as const;

/**
 * Builds the vega-lite spec of the bar chart of mean Accuracy, F1 and AUC per model, one facet
 * column per setting, with error bars of ± one sample std over folds (none when std is undefined).
 */
export function metricsChartSpec(summary: readonly SummaryRow[]): TopLevelSpec {
  const drawn = settingsIn(SETTING_ORDER, summary);
  const models = modelOrder([], summary);
  const values: Record<string, unknown>[] = [];
  for (const row of summary) {
    for (const metric of BAR_METRICS) {
      const { mean, std } = row[metric.key];
      if (!Number.isFinite(mean)) {
        continue;
      }
      const spread = std ?? 0;
      values.push({ setting: row.setting, model: row.model, metric: metric.title, mean, low: mean - spread, high: mean + spread });
    }
  }
  const top = Math.max(1, ...values.map((value) => value.high as number));
  const x = { field: 'model', type: 'nominal', sort: models.map((entry) => entry.model), title: null, axis: { labelAngle: -30 } };
  const xOffset = { field: 'metric', type: 'nominal', sort: BAR_METRICS.map((metric) => metric.title) };

  const layer = [
    {
      mark: { type: 'bar' },
      encoding: {
        x,
        xOffset,
        y: { field: 'mean', type: 'quantitative', title: 'Mean over folds', scale: { domain: [0, top] } },
        color: { field: 'metric', type: 'nominal', title: 'Metric', sort: BAR_METRICS.map((metric) => metric.title) },
      },
    },
    {
      mark: { type: 'rule', color: '#333333' },
      encoding: { x, xOffset, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
    },
  ];
  return facetBySetting(values, drawn, layer, { width: 340, height: 260 }, 'Accuracy, F1 and AUC (error bars: ± 1 sample std over folds)');
}

/**
 * Builds the vega-lite spec of the cumulative-gain chart: the share of churners captured when a
 * retention campaign contacts the top share of users by predicted risk, per model and setting,
 * beside the random baseline (contacting users in random order).
 *
 * @param settings - Settings to draw, one facet column each; settings without results are skipped.
 */
export function gainChartSpec(
  folds: readonly FoldResult[],
  settings: readonly Setting[] = SETTING_ORDER,
  summary: readonly SummaryRow[] = [],
): TopLevelSpec {
  const drawn = settingsIn(settings, folds);
  const models = modelOrder(folds, summary);
  const values: Record<string, unknown>[] = [];
  for (const input of curveInputs(folds, models, drawn, false)) {
    for (const point of gainCurve(input.labels, input.scores)) {
      values.push({ setting: input.setting, series: input.model, contacted: point.contacted, captured: point.captured });
    }
  }
  for (const setting of drawn) {
    values.push({ setting, series: RANDOM_SERIES, contacted: 0, captured: 0 }, { setting, series: RANDOM_SERIES, contacted: 1, captured: 1 });
  }

  const layer = [
    {
      mark: { type: 'line', strokeWidth: 1.8 },
      encoding: {
        x: { field: 'contacted', type: 'quantitative', title: 'Users contacted (top share by risk)', axis: { format: '%' }, scale: { domain: [0, 1] } },
        y: { field: 'captured', type: 'quantitative', title: 'Churners captured', axis: { format: '%' }, scale: { domain: [0, 1] } },
        color: { field: 'series', type: 'nominal', title: 'Model', scale: colorScale(models) },
        strokeDash: { condition: { test: `datum.series === '${RANDOM_SERIES}'`, value: [4, 4] }, value: [1, 0] },
      },
    },
  ];
  return facetBySetting(values, drawn, layer, { width: 340, height: 300 }, 'Cumulative gain for a retention budget, pooled test folds');
}

/** Renders a vega-lite spec to an SVG string with vega's headless renderer. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let fontsFound: boolean | undefined;

/**
 * Returns whether resvg finds a system font, and warns once when it does not, because the PNG
 * charts then have no text (resvg draws text only with a loaded font). SVG files are not
 * affected. The result is cached for the process.
 */
export function systemFontsAvailable(): boolean {
  if (fontsFound === undefined) {
    const probe = '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><text x="4" y="22" font-family="sans-serif" font-size="16">Ag</text></svg>';
    fontsFound = new Resvg(probe, { font: { loadSystemFonts: true } }).innerBBox() !== undefined;
  }
  if (!fontsFound) {
    warnOnce(
      'douyin-chart-no-fonts',
      'charts: resvg found no system font, so the PNG charts are drawn without text. ' +
        'Install a font package (on Debian or Ubuntu: apt-get install fonts-dejavu-core), or open the SVG files instead.',
    );
  }
  return fontsFound;
}

/** Rasterises an SVG string to PNG bytes with resvg and the system fonts, at {@link PNG_ZOOM}x. */
export function renderPng(svg: string): Uint8Array {
  systemFontsAvailable();
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, sansSerifFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: PNG_ZOOM },
  });
  return resvg.render().asPng();
}

/**
 * Writes the ROC (paper setting), metrics and gain charts of a run into `dir` as SVG, PNG and
 * the vega-lite spec (`*.vl.json`, viewable in the online vega editor). A chart without data,
 * for example ROC curves when the paper setting did not run, is not written.
 *
 * @returns The paths of the files written, in the order roc, metrics, gain.
 * @throws {@link InvalidArgumentError} when `results` has no `folds` or `summary` array.
 */
export async function writeCharts(results: RunResults, dir: string): Promise<string[]> {
  if (!Array.isArray(results?.folds) || !Array.isArray(results.summary)) {
    throw new InvalidArgumentError(
      `writeCharts: \`results\` must be a RunResults with \`folds\` and \`summary\` arrays; received keys ${JSON.stringify(Object.keys(results ?? {}))}.`,
    );
  }
  await mkdir(dir, { recursive: true });
  const charts: { name: string; spec: TopLevelSpec; hasData: boolean }[] = [
    {
      name: 'roc',
      spec: rocChartSpec(results.folds, ['paper'], results.summary),
      hasData: results.folds.some((fold) => fold.setting === 'paper'),
    },
    { name: 'metrics', spec: metricsChartSpec(results.summary), hasData: results.summary.length > 0 },
    { name: 'gain', spec: gainChartSpec(results.folds, SETTING_ORDER, results.summary), hasData: results.folds.length > 0 },
  ];

  const written: string[] = [];
  for (const chart of charts.filter((candidate) => candidate.hasData)) {
    const svg = await renderSvg(chart.spec);
    const paths = { svg: join(dir, `${chart.name}.svg`), png: join(dir, `${chart.name}.png`), spec: join(dir, `${chart.name}.vl.json`) };
    await writeFile(paths.svg, svg);
    await writeFile(paths.png, renderPng(svg));
    await writeFile(paths.spec, `${JSON.stringify(chart.spec, null, 2)}\n`);
    written.push(paths.svg, paths.png, paths.spec);
  }
  return written;
}
