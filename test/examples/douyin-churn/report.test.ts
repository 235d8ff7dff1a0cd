import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../../src/index';
import { buildReportMarkdown, oneClassWarnings, writeReport } from '../../../examples/douyin-churn/report';
import type { RunResults, SummaryRow } from '../../../examples/douyin-churn/results';
import { buildRunResults } from './fixture';

describe('writeReport', () => {
  let dir = '';
  let files: string[] = [];
  let markdown = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'douyin-report-'));
    ({ files } = await writeReport(buildRunResults(), dir));
    markdown = await readFile(join(dir, 'report.md'), 'utf8');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes report, json and charts', () => {
    const names = files.map((path) => basename(path));
    expect(names).toContain('report.md');
    expect(names).toContain('results.json');
    expect(names).toContain('roc.png');
    for (const path of files) {
      expect(existsSync(path)).toBe(true);
    }
  });

  it('puts the caveat first', () => {
    const caveat = markdown.indexOf('risk = z(Last_Login_Days_Ago) − z(Purchase_Frequency)');
    expect(caveat).toBeGreaterThan(0);
    expect(caveat).toBeLessThan(markdown.indexOf('## Results in the paper setting'));
  });

  it('links existing chart files', () => {
    const links = [...markdown.matchAll(/\]\(([^)]+\.(?:png|svg))\)/g)].map((match) => match[1] as string);
    expect(links).toContain('roc.png');
    expect(links).toContain('metrics.png');
    expect(links).toContain('gain.png');
    for (const link of links) {
      expect(existsSync(join(dir, link))).toBe(true);
    }
  });

  it('contains both tables', () => {
    expect(markdown).toContain('## Results in the paper setting');
    expect(markdown).toContain('## Results in the noLeak setting');
    expect(markdown.match(/\| Model \| Accuracy \| Precision \| Recall \| F1 \| AUC \|/g)).toHaveLength(2);
  });

  it('explains top-risk users', () => {
    expect(markdown).toContain('### 1. User #17: churn probability 0.970');
    expect(markdown).toContain('| Last_Login_Days_Ago | +0.410 |');
    expect(markdown).toContain('| Income | -0.010 |');
    expect(markdown).toMatch(/learned mixtures of all inputs, not single features/);
    expect(markdown).toContain(' 1.20  0.80');
  });

  it('lists fold timing', () => {
    expect(markdown).toContain('| Model | Setting | Fold 1 | Fold 2 | Total |');
    expect(markdown).toContain('| Logistic regression | noLeak | 1.5 | 2.5 | 4.0 |');
  });

  it('round-trips results.json', async () => {
    const parsed = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as RunResults;
    expect(parsed).toEqual(buildRunResults());
  });
});

describe('buildReportMarkdown', () => {
  it('notes missing explanations', () => {
    const markdown = buildReportMarkdown({ ...buildRunResults(), explanations: [] }, []);
    expect(markdown).toContain('No explanations: the final SRML-MCA model was not trained in this run.');
  });

  it('lists the final model\'s input gates, largest first', () => {
    const finalModel = {
      key: 'srml-mca-gated',
      name: 'SRML-MCA + input gate',
      inputGates: [
        { column: 'Age', gate: 0.002 },
        { column: 'Purchase_Frequency', gate: -0.71 },
        { column: 'Last_Login_Days_Ago', gate: 0.83 },
      ],
    };
    const markdown = buildReportMarkdown({ ...buildRunResults(), finalModel }, []);
    expect(markdown).toContain('The final model (SRML-MCA + input gate) is trained on every user');
    const table = markdown.slice(markdown.indexOf('## Learned input gates'));
    const order = ['Last_Login_Days_Ago | 0.830', 'Purchase_Frequency | -0.710', 'Age | 0.002'].map((cell) => table.indexOf(cell));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(buildReportMarkdown(buildRunResults(), [])).not.toContain('Learned input gates');
  });

  it('notes one-class folds', () => {
    const results = buildRunResults();
    const folds = results.folds.map((fold) =>
      fold.key === 'srml-mca' && fold.setting === 'paper' && fold.fold === 0
        ? { ...fold, probabilities: fold.probabilities.map(() => 0.51) }
        : fold,
    );
    const warnings = oneClassWarnings(folds.filter((fold) => fold.setting === 'paper'), 'paper');
    expect(warnings).toEqual([
      '> **Note:** SRML-MCA predicted the same class for every test user in 1 of 2 folds, so it has not learned to separate the classes there. More epochs (`--epochs`) or a larger preset may help.',
      '',
    ]);
    expect(oneClassWarnings(folds.filter((fold) => fold.setting === 'paper'), 'noLeak')[0]).toMatch(/expected in this setting/);
    expect(buildReportMarkdown({ ...results, folds }, [])).toContain('> **Note:** SRML-MCA predicted the same class');
    expect(buildReportMarkdown(results, [])).not.toContain('predicted the same class');
  });

  it('omits charts that were not written', () => {
    const markdown = buildReportMarkdown(buildRunResults(), ['/x/metrics.png']);
    expect(markdown).toContain('(metrics.png)');
    expect(markdown).not.toContain('(roc.png)');
  });

  it('falls back to the built-in caveat', () => {
    const markdown = buildReportMarkdown({ ...buildRunResults(), labelCaveat: '' }, []);
    expect(markdown).toMatch(/Label caveat: the churn label is not observed churn/);
  });

  it('writes NaN AUC as dash and null', () => {
    const results = buildRunResults();
    const row = results.summary[0] as SummaryRow;
    row.auc = { mean: Number.NaN, std: null, n: 0 };
    expect(buildReportMarkdown(results, [])).toMatch(/\| \*\*SRML-MCA\*\* \|.*\| — \|/);
    expect(JSON.parse(JSON.stringify(results)).summary[0].auc.mean).toBeNull();
  });
});

describe('writeReport validation', () => {
  it('rejects results without summary', async () => {
    const call = writeReport({ ...buildRunResults(), summary: undefined } as unknown as RunResults, join(tmpdir(), 'unused'));
    await expect(call).rejects.toThrow(InvalidArgumentError);
  });

  it('names the missing field', async () => {
    const call = writeReport({ ...buildRunResults(), folds: undefined } as unknown as RunResults, join(tmpdir(), 'unused'));
    await expect(call).rejects.toThrow(/`results\.folds` must be an array; received undefined/);
  });
});
