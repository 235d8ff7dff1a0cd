/**
 * The tree baselines load their wasm engines on first use, so a missing optional package gives
 * a clear error at fit time instead of failing the import of `srml-mca/trees`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { separableTable } from './fixtures';

afterEach(() => {
  vi.doUnmock('ydf-training');
  vi.resetModules();
});

describe('optional tree engines', () => {
  it('missing YDF fails at fit, not import', async () => {
    vi.resetModules();
    vi.doMock('ydf-training', () => {
      throw new Error('Cannot find package ydf-training');
    });
    const trees = await import('../../../src/trees');
    const forest = new trees.RandomForest({ seed: 1 });
    const fit = forest.fit(separableTable(20, 1));
    // resetModules loads a second copy of src/errors.ts, so match the error code, not the class.
    await expect(fit).rejects.toMatchObject({ name: 'InvalidArgumentError', code: 'invalid_argument' });
    await expect(new trees.GradientBoostedTrees().fit(separableTable(20, 1))).rejects.toThrow(
      /need the optional package ydf-training.*npm install ydf-training/,
    );
    // XGBoost does not need YDF.
    const xgboost = new trees.XGBoostClassifier({ rounds: 2 });
    await xgboost.fit(separableTable(20, 1));
    expect((await xgboost.predictProba(separableTable(5, 2))).length).toBe(5);
  });
});
