/**
 * Comparison tables of the douyin-churn example in the layout of the SRML-MCA paper's Table 2
 * (Model | Accuracy | Precision | Recall | F1 | AUC as "mean ± std"), as plain text for the
 * terminal and as markdown for report.md, plus the statement of the label's leak.
 *
 * "The paper" below is the SRML-MCA churn-prediction paper; `PAPER_TABLE` in results.ts holds
 * the figures of its Table 2 that this project knows.
 */
import { InvalidArgumentError } from '../../src/index';
import { PAPER_TABLE } from './results';
import type { MetricSummary, Setting, SummaryRow } from './results';

/** Options of {@link formatComparisonTable} and {@link formatComparisonMarkdown}. */
export interface ComparisonTableOptions {
  /**
   * Adds a line with the paper's Table 2 figures under each model that has a counterpart there.
   * Only the `'paper'` setting has such figures, so it is ignored for `'noLeak'`.
   * @defaultValue `true`
   */
  paper?: boolean;
}

/** Metric columns in table order, with the decimals each one is printed with. */
const METRIC_COLUMNS = [
  { key: 'accuracy', title: 'Accuracy', digits: 3 },
  { key: 'precision', title: 'Precision', digits: 3 },
  { key: 'recall', title: 'Recall', digits: 3 },
  { key: 'f1', title: 'F1', digits: 3 },
  { key: 'auc', title: 'AUC', digits: 4 },
] as const;

type MetricKey = (typeof METRIC_COLUMNS)[number]['key'];
type PaperFigures = (typeof PAPER_TABLE)[string];

/** Marks a figure that the paper does not report (or that is not known here). */
const UNKNOWN = '—';

/** Label-source columns removed by the `'noLeak'` setting. */
export const LABEL_SOURCE_COLUMNS = ['Last_Login_Days_Ago', 'Purchase_Frequency'] as const;

/** One-line description of each feature setting, used as the table caption. */
export const SETTING_TITLES: Record<Setting, string> = {
  paper: "paper setting: all features, as in the paper's experiments",
  noLeak: `noLeak setting: without the label-source columns ${LABEL_SOURCE_COLUMNS.join(' and ')}`,
};

/**
 * Model keys that extend a model of the paper, mapped to that model. Their rows are compared
 * with its figures, and their display names name the added component.
 */
const PAPER_COUNTERPART: Record<string, string> = { 'srml-mca-gated': 'srml-mca', 'srml-mca-wide': 'srml-mca' };

/**
 * Returns the paper's Table 2 figures for a model key (`lr`, `rf`, `xgboost`, `gcn`, `gat`,
 * `srml-mca`, and the SRML-MCA variants `srml-mca-gated` and `srml-mca-wide`), or `undefined`
 * for a model the paper does not report, such as `srml` or `gbt`.
 */
export function paperFiguresFor(key: string): PaperFigures | undefined {
  const paperKey = PAPER_COUNTERPART[key] ?? key;
  return Object.prototype.hasOwnProperty.call(PAPER_TABLE, paperKey) ? PAPER_TABLE[paperKey] : undefined;
}

/** Formats "mean ± std", or only the mean when the std is undefined (a single fold). */
export function formatMetric(summary: MetricSummary, digits: number): string {
  if (!Number.isFinite(summary.mean)) {
    return UNKNOWN;
  }
  const mean = summary.mean.toFixed(digits);
  return summary.std === null || !Number.isFinite(summary.std) ? mean : `${mean} ± ${summary.std.toFixed(digits)}`;
}

function formatPaperFigure(value: number | null, digits: number): string {
  return value === null ? UNKNOWN : value.toFixed(digits);
}

function checkArguments(owner: string, rows: readonly SummaryRow[], setting: Setting): void {
  if (!Array.isArray(rows)) {
    throw new InvalidArgumentError(`${owner}: \`rows\` must be an array of SummaryRow; received ${JSON.stringify(rows)}.`);
  }
  if (setting !== 'paper' && setting !== 'noLeak') {
    throw new InvalidArgumentError(`${owner}: \`setting\` must be 'paper' or 'noLeak'; received ${JSON.stringify(setting)}.`);
  }
}

/** A body line of the table: our model, or the paper's figures for it. */
interface TableLine {
  label: string;
  cells: string[];
  fromPaper: boolean;
}

function buildLines(rows: readonly SummaryRow[], setting: Setting, options: ComparisonTableOptions): TableLine[] {
  const withPaper = (options.paper ?? true) && setting === 'paper';
  const lines: TableLine[] = [];
  for (const row of rows.filter((candidate) => candidate.setting === setting)) {
    lines.push({
      label: row.model,
      cells: METRIC_COLUMNS.map((column) => formatMetric(row[column.key as MetricKey], column.digits)),
      fromPaper: false,
    });
    if (!withPaper) {
      continue;
    }
    const figures = paperFiguresFor(row.key);
    lines.push({
      label: `  paper`,
      cells: METRIC_COLUMNS.map((column) => formatPaperFigure(figures?.[column.key] ?? null, column.digits)),
      fromPaper: true,
    });
  }
  return lines;
}

/** Returns the fold counts of the rows, for the footnote ("over 5 folds"). */
function describeFoldCounts(rows: readonly SummaryRow[]): string {
  const counts = new Set(rows.map((row) => row.accuracy.n));
  if (counts.size === 0) {
    return 'the folds';
  }
  const sorted = [...counts].sort((a, b) => a - b);
  return `${sorted.join(' or ')} fold${sorted.length === 1 && sorted[0] === 1 ? '' : 's'}`;
}

function footnotes(rows: readonly SummaryRow[], setting: Setting, options: ComparisonTableOptions): string[] {
  const notes = [
    `Cells are mean ± sample standard deviation (divisor n − 1) over ${describeFoldCounts(rows)}; ` +
      'a cell without ± comes from a single fold.',
  ];
  if ((options.paper ?? true) && setting === 'paper') {
    notes.push(
      `"paper" lines give the paper's Table 2 figures for the same method (${UNKNOWN} where the figure is not known here). ` +
        'Where the model name shows another engine than the paper used, the line compares methods, not implementations.',
    );
  }
  if (rows.some((row) => row.key in PAPER_COUNTERPART)) {
    notes.push(
      'Rows named "+ input gate" or "+ wide path" add a component that is not in the paper (see the example\'s README); ' +
        'their "paper" line is that of SRML-MCA.',
    );
  }
  return notes;
}

/**
 * Formats the comparison table of one feature setting as aligned plain text: one line per
 * model in the order of `rows`, metrics as "mean ± std" with 3 decimals (AUC with 4). For the
 * `'paper'` setting a "paper" line under each model gives the paper's Table 2 figures, with
 * "—" where they are unknown. Footnotes state that std is the sample std over folds.
 *
 * @throws {@link InvalidArgumentError} when `rows` is not an array or `setting` is unknown.
 * @example
 * ```ts
 * process.stdout.write(formatComparisonTable(results.summary, 'paper') + '\n');
 * ```
 */
export function formatComparisonTable(rows: SummaryRow[], setting: Setting, options: ComparisonTableOptions = {}): string {
  checkArguments('formatComparisonTable', rows, setting);
  const header = ['Model', ...METRIC_COLUMNS.map((column) => column.title)];
  const lines = buildLines(rows, setting, options);
  const table = [header, ...lines.map((line) => [line.label, ...line.cells])];
  const widths = header.map((_, c) => Math.max(...table.map((cells) => (cells[c] as string).length)));

  const render = (cells: string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)))
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1));

  const out = [SETTING_TITLES[setting], rule, render(header), rule];
  if (lines.length === 0) {
    out.push(`(no results for the ${setting} setting)`);
  }
  for (const line of lines) {
    out.push(render([line.label, ...line.cells]));
  }
  out.push(rule, ...footnotes(rows.filter((row) => row.setting === setting), setting, options));
  return out.join('\n');
}

function escapeMarkdownCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * Formats the same table as {@link formatComparisonTable} in GitHub markdown for report.md.
 * The paper's figures appear as an italic "paper" row under each model.
 *
 * @throws {@link InvalidArgumentError} when `rows` is not an array or `setting` is unknown.
 */
export function formatComparisonMarkdown(rows: SummaryRow[], setting: Setting, options: ComparisonTableOptions = {}): string {
  checkArguments('formatComparisonMarkdown', rows, setting);
  const header = ['Model', ...METRIC_COLUMNS.map((column) => column.title)];
  const out = [`| ${header.join(' | ')} |`, `| ${header.map((_, c) => (c === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const line of buildLines(rows, setting, options)) {
    const label = line.fromPaper ? '↳ *paper*' : `**${escapeMarkdownCell(line.label)}**`;
    const cells = line.fromPaper ? line.cells.map((cell) => `*${cell}*`) : line.cells;
    out.push(`| ${[label, ...cells].join(' | ')} |`);
  }
  if (out.length === 2) {
    out.push(`| (no results for the ${setting} setting) |${' |'.repeat(METRIC_COLUMNS.length)}`);
  }
  const notes = footnotes(rows.filter((row) => row.setting === setting), setting, options);
  return [...out, '', ...notes.map((note) => `${note}  `)].join('\n').trimEnd();
}

/**
 * Formats the tables of every setting present in `rows` (paper first), separated by a blank
 * line, for the runner's final output.
 */
export function formatComparisonTables(rows: SummaryRow[], options: ComparisonTableOptions = {}): string {
  const settings = (['paper', 'noLeak'] as const).filter((setting) => rows.some((row) => row.setting === setting));
  return settings.map((setting) => formatComparisonTable(rows, setting, options)).join('\n\n');
}

/**
 * Returns the plain statement of the label's leak: the churn label is computed from two input
 * columns, so models that see them score near 1.0, and without them the data carry almost no
 * signal about the label.
 */
export function formatLabelCaveat(): string {
  return [
    'Label caveat: the churn label is not observed churn. It is computed from two input columns,',
    'risk = z(Last_Login_Days_Ago) − z(Purchase_Frequency), and a user is labelled 1 when the risk',
    'is above its median (z = z-score over all users). Any model that sees these two columns can',
    'rebuild the label and score near 1.0, which is what the paper setting measures. Without them',
    '(the noLeak setting) the other columns hold almost no signal about the label, so accuracy and',
    'AUC near 0.5 are the expected result there, not a training failure.',
  ].join('\n');
}
