/**
 * Random forest and gradient-boosted trees baselines, trained by Yggdrasil Decision Forests
 * (Google's YDF, compiled to wasm in the `ydf-training` package). Optional: this module loads
 * the engine, so the core layer modules never import it.
 */
import type { YdfLearnerConstructor, YdfModel, YdfModule } from 'ydf-training';
import type { FeatureTable, LabeledTable } from '../../data/types';
import { DataError, InvalidArgumentError, ShapeMismatchError } from '../../errors';
import { createRng } from '../../random';
import type { Classifier, FitContext } from '../classifier';
import { readBinaryLabels } from './feature-matrix';

const LABEL_COLUMN = '__churn_label__';

let enginePromise: Promise<YdfModule> | undefined;

/** Loads the YDF wasm module once per process, with its console output discarded. */
function loadEngine(): Promise<YdfModule> {
  // Imported on first use, so that `srml-mca/trees` loads without YDF for XGBoost alone.
  enginePromise ??= import('ydf-training').then(
    (module) => module.default({ print: () => undefined, printErr: () => undefined }),
    (error: unknown) => {
      enginePromise = undefined;
      throw new InvalidArgumentError(
        `RandomForest and GradientBoostedTrees need the optional package ydf-training, which failed to load (${(error as Error).message}). Install it with \`npm install ydf-training\`.`,
      );
    },
  );
  return enginePromise;
}

/** Options shared by {@link RandomForest} and {@link GradientBoostedTrees}. */
export interface TreeEnsembleOptions {
  /**
   * Seed of the row order given to YDF. `ydf-training` 0.0.1 exposes no hyper-parameters, so
   * YDF's internal random seed is fixed. Permuting the rows with this seed changes the bootstrap
   * samples (random forest) and the validation split (boosting), as a seed would.
   * @defaultValue 42
   */
  seed?: number;
}

/**
 * Converts a table to YDF's column dictionary: numeric columns as numbers, categorical codes as
 * strings ("c1", "c2", …; code 0 becomes "missing"), so YDF splits on categories natively.
 */
function toColumns(table: FeatureTable, order: ArrayLike<number>): Record<string, Array<number | string>> {
  const columns: Record<string, Array<number | string>> = {};
  const numNumeric = table.numericColumns.length;
  const numCategorical = table.categoricalColumns.length;
  table.numericColumns.forEach((name, c) => {
    columns[name] = Array.from(order, (r) => table.numeric[r * numNumeric + c] as number);
  });
  table.categoricalColumns.forEach((name, j) => {
    columns[name] = Array.from(order, (r) => {
      const code = table.categorical[r * numCategorical + j] as number;
      return code === 0 ? 'missing' : `c${code}`;
    });
  });
  return columns;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return typeof error === 'number' ? `wasm exception pointer ${error}` : String(error);
}

/** Shared fit and predict logic of the two YDF learners. */
abstract class YdfClassifier implements Classifier {
  abstract readonly name: string;
  readonly seed: number;

  private model: YdfModel | undefined;
  private columns: string[] = [];
  private fitted = false;

  constructor(options: TreeEnsembleOptions) {
    const seed = options.seed ?? 42;
    if (!Number.isInteger(seed)) {
      throw new InvalidArgumentError(
        `${this.owner()}: \`seed\` must be an integer; received ${JSON.stringify(seed)}. Pass an integer such as 42.`,
      );
    }
    this.seed = seed;
  }

  protected abstract owner(): string;
  protected abstract learner(engine: YdfModule): YdfLearnerConstructor;

  async fit(train: LabeledTable, context: FitContext = {}): Promise<void> {
    if (this.fitted) {
      throw new InvalidArgumentError(`${this.owner()}: \`fit\` was already called on this instance. Create a new model per fold.`);
    }
    this.fitted = true;
    const labels = readBinaryLabels(this.owner(), train);
    this.columns = [...train.numericColumns, ...train.categoricalColumns];
    if (this.columns.includes(LABEL_COLUMN)) {
      throw new DataError(`${this.owner()}: a feature column is named \`${LABEL_COLUMN}\`, which is reserved. Rename it.`);
    }

    const order = createRng(this.seed).shuffle(Array.from({ length: train.numRows }, (_, r) => r));
    const data = toColumns(train, order);
    data[LABEL_COLUMN] = order.map((r) => String(labels[r]));

    const engine = await loadEngine();
    const Learner = this.learner(engine);
    try {
      this.model = new Learner(LABEL_COLUMN, 'CLASSIFICATION').train(data);
    } catch (error) {
      throw new DataError(`${this.owner()}: YDF training failed: ${describeError(error)}. Check that both classes occur.`);
    }
    context.onProgress?.(1, 'trained');
  }

  async predictProba(table: FeatureTable): Promise<Float32Array> {
    const model = this.model;
    if (model === undefined) {
      throw new InvalidArgumentError(`${this.owner()}: \`predictProba\` was called before \`fit\`. Fit the model first.`);
    }
    const columns = [...table.numericColumns, ...table.categoricalColumns];
    if (JSON.stringify(columns) !== JSON.stringify(this.columns)) {
      throw new ShapeMismatchError(
        `${this.owner()}: the table has columns ${JSON.stringify(columns)} but the model was fitted on ` +
          `${JSON.stringify(this.columns)}. Preprocess both tables with the same schema.`,
      );
    }
    if (table.numRows === 0) {
      return new Float32Array(0);
    }
    const order = Array.from({ length: table.numRows }, (_, r) => r);
    const predictions = model.predict(toColumns(table, order));
    // Binary predictions are P(label = classes[1]); classes are ordered by YDF, not by value.
    const positiveIsSecond = model.getLabelClasses()[1] === '1';
    return Float32Array.from(predictions, (p) => (positiveIsSecond ? p : 1 - p));
  }

  /** YDF's text summary of the fitted model (trees, variable importances, out-of-bag metrics). */
  describe(): string {
    if (this.model === undefined) {
      throw new InvalidArgumentError(`${this.owner()}: \`describe\` was called before \`fit\`. Fit the model first.`);
    }
    return this.model.describe();
  }

  dispose(): void {
    this.model?.unload();
    this.model = undefined;
  }
}

/**
 * Random forest classifier trained by YDF with its default hyper-parameters, which
 * `ydf-training` 0.0.1 does not let callers change. `describe()` reports 300 trees and an
 * out-of-bag evaluation, so each tree sees a bootstrap sample. Numeric columns are used as
 * given and categoricals are split on natively, without one-hot encoding.
 *
 * @example
 * ```ts
 * const forest = new RandomForest({ seed: 1 });
 * await forest.fit(trainTable);
 * const p = await forest.predictProba(testTable);
 * forest.dispose();
 * ```
 * @throws InvalidArgumentError for a non-integer seed, a second `fit`, or `predictProba` before `fit`.
 * @throws DataError for labels other than 0/1 or when YDF fails to train.
 * @throws ShapeMismatchError when the table to predict has other columns than the training one.
 */
export class RandomForest extends YdfClassifier {
  readonly name = 'Random forest (YDF)';

  constructor(options: TreeEnsembleOptions = {}) {
    super(options);
  }

  protected owner(): string {
    return 'RandomForest';
  }

  protected learner(engine: YdfModule): YdfLearnerConstructor {
    return engine.RandomForestLearner;
  }
}

/**
 * Gradient-boosted trees classifier trained by YDF with its default hyper-parameters, which
 * `ydf-training` 0.0.1 does not let callers change. `describe()` reports a binomial
 * log-likelihood loss and early stopping on a validation part of the training rows (42 trees
 * on a 1,000-row test problem). This is YDF's boosting, not the XGBoost library.
 * {@link XGBoostClassifier} in `./xgboost` runs XGBoost itself.
 *
 * @example
 * ```ts
 * const boosted = new GradientBoostedTrees({ seed: 1 });
 * await boosted.fit(trainTable);
 * const p = await boosted.predictProba(testTable);
 * boosted.dispose();
 * ```
 * @throws InvalidArgumentError for a non-integer seed, a second `fit`, or `predictProba` before `fit`.
 * @throws DataError for labels other than 0/1 or when YDF fails to train.
 * @throws ShapeMismatchError when the table to predict has other columns than the training one.
 */
export class GradientBoostedTrees extends YdfClassifier {
  readonly name = 'Gradient-boosted trees (YDF)';

  constructor(options: TreeEnsembleOptions = {}) {
    super(options);
  }

  protected owner(): string {
    return 'GradientBoostedTrees';
  }

  protected learner(engine: YdfModule): YdfLearnerConstructor {
    return engine.GradientBoostedTreesLearner;
  }
}
