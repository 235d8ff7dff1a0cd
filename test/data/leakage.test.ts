import { describe, expect, it } from 'vitest';
import { churnLabelSpec } from '../../src/data/churn-label';
import { auditLeakage, featureColumnsFor } from '../../src/data/leakage';
import { DOUYIN_SCHEMA } from '../../src/data/schema';
import { InvalidArgumentError } from '../../src/errors';
import { captureWarningCodes } from '../helpers/capture-warnings';

const ALL_NUMERIC = [
  'Age', 'Income', 'Last_Login_Days_Ago', 'Purchase_Frequency', 'Average_Order_Value',
  'Total_Spending', 'Time_Spent_on_Site_Minutes', 'Pages_Viewed',
];
const ALL_CATEGORICAL = ['Gender', 'Location', 'Interests', 'Product_Category_Preference', 'Newsletter_Subscription'];

const warnings = captureWarningCodes();

describe('auditLeakage', () => {
  it('lists leaking columns', () => {
    const audit = auditLeakage(churnLabelSpec(), ['Age', 'Purchase_Frequency', 'Gender']);
    expect(audit.leakingColumns).toEqual(['Purchase_Frequency']);
    expect(audit.safeColumns).toEqual(['Age', 'Gender']);
    expect(audit.unusedSourceColumns).toEqual(['Last_Login_Days_Ago']);
    expect(audit.leaks).toBe(true);
  });

  it('passes clean features', () => {
    const audit = auditLeakage({ sourceColumns: ['y'] }, ['a', 'b']);
    expect(audit.leaks).toBe(false);
    expect(audit.leakingColumns).toEqual([]);
  });

  it.each([
    ['spec', { sourceColumns: 'Age' }, ['a'], /`labelSpec.sourceColumns` must be an array/],
    ['features', { sourceColumns: [] }, 'Age', /`featureColumns` must be an array/],
  ])('rejects bad %s', (_, spec, features, pattern) => {
    expect(() => auditLeakage(spec as never, features as never)).toThrow(InvalidArgumentError);
    expect(() => auditLeakage(spec as never, features as never)).toThrow(pattern);
  });
});

describe('featureColumnsFor', () => {
  it('paper keeps every column', () => {
    const columns = featureColumnsFor('paper', DOUYIN_SCHEMA, churnLabelSpec());
    expect(columns.numericColumns).toEqual(ALL_NUMERIC);
    expect(columns.categoricalColumns).toEqual(ALL_CATEGORICAL);
    expect(warnings).toEqual(['feature-columns-paper-leak']);
  });

  it('noLeak drops label sources', () => {
    const columns = featureColumnsFor('noLeak', DOUYIN_SCHEMA, churnLabelSpec());
    expect(columns.numericColumns).toEqual(ALL_NUMERIC.filter((c) => c !== 'Last_Login_Days_Ago' && c !== 'Purchase_Frequency'));
    expect(columns.categoricalColumns).toEqual(ALL_CATEGORICAL);
    expect(auditLeakage(churnLabelSpec(), [...columns.numericColumns, ...columns.categoricalColumns]).leaks).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('rejects unknown setting', () => {
    expect(() => featureColumnsFor('all' as never, DOUYIN_SCHEMA, churnLabelSpec())).toThrow(/`setting` must be one of 'paper', 'noLeak'/);
  });
});
