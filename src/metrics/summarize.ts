/**
 * Mean and sample standard deviation of per-fold (or per-seed) results, for "mean ± std" tables.
 */
import { InvalidArgumentError } from '../errors';
import type { BinaryMetrics } from './binary-metrics';

/** Result of {@link summarize}. */
export interface Summary {
  mean: number;
  /** Sample standard deviation (divisor n − 1); `null` when n = 1, where it is undefined. */
  std: number | null;
  n: number;
}

/**
 * Computes the mean and the SAMPLE standard deviation √(Σ(x − mean)² / (n − 1)) of `values`,
 * as pandas' `std()` does, not the population std of NumPy's default.
 *
 * @throws {@link InvalidArgumentError} for an empty array or a non-finite value.
 * @example
 * ```ts
 * summarize([0.97, 0.98, 0.99]); // { mean: 0.98, std: 0.01, n: 3 }
 * ```
 */
export function summarize(values: ArrayLike<number>): Summary {
  const n = values?.length ?? 0;
  if (n === 0) {
    throw new InvalidArgumentError('summarize: `values` is empty; pass at least one result.');
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidArgumentError(`summarize: \`values[${i}]\` is ${String(value)}; every value must be a finite number.`);
    }
    sum += value;
  }
  const mean = sum / n;
  if (n === 1) {
    return { mean, std: null, n };
  }
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    squares += d * d;
  }
  return { mean, std: Math.sqrt(squares / (n - 1)), n };
}

/** Per-metric summaries of several {@link BinaryMetrics}. */
export interface BinaryMetricsSummary {
  accuracy: Summary;
  precision: Summary;
  recall: Summary;
  f1: Summary;
  /** Over the results whose AUC is defined, `n` of them; `null` when none is. */
  auc: Summary | null;
  /** Over the results whose average precision is defined; `null` when none is. */
  prAuc: Summary | null;
}

function summarizeDefined(values: (number | null)[]): Summary | null {
  const defined = values.filter((value): value is number => value !== null);
  return defined.length === 0 ? null : summarize(defined);
}

/**
 * Summarises the metrics of several folds or seeds. Folds whose AUC or average precision is
 * `null` are left out of that metric's summary, which its `n` then shows.
 *
 * @throws {@link InvalidArgumentError} for an empty array.
 */
export function summarizeBinaryMetrics(results: readonly BinaryMetrics[]): BinaryMetricsSummary {
  if (!Array.isArray(results) || results.length === 0) {
    throw new InvalidArgumentError('summarizeBinaryMetrics: `results` is empty; pass the metrics of at least one fold.');
  }
  return {
    accuracy: summarize(results.map((r) => r.accuracy)),
    precision: summarize(results.map((r) => r.precision)),
    recall: summarize(results.map((r) => r.recall)),
    f1: summarize(results.map((r) => r.f1)),
    auc: summarizeDefined(results.map((r) => r.auc)),
    prAuc: summarizeDefined(results.map((r) => r.prAuc)),
  };
}

/**
 * Formats a summary as `"mean ± std"` with `digits` decimals (default 3), or only the mean when
 * the std is undefined.
 * @example
 * ```ts
 * formatSummary({ mean: 0.98412, std: 0.0081, n: 5 }); // "0.984 ± 0.008"
 * ```
 */
export function formatSummary(summary: Summary, digits = 3): string {
  const mean = summary.mean.toFixed(digits);
  return summary.std === null ? mean : `${mean} ± ${summary.std.toFixed(digits)}`;
}
