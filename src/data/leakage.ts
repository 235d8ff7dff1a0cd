/**
 * Label-leakage checks: a feature column that the label is computed from lets a model read the
 * answer. The SRML-MCA churn label is a threshold on two input columns that the SRML-MCA
 * experiments also use as features, so the "no-leak" setting removes those columns.
 */
import { InvalidArgumentError } from '../errors';
import { warnOnce } from '../warnings';
import { requireOneOf } from '../validate';
import type { LabelSpec } from './churn-label';
import { columnsOfKind } from './schema';
import type { TableSchema } from './schema';

/** Result of {@link auditLeakage}. */
export interface LeakageAudit {
  /** Feature columns that the label is computed from, in feature order. */
  leakingColumns: string[];
  /** The other feature columns, in feature order. */
  safeColumns: string[];
  /** Label source columns that are not among the features. */
  unusedSourceColumns: string[];
  /** True when `leakingColumns` is not empty. */
  leaks: boolean;
}

/** Feature set: all columns as in the SRML-MCA experiments (`'paper'`), or without the label's source columns (`'noLeak'`). */
export type FeatureSetting = 'paper' | 'noLeak';

/** Feature columns for the preprocessor; boolean columns are listed with the categoricals. */
export interface FeatureColumns {
  numericColumns: string[];
  categoricalColumns: string[];
}

function requireNames(owner: string, arg: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string')) {
    throw new InvalidArgumentError(`${owner}: \`${arg}\` must be an array of column names; received ${JSON.stringify(value)}.`);
  }
  return value;
}

/**
 * Lists the feature columns that the label is computed from.
 *
 * @param labelSpec - The label's source columns, e.g. a {@link ChurnLabeler} or `churnLabelSpec()`.
 * @param featureColumns - Names of the columns a model will see.
 * @example
 * ```ts
 * auditLeakage(churnLabelSpec(), ['Age', 'Last_Login_Days_Ago']).leakingColumns; // ['Last_Login_Days_Ago']
 * ```
 */
export function auditLeakage(labelSpec: LabelSpec, featureColumns: readonly string[]): LeakageAudit {
  const sources = requireNames('auditLeakage', 'labelSpec.sourceColumns', labelSpec?.sourceColumns);
  const features = requireNames('auditLeakage', 'featureColumns', featureColumns);
  const sourceSet = new Set(sources);
  const featureSet = new Set(features);
  const leakingColumns = features.filter((name) => sourceSet.has(name));
  return {
    leakingColumns,
    safeColumns: features.filter((name) => !sourceSet.has(name)),
    unusedSourceColumns: sources.filter((name) => !featureSet.has(name)),
    leaks: leakingColumns.length > 0,
  };
}

/**
 * Returns the model's feature columns for a setting. `'paper'` keeps every numeric, categorical
 * and boolean column of the schema, the label's source columns included as in the SRML-MCA
 * experiments, and warns once about them. `'noLeak'` removes the label's source columns.
 *
 * @example
 * ```ts
 * const { numericColumns, categoricalColumns } = featureColumnsFor('noLeak', DOUYIN_SCHEMA, churnLabelSpec());
 * // 6 numeric columns; Gender, Location, Interests, Product_Category_Preference, Newsletter_Subscription
 * ```
 */
export function featureColumnsFor(setting: FeatureSetting, schema: TableSchema, labelSpec: LabelSpec): FeatureColumns {
  requireOneOf('featureColumnsFor', 'setting', setting, ['paper', 'noLeak'] as const);
  const numeric = columnsOfKind(schema, 'numeric');
  const categorical = [...columnsOfKind(schema, 'categorical'), ...columnsOfKind(schema, 'boolean')];
  const audit = auditLeakage(labelSpec, [...numeric, ...categorical]);
  if (setting === 'paper') {
    if (audit.leaks) {
      warnOnce(
        'feature-columns-paper-leak',
        `featureColumnsFor('paper'): the label is computed from ${JSON.stringify(audit.leakingColumns)}, which stay ` +
          "among the features as in the SRML-MCA experiments. Use 'noLeak' to measure what the other columns predict.",
      );
    }
    return { numericColumns: numeric, categoricalColumns: categorical };
  }
  const leaking = new Set(audit.leakingColumns);
  return {
    numericColumns: numeric.filter((name) => !leaking.has(name)),
    categoricalColumns: categorical.filter((name) => !leaking.has(name)),
  };
}
