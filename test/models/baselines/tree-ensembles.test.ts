import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from '../../../src/errors';
import { GradientBoostedTrees, RandomForest } from '../../../src/models/baselines/tree-ensembles';
import { rocAuc, separableTable, withoutLabels } from './fixtures';

const train = separableTable(200, 1);
const test = separableTable(80, 2, 300);

describe.each([
  ['RandomForest', (seed?: number) => new RandomForest(seed === undefined ? {} : { seed }), 'Random forest (YDF)'],
  ['GradientBoostedTrees', (seed?: number) => new GradientBoostedTrees(seed === undefined ? {} : { seed }), 'Gradient-boosted trees (YDF)'],
])('%s', (owner, create, name) => {
  it('names the engine', () => {
    const model = create();
    expect(model.name).toBe(name);
    expect(model.seed).toBe(42);
  });

  it('rejects seed 1.5', () => {
    expect(() => create(1.5)).toThrow(InvalidArgumentError);
    expect(() => create(1.5)).toThrow(new RegExp(`${owner}: \`seed\` must be an integer; received 1.5`));
  });

  it('learns separable problem', async () => {
    const model = create(3);
    await model.fit(train);
    const p = await model.predictProba(withoutLabels(test));
    expect(p.length).toBe(80);
    expect(rocAuc(p, test.labels)).toBeGreaterThan(0.95);
    expect(model.describe()).toMatch(/Number of trees: \d+/);
    model.dispose();
  });

  it('seeded runs repeat', async () => {
    const first = create(5);
    const second = create(5);
    await first.fit(train);
    await second.fit(train);
    expect(Array.from(await second.predictProba(test))).toEqual(Array.from(await first.predictProba(test)));
    first.dispose();
    second.dispose();
  });

  it('rejects misuse', async () => {
    const model = create(1);
    await expect(model.predictProba(test)).rejects.toThrow(/`predictProba` was called before `fit`/);
    await model.fit(train);
    await expect(model.fit(train)).rejects.toThrow(/`fit` was already called/);
    const other = { ...test, numericColumns: ['a', 'b', 'c'] };
    await expect(model.predictProba(other)).rejects.toThrow(ShapeMismatchError);
    await expect(model.predictProba(other)).rejects.toThrow(/the model was fitted on \["login","purchases","noise","city"\]/);
    model.dispose();
  });
});

describe('RandomForest seeds', () => {
  it('other seed differs', async () => {
    const a = new RandomForest({ seed: 1 });
    const b = new RandomForest({ seed: 2 });
    await a.fit(train);
    await b.fit(train);
    expect(Array.from(await b.predictProba(test))).not.toEqual(Array.from(await a.predictProba(test)));
    a.dispose();
    b.dispose();
  });
});
