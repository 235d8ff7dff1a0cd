/**
 * Minimal type declarations of the two tree engines used by the baselines. Neither package
 * ships its own types; these cover only the calls this folder makes.
 */

declare module 'ydf-training' {
  /** A trained YDF model (ydf-training 0.0.1). */
  export interface YdfModel {
    /** Returns, per row, the probability of `getLabelClasses()[1]` for binary classification. */
    predict(examples: Record<string, Array<number | string | null>>): number[];
    /** Label values in the model's internal order. */
    getLabelClasses(): string[];
    /** Human-readable summary (trees, variable importances, validation metrics). */
    describe(): string;
    /** Frees the model's wasm memory. */
    unload(): void;
  }

  /** A YDF learner: `new ydf.RandomForestLearner(labelColumn, 'CLASSIFICATION')`. */
  export interface YdfLearner {
    /** Trains on named columns: numbers become numerical features, strings categorical ones. */
    train(data: Record<string, Array<number | string>>): YdfModel;
  }

  export type YdfLearnerConstructor = new (label: string, task: 'CLASSIFICATION' | 'REGRESSION') => YdfLearner;

  /** The loaded wasm module. */
  export interface YdfModule {
    RandomForestLearner: YdfLearnerConstructor;
    GradientBoostedTreesLearner: YdfLearnerConstructor;
    CartLearner: YdfLearnerConstructor;
  }

  /** Loads the wasm module; `print` and `printErr` receive its console output. */
  export default function loadYdf(options?: { print?: (text: string) => void; printErr?: (text: string) => void }): Promise<YdfModule>;
}

declare module 'ml-xgboost' {
  /** An XGBoost booster compiled to wasm (ml-xgboost 1.1.2). */
  export interface XGBoostBooster {
    /** Trains on row-major rows and one target per row. */
    train(rows: number[][], targets: number[]): void;
    /** Returns one prediction per row (a probability for `binary:logistic`). */
    predict(rows: number[][]): number[];
    /** Frees the booster's wasm memory. */
    free(): void;
  }

  export type XGBoostConstructor = new (options: Record<string, string | number>) => XGBoostBooster;

  /** The module resolves to the booster class once its wasm has loaded. */
  const ready: Promise<XGBoostConstructor>;
  export default ready;
}
