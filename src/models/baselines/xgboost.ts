/**
 * XGBoost baseline: the XGBoost library itself, compiled to wasm by the `ml-xgboost` package.
 * Optional: this module loads the engine, so the core layer modules never import it.
 */
import { createRequire } from 'node:module';
import type { XGBoostConstructor } from 'ml-xgboost';
import type { FeatureTable, LabeledTable } from '../../data/types';
import { DataError, InvalidArgumentError, ShapeMismatchError } from '../../errors';
import { requireInteger, requireNumberInRange } from '../../validate';
import type { Classifier, FitContext } from '../classifier';
import { buildFeatureMatrix, readBinaryLabels, type FeatureMatrix } from './feature-matrix';

const OWNER = 'XGBoostClassifier';

let enginePromise: Promise<XGBoostConstructor> | undefined;

/** Lines that ml-xgboost 1.1.2's Emscripten loader prints in Node before it loads the engine anyway. */
const LOADER_NOTICES = ['wasm streaming compile failed', 'falling back to ArrayBuffer instantiation'];

/**
 * Loads `ml-xgboost` through Node's `require`. Its ESM entry (`src/index.js`) mixes `require`
 * with `import` and fails under bundler-style loaders such as Vite, while the CommonJS build
 * (`lib/index.js`) loads cleanly. This makes the XGBoost baseline Node-only.
 *
 * Its Emscripten loader (ml-xgboost 1.1.2) captures `console.warn` as its error printer and
 * registers a process-wide `uncaughtException` listener that rethrows. The loader's streaming
 * compile always fails in Node (it fetches a file path) and prints two notices before it
 * falls back and succeeds. So the require runs with a `console.warn` that drops exactly those
 * notices and forwards every other line, and the listener it added is removed again.
 */
function loadEngine(): Promise<XGBoostConstructor> {
  if (enginePromise === undefined) {
    const originalWarn = console.warn;
    const listenersBefore = new Set(process.listeners('uncaughtException'));
    console.warn = (...args: unknown[]): void => {
      const text = String(args[0]);
      if (!LOADER_NOTICES.some((notice) => text.startsWith(notice))) originalWarn(...args);
    };
    let engine: Promise<XGBoostConstructor>;
    try {
      engine = createRequire(import.meta.url)('ml-xgboost') as Promise<XGBoostConstructor>;
    } catch (error) {
      throw new InvalidArgumentError(
        `${OWNER} needs the optional package ml-xgboost, which failed to load (${(error as Error).message}). Install it with \`npm install ml-xgboost\`.`,
      );
    } finally {
      console.warn = originalWarn;
      for (const listener of process.listeners('uncaughtException')) {
        if (!listenersBefore.has(listener)) process.removeListener('uncaughtException', listener);
      }
    }
    enginePromise = engine;
  }
  return enginePromise;
}

/** Options of {@link XGBoostClassifier}; names follow XGBoost's parameters in camelCase. */
export interface XGBoostOptions {
  /**
   * Number of boosting rounds; a positive integer.
   * @defaultValue 100
   */
  rounds?: number;
  /**
   * Maximum tree depth (`max_depth`); a positive integer.
   * @defaultValue 6
   */
  maxDepth?: number;
  /**
   * Learning rate (`eta`); in (0, 1].
   * @defaultValue 0.3
   */
  eta?: number;
  /**
   * Row subsampling ratio per tree (`subsample`); in (0, 1].
   * @defaultValue 1
   */
  subsample?: number;
  /**
   * Column subsampling ratio per tree (`colsample_bytree`); in (0, 1].
   * @defaultValue 1
   */
  colsampleBytree?: number;
  /**
   * Minimum hessian sum in a child (`min_child_weight`); ≥ 0.
   * @defaultValue 1
   */
  minChildWeight?: number;
  /**
   * L2 penalty on leaf weights (`lambda`); ≥ 0.
   * @defaultValue 1
   */
  lambda?: number;
  /**
   * XGBoost's random seed (`seed`); only matters when a subsampling ratio is below 1.
   * @defaultValue 0
   */
  seed?: number;
}

/**
 * Gradient-boosted trees classifier trained by the XGBoost library (`binary:logistic`) on the
 * one-hot design matrix of {@link buildFeatureMatrix}. The defaults are XGBoost's own (100
 * rounds, depth 6, eta 0.3, no subsampling), not those of the `ml-xgboost` wrapper.
 *
 * `ml-xgboost` 1.1.2 (released February 2018) bundles an XGBoost build of that time. When it
 * first loads in Node it prints "wasm streaming compile failed … falling back to ArrayBuffer
 * instantiation" on stderr. The fallback works, so the notice is harmless.
 *
 * NOTE: that wasm module also installs a process-wide `uncaughtException` handler which rethrows
 * the error, so Node then prints the module's minified source. Errors stay errors, but the
 * report is long.
 *
 * @example
 * ```ts
 * const model = new XGBoostClassifier();
 * await model.fit(trainTable);
 * const p = await model.predictProba(testTable);
 * model.dispose();
 * ```
 * @throws InvalidArgumentError for invalid options, a second `fit`, or `predictProba` before `fit`.
 * @throws DataError for labels other than 0/1 or malformed feature values.
 * @throws ShapeMismatchError when the table to predict has other columns than the training one.
 */
export class XGBoostClassifier implements Classifier {
  readonly name = 'XGBoost';
  readonly options: Required<XGBoostOptions>;

  private booster: { predict(rows: number[][]): number[]; free(): void } | undefined;
  private numColumns = 0;
  private fitted = false;

  constructor(options: XGBoostOptions = {}) {
    this.options = {
      rounds: requireInteger(OWNER, 'rounds', options.rounds ?? 100),
      maxDepth: requireInteger(OWNER, 'maxDepth', options.maxDepth ?? 6),
      eta: requireNumberInRange(OWNER, 'eta', options.eta ?? 0.3, { min: 0, max: 1, minExclusive: true }),
      subsample: requireNumberInRange(OWNER, 'subsample', options.subsample ?? 1, { min: 0, max: 1, minExclusive: true }),
      colsampleBytree: requireNumberInRange(OWNER, 'colsampleBytree', options.colsampleBytree ?? 1, {
        min: 0,
        max: 1,
        minExclusive: true,
      }),
      minChildWeight: requireNumberInRange(OWNER, 'minChildWeight', options.minChildWeight ?? 1, { min: 0 }),
      lambda: requireNumberInRange(OWNER, 'lambda', options.lambda ?? 1, { min: 0 }),
      seed: requireInteger(OWNER, 'seed', options.seed ?? 0, 0),
    };
  }

  async fit(train: LabeledTable, context: FitContext = {}): Promise<void> {
    if (this.fitted) {
      throw new InvalidArgumentError(`${OWNER}: \`fit\` was already called on this instance. Create a new model per fold.`);
    }
    this.fitted = true;
    const labels = readBinaryLabels(OWNER, train);
    const matrix = buildFeatureMatrix(train);
    this.numColumns = matrix.numColumns;

    const XGBoost = await loadEngine();
    const o = this.options;
    const booster = new XGBoost({
      booster: 'gbtree',
      objective: 'binary:logistic',
      iterations: o.rounds,
      max_depth: o.maxDepth,
      eta: o.eta,
      subsample: o.subsample,
      colsample_bytree: o.colsampleBytree,
      min_child_weight: o.minChildWeight,
      lambda: o.lambda,
      seed: o.seed,
      silent: 1,
    });
    try {
      booster.train(toRows(matrix), Array.from(labels));
    } catch (error) {
      booster.free();
      throw new DataError(`${OWNER}: XGBoost training failed: ${error instanceof Error ? error.message : String(error)}.`);
    }
    this.booster = booster;
    context.onProgress?.(1, 'trained');
  }

  async predictProba(table: FeatureTable): Promise<Float32Array> {
    if (this.booster === undefined) {
      throw new InvalidArgumentError(`${OWNER}: \`predictProba\` was called before \`fit\`. Fit the model first.`);
    }
    const matrix = buildFeatureMatrix(table);
    if (matrix.numColumns !== this.numColumns) {
      throw new ShapeMismatchError(
        `${OWNER}: the table has ${matrix.numColumns} feature columns after one-hot encoding but the model was fitted on ` +
          `${this.numColumns}. Preprocess both tables with the same schema.`,
      );
    }
    if (table.numRows === 0) {
      return new Float32Array(0);
    }
    return Float32Array.from(this.booster.predict(toRows(matrix)));
  }

  dispose(): void {
    this.booster?.free();
    this.booster = undefined;
  }
}

function toRows(matrix: FeatureMatrix): number[][] {
  return Array.from({ length: matrix.numRows }, (_, r) =>
    Array.from(matrix.values.subarray(r * matrix.numColumns, (r + 1) * matrix.numColumns)),
  );
}
