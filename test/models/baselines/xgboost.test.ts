import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors';
import { XGBoostClassifier } from '../../../src/models/baselines/xgboost';
import { rocAuc, separableTable, withoutLabels } from './fixtures';

const train = separableTable(200, 1);
const test = separableTable(80, 2, 300);

describe('XGBoostClassifier', () => {
  it('defaults match documentation', () => {
    expect(new XGBoostClassifier().options).toEqual({
      rounds: 100,
      maxDepth: 6,
      eta: 0.3,
      subsample: 1,
      colsampleBytree: 1,
      minChildWeight: 1,
      lambda: 1,
      seed: 0,
    });
  });

  it.each([
    ['rounds 0', { rounds: 0 }, /`rounds` must be a positive integer; received 0/],
    ['eta 0', { eta: 0 }, /`eta` must be a finite number in \(0, 1\]; received 0/],
    ['subsample 1.5', { subsample: 1.5 }, /`subsample` must be a finite number in \(0, 1\]; received 1.5/],
  ])('rejects %s', (_title, options, pattern) => {
    expect(() => new XGBoostClassifier(options)).toThrow(InvalidArgumentError);
    expect(() => new XGBoostClassifier(options)).toThrow(pattern);
  });

  it('learns separable problem', async () => {
    const model = new XGBoostClassifier({ rounds: 50 });
    await model.fit(train);
    const p = await model.predictProba(withoutLabels(test));
    expect(p.length).toBe(80);
    expect(rocAuc(p, test.labels)).toBeGreaterThan(0.95);
    model.dispose();
  });

  it('seeded runs repeat', async () => {
    const first = new XGBoostClassifier({ rounds: 30, subsample: 0.7, seed: 4 });
    const second = new XGBoostClassifier({ rounds: 30, subsample: 0.7, seed: 4 });
    await first.fit(train);
    await second.fit(train);
    expect(Array.from(await second.predictProba(test))).toEqual(Array.from(await first.predictProba(test)));
    first.dispose();
    second.dispose();
  });
});

describe('XGBoostClassifier engine loading', () => {
  it('prints no loader notices, leaves no listener', () => {
    // A fresh process, because this file's other tests have loaded the engine already.
    const script = [
      `import { XGBoostClassifier } from ${JSON.stringify(join(process.cwd(), 'src/trees.ts'))};`,
      `import { separableTable } from ${JSON.stringify(join(process.cwd(), 'test/models/baselines/fixtures.ts'))};`,
      "const before = process.listeners('uncaughtException').length;",
      'const model = new XGBoostClassifier({ rounds: 2 });',
      'await model.fit(separableTable(30, 1));',
      "await new Promise((resolve) => setTimeout(resolve, 100));",
      "console.log(JSON.stringify({ before, after: process.listeners('uncaughtException').length }));",
      "console.warn('other warning');",
    ].join('\n');
    const run = spawnSync(join(process.cwd(), 'node_modules/.bin/tsx'), ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({ before: 0, after: 0 });
    expect(run.stderr).toBe('other warning\n');
  });
});
