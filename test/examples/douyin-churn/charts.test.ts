import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DataError, InvalidArgumentError, rocAuc } from '../../../src/index';
import {
  gainChartSpec,
  gainCurve,
  metricsChartSpec,
  pooledTestScores,
  rocChartSpec,
  rocCurve,
  writeCharts,
} from '../../../examples/douyin-churn/charts';
import type { RunResults } from '../../../examples/douyin-churn/results';
import { buildRunResults } from './fixture';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('rocCurve', () => {
  it('perfect scores give AUC 1', () => {
    const curve = rocCurve([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]);
    expect(curve.auc).toBe(1);
    expect(curve.points).toContainEqual(expect.objectContaining({ fpr: 0, tpr: 1 }));
  });

  it('runs from (0,0) to (1,1)', () => {
    const { points } = rocCurve([0, 1, 0, 1, 1], [0.3, 0.6, 0.7, 0.2, 0.9]);
    expect(points[0]).toEqual({ fpr: 0, tpr: 0, threshold: Infinity });
    expect(points[points.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
  });

  it('matches the documented example', () => {
    expect(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).auc).toBeCloseTo(0.75, 12);
  });

  it('inverted scores give AUC 0', () => {
    expect(rocCurve([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]).auc).toBe(0);
  });

  it('ties move both rates', () => {
    // Every score equal: one step from (0,0) to (1,1), area one half.
    const curve = rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]);
    expect(curve.points).toHaveLength(2);
    expect(curve.auc).toBe(0.5);
  });

  it('agrees with rocAuc on the fixture', () => {
    const results = buildRunResults();
    const { labels, scores } = pooledTestScores(results.folds, 'lr', 'paper');
    expect(labels).toHaveLength(40);
    expect(rocCurve(labels, scores).auc).toBeCloseTo(rocAuc(labels, scores) as number, 12);
  });

  it('rejects a single class', () => {
    const call = () => rocCurve([1, 1], [0.2, 0.4]);
    expect(call).toThrow(DataError);
    expect(call).toThrow(/only class 1/);
  });

  it.each([
    ['lengths', [0, 1], [0.5], /same length; received 2 and 1/],
    ['labels', [0, 2], [0.5, 0.5], /`labels\[1\]` must be 0 or 1; received 2/],
    ['scores', [0, 1], [0.5, Number.NaN], /`scores\[1\]` must be a finite number; received NaN/],
  ])('rejects invalid %s', (_, labels, scores, pattern) => {
    const call = () => rocCurve(labels, scores);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(pattern);
  });
});

describe('gainCurve', () => {
  const labels = [1, 0, 1, 0, 0, 0, 1, 0, 0, 0];
  const scores = [0.9, 0.1, 0.8, 0.3, 0.2, 0.4, 0.7, 0.05, 0.15, 0.25];

  it('captures all at 100%', () => {
    const points = gainCurve(labels, scores);
    expect(points[points.length - 1]).toEqual({ contacted: 1, captured: 1 });
  });

  it('starts at zero', () => {
    expect(gainCurve(labels, scores)[0]).toEqual({ contacted: 0, captured: 0 });
  });

  it('perfect ranking fills the top', () => {
    // The 3 churners have the 3 highest scores, so 30% of users hold all of them.
    const points = gainCurve(labels, scores, [0.1, 0.2, 0.3, 0.5]);
    expect(points.map((point) => point.captured)).toEqual([1 / 3, 2 / 3, 1, 1]);
  });

  it('splits tie groups in proportion', () => {
    // 4 tied users, 2 of them churners: contacting 1 of 4 captures 1/2 churner on average.
    const points = gainCurve([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5], [0.25, 0.5]);
    expect(points[0]?.captured).toBeCloseTo(0.25, 12);
    expect(points[1]?.captured).toBeCloseTo(0.5, 12);
  });

  it('is non-decreasing on the fixture', () => {
    const { labels: pooled, scores: pooledScores } = pooledTestScores(buildRunResults().folds, 'srml-mca', 'noLeak');
    const captured = gainCurve(pooled, pooledScores).map((point) => point.captured);
    for (let i = 1; i < captured.length; i++) {
      expect(captured[i]).toBeGreaterThanOrEqual(captured[i - 1] as number);
    }
  });

  it('rejects labels without churners', () => {
    const call = () => gainCurve([0, 0], [0.1, 0.2]);
    expect(call).toThrow(DataError);
    expect(call).toThrow(/no churners/);
  });

  it('rejects a share above 1', () => {
    const call = () => gainCurve(labels, scores, [1.5]);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(/`contactShares` must be in \[0, 1\]; received 1.5/);
  });
});

describe('chart specs', () => {
  const results = buildRunResults();

  it('ROC spec labels the pooled AUC', () => {
    const spec = JSON.stringify(rocChartSpec(results.folds, ['paper'], results.summary));
    expect(spec).toContain('SRML-MCA (AUC 1.0000)');
    expect(spec).toContain('"series":"random"');
  });

  it('metrics spec facets both settings', () => {
    const spec = metricsChartSpec(results.summary) as { facet?: unknown; data: { values: { setting: string }[] } };
    expect(spec.facet).toBeDefined();
    expect(new Set(spec.data.values.map((value) => value.setting))).toEqual(new Set(['paper', 'noLeak']));
  });

  it('metrics spec error bars span std', () => {
    const spec = metricsChartSpec(results.summary) as { data: { values: Record<string, number | string>[] } };
    const row = results.summary.find((candidate) => candidate.key === 'lr' && candidate.setting === 'paper');
    const bar = spec.data.values.find((value) => value.model === 'Logistic regression' && value.setting === 'paper' && value.metric === 'AUC');
    expect(bar?.low).toBeCloseTo((row?.auc.mean as number) - (row?.auc.std as number), 12);
    expect(bar?.high).toBeCloseTo((row?.auc.mean as number) + (row?.auc.std as number), 12);
  });

  it('gain spec skips missing settings', () => {
    const paperOnly = results.folds.filter((fold) => fold.setting === 'paper');
    const spec = gainChartSpec(paperOnly) as { facet?: unknown; layer?: unknown };
    expect(spec.facet).toBeUndefined();
    expect(spec.layer).toBeDefined();
  });
});

describe('writeCharts', () => {
  let dir = '';
  let written: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'douyin-charts-'));
    written = await writeCharts(buildRunResults(), dir);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes three charts', () => {
    const names = written.map((path) => path.slice(dir.length + 1)).sort();
    expect(names).toEqual(['gain.png', 'gain.svg', 'gain.vl.json', 'metrics.png', 'metrics.svg', 'metrics.vl.json', 'roc.png', 'roc.svg', 'roc.vl.json']);
  });

  it('writes non-empty SVG files', async () => {
    for (const path of written.filter((candidate) => candidate.endsWith('.svg'))) {
      const svg = await readFile(path, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('<text');
    }
  });

  it('writes PNG files', async () => {
    for (const path of written.filter((candidate) => candidate.endsWith('.png'))) {
      const bytes = await readFile(path);
      expect([...bytes.subarray(0, 8)]).toEqual(PNG_MAGIC);
      expect((await stat(path)).size).toBeGreaterThan(1000);
    }
  });

  it('skips ROC without paper folds', async () => {
    const results = buildRunResults();
    const noLeakOnly: RunResults = {
      ...results,
      folds: results.folds.filter((fold) => fold.setting === 'noLeak'),
      summary: results.summary.filter((row) => row.setting === 'noLeak'),
    };
    const paths = await writeCharts(noLeakOnly, join(dir, 'noLeak'));
    expect(paths.some((path) => path.endsWith('roc.svg'))).toBe(false);
    expect(paths.some((path) => path.endsWith('gain.svg'))).toBe(true);
  });

  it('rejects results without folds', async () => {
    await expect(writeCharts({} as RunResults, dir)).rejects.toThrow(/`results` must be a RunResults/);
  });
});
