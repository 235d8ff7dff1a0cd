import { describe, expect, it } from 'vitest';

import { InvalidArgumentError } from '../../../src/index';
import type { Setting, SummaryRow } from '../../../examples/douyin-churn/results';
import {
  formatComparisonMarkdown,
  formatComparisonTable,
  formatComparisonTables,
  formatLabelCaveat,
  formatMetric,
  paperFiguresFor,
} from '../../../examples/douyin-churn/table';
import { buildRunResults, FIXTURE_MODELS } from './fixture';

describe('formatComparisonTable', () => {
  const { summary } = buildRunResults();

  it.each(['paper', 'noLeak'] as const)('lists every model (%s)', (setting) => {
    const text = formatComparisonTable(summary, setting);
    for (const { model } of FIXTURE_MODELS) {
      expect(text).toContain(model);
    }
    expect(text).toContain('±');
  });

  it('has the Table 2 columns', () => {
    const header = formatComparisonTable(summary, 'paper').split('\n')[2] as string;
    expect(header.split(/\s{2,}/)).toEqual(['Model', 'Accuracy', 'Precision', 'Recall', 'F1', 'AUC']);
  });

  it('prints metrics with 3 and AUC with 4 decimals', () => {
    const row = summary.find((candidate) => candidate.key === 'lr' && candidate.setting === 'paper') as SummaryRow;
    const line = formatComparisonTable(summary, 'paper')
      .split('\n')
      .find((candidate) => candidate.startsWith('Logistic regression')) as string;
    expect(line).toContain(`${row.accuracy.mean.toFixed(3)} ± ${(row.accuracy.std as number).toFixed(3)}`);
    expect(line).toContain(`${row.auc.mean.toFixed(4)} ± ${(row.auc.std as number).toFixed(4)}`);
  });

  it('adds paper lines in paper setting', () => {
    const lines = formatComparisonTable(summary, 'paper').split('\n');
    const index = lines.findIndex((line) => line.startsWith('SRML-MCA'));
    const paperLine = lines[index + 1] as string;
    expect(paperLine.trim().split(/\s{2,}/)).toEqual(['paper', '0.984', '—', '—', '0.984', '0.9992']);
  });

  it('omits paper lines for noLeak', () => {
    expect(formatComparisonTable(summary, 'noLeak')).not.toMatch(/^\s+paper\s/m);
  });

  it('omits paper lines on request', () => {
    expect(formatComparisonTable(summary, 'paper', { paper: false })).not.toMatch(/^\s+paper\s/m);
  });

  it('states sample std footnote', () => {
    expect(formatComparisonTable(summary, 'paper')).toMatch(/sample standard deviation \(divisor n − 1\) over 2 folds/);
  });

  it('keeps only the requested setting', () => {
    const text = formatComparisonTable(summary, 'noLeak');
    const noLeakRow = summary.find((row) => row.key === 'lr' && row.setting === 'noLeak') as SummaryRow;
    const paperRow = summary.find((row) => row.key === 'lr' && row.setting === 'paper') as SummaryRow;
    expect(text).toContain(formatMetric(noLeakRow.auc, 4));
    expect(text).not.toContain(formatMetric(paperRow.auc, 4));
  });

  it('shows single-fold cells without ±', () => {
    const single: SummaryRow = { ...(summary[0] as SummaryRow), accuracy: { mean: 0.5, std: null, n: 1 } };
    expect(formatComparisonTable([single], 'paper')).toMatch(/SRML-MCA\s+0\.500\s/);
  });

  it('shows undefined AUC as dash', () => {
    const row: SummaryRow = { ...(summary[0] as SummaryRow), auc: { mean: Number.NaN, std: null, n: 0 } };
    const line = formatComparisonTable([row], 'paper').split('\n').find((candidate) => candidate.startsWith('SRML-MCA')) as string;
    expect(line.trimEnd().endsWith('—')).toBe(true);
  });

  it('reports an empty setting', () => {
    expect(formatComparisonTable([], 'paper')).toContain('no results for the paper setting');
  });

  it.each([
    ['rows', () => formatComparisonTable(null as unknown as SummaryRow[], 'paper'), /`rows` must be an array/],
    ['setting', () => formatComparisonTable([], 'all' as Setting), /`setting` must be 'paper' or 'noLeak'; received "all"/],
  ])('rejects invalid %s', (_, call, pattern) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(pattern);
  });
});

describe('paperFiguresFor', () => {
  it('finds paper rows by key', () => {
    expect(paperFiguresFor('srml-mca')?.auc).toBe(0.9992);
    expect(paperFiguresFor('lr')?.accuracy).toBe(0.903);
  });

  it('compares the SRML-MCA variants with the SRML-MCA row', () => {
    expect(paperFiguresFor('srml-mca-gated')).toEqual(paperFiguresFor('srml-mca'));
    expect(paperFiguresFor('srml-mca-wide')?.f1).toBe(0.9839);
  });

  it('names the added component in a footnote', () => {
    const base = buildRunResults().summary.filter((row) => row.key === 'srml-mca');
    const gated = base.map((row) => ({ ...row, key: 'srml-mca-gated', model: 'SRML-MCA + input gate' }));
    expect(formatComparisonTable(base, 'paper')).not.toContain('not in the paper');
    const text = formatComparisonTable([...base, ...gated], 'paper');
    expect(text).toContain('SRML-MCA + input gate');
    expect(text).toContain('add a component that is not in the paper');
  });

  it('returns undefined for unreported models', () => {
    expect(paperFiguresFor('srml')).toBeUndefined();
    expect(paperFiguresFor('toString')).toBeUndefined();
  });
});

describe('formatComparisonMarkdown', () => {
  const { summary } = buildRunResults();

  it('builds a markdown table', () => {
    const lines = formatComparisonMarkdown(summary, 'paper').split('\n');
    expect(lines[0]).toBe('| Model | Accuracy | Precision | Recall | F1 | AUC |');
    expect(lines[1]).toBe('| --- | ---: | ---: | ---: | ---: | ---: |');
    expect(lines.filter((line) => line.startsWith('| **'))).toHaveLength(FIXTURE_MODELS.length);
    expect(lines.filter((line) => line.startsWith('| ↳ *paper*'))).toHaveLength(FIXTURE_MODELS.length);
  });

  it('keeps every row at 6 cells', () => {
    const rows = formatComparisonMarkdown(summary, 'noLeak')
      .split('\n')
      .filter((line) => line.startsWith('|'));
    for (const row of rows) {
      expect(row.split(' | ')).toHaveLength(6);
    }
  });
});

describe('formatComparisonTables', () => {
  it('prints paper before noLeak', () => {
    const text = formatComparisonTables(buildRunResults().summary);
    expect(text.indexOf('paper setting')).toBeLessThan(text.indexOf('noLeak setting'));
  });
});

describe('formatLabelCaveat', () => {
  it('names the label formula', () => {
    const text = formatLabelCaveat().replace(/\s+/g, ' ');
    expect(text).toContain('risk = z(Last_Login_Days_Ago) − z(Purchase_Frequency)');
    expect(text).toMatch(/above its median/);
    expect(text).toMatch(/near 1\.0/);
    expect(text).toMatch(/almost no signal/);
  });
});
