/**
 * Churn-risk labels of the SRML-MCA protocol: a weighted sum of z-scored columns, thresholded
 * at a quantile. By default risk = z(Last_Login_Days_Ago) − z(Purchase_Frequency) and a user is
 * at risk when the risk exceeds the median.
 */
import { DataError, InvalidArgumentError } from '../errors';
import { requireNumberInRange } from '../validate';
import { numericColumn } from './user-table';
import type { UserTable } from './user-table';

/** One term of the risk score: `weight · z(column)`. */
export interface ChurnLabelTerm {
  /** A numeric column of the table. */
  readonly column: string;
  /** Finite, non-zero multiplier of the column's z-score; negative for protective columns. */
  readonly weight: number;
}

/** Options of {@link labelChurnRisk} and {@link ChurnLabeler.fit}. */
export interface ChurnLabelOptions {
  /**
   * Terms of the risk score.
   * @defaultValue `[{ column: 'Last_Login_Days_Ago', weight: 1 }, { column: 'Purchase_Frequency', weight: -1 }]`
   */
  columns?: readonly ChurnLabelTerm[];
  /**
   * Quantile of the risk used as the threshold, in (0, 1); quantiles interpolate linearly
   * between order statistics (NumPy's default method).
   * @defaultValue `0.5`
   */
  quantile?: number;
}

/** The columns a label is computed from; {@link auditLeakage} flags them among features. */
export interface LabelSpec {
  readonly sourceColumns: readonly string[];
}

/** Labels and the numbers behind them. */
export interface ChurnLabels extends LabelSpec {
  /** int32 `[R]`: 1 when `risk > threshold` (strictly), else 0. */
  labels: Int32Array;
  /** float64 `[R]`: the weighted sum of z-scores. */
  risk: Float64Array;
  /** The risk quantile; rows exactly at it are labelled 0. */
  threshold: number;
  /** Number of rows whose risk equals the threshold exactly (all labelled 0). */
  tiedAtThreshold: number;
  positives: number;
  negatives: number;
}

/** Default risk terms: recent inactivity raises the risk, frequent purchases lower it. */
export const DEFAULT_CHURN_TERMS: readonly ChurnLabelTerm[] = [
  { column: 'Last_Login_Days_Ago', weight: 1 },
  { column: 'Purchase_Frequency', weight: -1 },
];

const OWNER = 'ChurnLabeler';

function resolveTerms(options: ChurnLabelOptions): readonly ChurnLabelTerm[] {
  const terms = options.columns ?? DEFAULT_CHURN_TERMS;
  if (!Array.isArray(terms) || terms.length === 0) {
    throw new InvalidArgumentError(
      `${OWNER}: \`columns\` must be a non-empty array of { column, weight } terms; received ${JSON.stringify(terms)}.`,
    );
  }
  const seen = new Set<string>();
  for (const term of terms) {
    if (typeof term?.column !== 'string' || typeof term.weight !== 'number' || !Number.isFinite(term.weight) || term.weight === 0) {
      throw new InvalidArgumentError(
        `${OWNER}: each entry of \`columns\` needs a column name and a finite, non-zero weight; received ${JSON.stringify(term)}.`,
      );
    }
    if (seen.has(term.column)) {
      throw new InvalidArgumentError(`${OWNER}: column ${JSON.stringify(term.column)} is listed twice in \`columns\`; merge the weights.`);
    }
    seen.add(term.column);
  }
  return terms;
}

/** Returns the columns a churn label with these options is computed from. */
export function churnLabelSpec(options: ChurnLabelOptions = {}): LabelSpec {
  return { sourceColumns: resolveTerms(options).map((term) => term.column) };
}

/** Quantile of sorted values by linear interpolation between order statistics (NumPy "linear"). */
function sortedQuantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  // When both order statistics are equal the threshold equals them exactly, so ties count.
  return low === high ? low : low + (position - lower) * (high - low);
}

function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    rows[i] = i;
  }
  return rows;
}

/**
 * Churn-risk labeller with statistics learned on training rows only, so test rows do not
 * influence their own labels.
 *
 * ```text
 * z_c(r)  = (x_c(r) − μ_c) / σ_c
 * risk(r) = Σ_c w_c · z_c(r)
 * y(r)    = 1 if risk(r) > t else 0,   t = quantile_q(risk over training rows)
 * ```
 * μ_c and σ_c are the mean and population standard deviation (divisor n) of column c over the
 * training rows, w_c the term weights and q the quantile.
 *
 * @example
 * ```ts
 * const labeler = ChurnLabeler.fit(users, fold.train);
 * const { labels } = labeler.apply(users); // one label per row of `users`
 * ```
 */
export class ChurnLabeler implements LabelSpec {
  readonly terms: readonly ChurnLabelTerm[];
  readonly quantile: number;
  /** μ_c per term, float64. */
  readonly means: Float64Array;
  /** σ_c per term (population std), float64. */
  readonly stds: Float64Array;
  /** Risk quantile over the training rows. */
  readonly threshold: number;

  private constructor(terms: readonly ChurnLabelTerm[], quantile: number, means: Float64Array, stds: Float64Array, threshold: number) {
    this.terms = terms;
    this.quantile = quantile;
    this.means = means;
    this.stds = stds;
    this.threshold = threshold;
  }

  get sourceColumns(): readonly string[] {
    return this.terms.map((term) => term.column);
  }

  /**
   * Learns μ, σ and the threshold from `rows` of `table` (default: every row).
   * @throws {@link DataError} when a term column is missing, not numeric or constant over the rows.
   * @throws {@link InvalidArgumentError} for invalid options, empty rows or a row index out of range.
   */
  static fit(table: UserTable, rows?: Int32Array, options: ChurnLabelOptions = {}): ChurnLabeler {
    const terms = resolveTerms(options);
    const quantile = requireNumberInRange(OWNER, 'quantile', options.quantile ?? 0.5, {
      min: 0,
      max: 1,
      minExclusive: true,
      maxExclusive: true,
    });
    const fitRows = rows ?? allRows(table.numRows);
    if (fitRows.length === 0) {
      throw new InvalidArgumentError(`${OWNER}: \`rows\` is empty; pass at least one training row.`);
    }
    for (const row of fitRows) {
      if (!Number.isInteger(row) || row < 0 || row >= table.numRows) {
        throw new InvalidArgumentError(`${OWNER}: row index ${row} is outside [0, ${table.numRows}); pass rows of this table.`);
      }
    }

    const means = new Float64Array(terms.length);
    const stds = new Float64Array(terms.length);
    terms.forEach((term, t) => {
      const values = numericColumn(table, term.column);
      let sum = 0;
      for (const row of fitRows) {
        sum += values[row] as number;
      }
      const mean = sum / fitRows.length;
      let squares = 0;
      for (const row of fitRows) {
        const d = (values[row] as number) - mean;
        squares += d * d;
      }
      const std = Math.sqrt(squares / fitRows.length);
      if (!(std > 0)) {
        throw new DataError(
          `${OWNER}: column ${JSON.stringify(term.column)} is constant (${mean}) over the ${fitRows.length} fitting rows, ` +
            'so its z-score is undefined. Remove it from `columns` or fit on more varied rows.',
        );
      }
      means[t] = mean;
      stds[t] = std;
    });

    const partial = new ChurnLabeler(terms, quantile, means, stds, Number.NaN);
    const risk = partial.computeRisk(table);
    const fitRisk = new Float64Array(fitRows.length);
    fitRows.forEach((row, i) => {
      fitRisk[i] = risk[row] as number;
    });
    fitRisk.sort();
    return new ChurnLabeler(terms, quantile, means, stds, sortedQuantile(fitRisk, quantile));
  }

  /** Labels every row of `table` with the learned statistics and threshold. */
  apply(table: UserTable): ChurnLabels {
    const risk = this.computeRisk(table);
    const labels = new Int32Array(table.numRows);
    let positives = 0;
    let tiedAtThreshold = 0;
    for (let r = 0; r < table.numRows; r++) {
      const value = risk[r] as number;
      if (value > this.threshold) {
        labels[r] = 1;
        positives++;
      } else if (value === this.threshold) {
        tiedAtThreshold++;
      }
    }
    return {
      labels,
      risk,
      threshold: this.threshold,
      tiedAtThreshold,
      positives,
      negatives: table.numRows - positives,
      sourceColumns: this.sourceColumns,
    };
  }

  private computeRisk(table: UserTable): Float64Array {
    const risk = new Float64Array(table.numRows);
    this.terms.forEach((term, t) => {
      const values = numericColumn(table, term.column);
      const mean = this.means[t] as number;
      const std = this.stds[t] as number;
      for (let r = 0; r < table.numRows; r++) {
        risk[r] = (risk[r] as number) + (term.weight * ((values[r] as number) - mean)) / std;
      }
    });
    return risk;
  }
}

/**
 * Labels every row with statistics and threshold computed over the whole table, as the
 * SRML-MCA protocol does. The test folds then influence the labels' threshold; use
 * {@link ChurnLabeler.fit} on training rows to avoid that.
 *
 * On `user_personalized_features.csv` the defaults give 496 positives, 504 negatives and 5 rows
 * tied at the median.
 *
 * @throws {@link DataError} when a term column is missing, not numeric or constant.
 * @example
 * ```ts
 * const { labels, positives } = labelChurnRisk(users);
 * ```
 */
export function labelChurnRisk(table: UserTable, options: ChurnLabelOptions = {}): ChurnLabels {
  return ChurnLabeler.fit(table, undefined, options).apply(table);
}
