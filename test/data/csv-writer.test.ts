import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadUserTable, parseUserTable } from '../../src/data/csv-loader';
import { writeUsersCsv } from '../../src/data/csv-writer';
import { generateUsers } from '../../src/data/synthetic-users';
import type { Column, UserTable } from '../../src/data/user-table';
import { DataError, InvalidArgumentError } from '../../src/errors';

const tempDir = mkdtempSync(join(tmpdir(), 'srml-csv-writer-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** Returns a column's values as a plain array, categories decoded to strings. */
function decodeColumn(column: Column | undefined): unknown[] {
  if (column === undefined) {
    return [];
  }
  if (column.kind === 'categorical') {
    return Array.from(column.codes, (code) => column.categories[code]);
  }
  if (column.kind === 'id') {
    return [...column.values];
  }
  return Array.from(column.values);
}

/** Compares two tables column by column through their decoded values. */
function expectSameTable(actual: UserTable, expected: UserTable): void {
  expect(actual.numRows).toBe(expected.numRows);
  expect([...actual.columns.keys()]).toEqual([...expected.columns.keys()]);
  for (const [name, column] of expected.columns) {
    const other = actual.columns.get(name);
    expect(other?.kind).toBe(column.kind);
    expect(decodeColumn(other)).toEqual(decodeColumn(column));
  }
}

describe('writeUsersCsv', () => {
  it('round-trips generated users', async () => {
    const users = generateUsers(5_000, 4);
    const path = join(tempDir, 'users.csv');
    await writeUsersCsv(users, path);
    expectSameTable(await loadUserTable(path), users);
  });

  it('writes the real file layout', async () => {
    const path = join(tempDir, 'small.csv');
    await writeUsersCsv(generateUsers(2, 1), path);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe(
      ',User_ID,Age,Gender,Location,Income,Interests,Last_Login_Days_Ago,Purchase_Frequency,Average_Order_Value,' +
        'Total_Spending,Product_Category_Preference,Time_Spent_on_Site_Minutes,Pages_Viewed,Newsletter_Subscription',
    );
    expect(lines[1]).toMatch(/^0,#1,\d+,(Male|Female),/);
    expect(lines[1]).toMatch(/,(TRUE|FALSE)$/);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
  });

  it('quotes special characters', async () => {
    const schema = { columns: [{ name: 'id', kind: 'id' as const }, { name: 'city', kind: 'categorical' as const }] };
    const table = parseUserTable('id,city\n"a,1","Home, ""Kitchen"""\nb,"two\nlines"\n', { schema });
    const path = join(tempDir, 'quoted.csv');
    await writeUsersCsv(table, path, { indexColumn: false });
    expect(readFileSync(path, 'utf8')).toBe('id,city\n"a,1","Home, ""Kitchen"""\nb,"two\nlines"\n');
    expectSameTable(await loadUserTable(path, { schema }), table);
  });

  it('rejects an unwritable path', async () => {
    const path = join(tempDir, 'missing-dir', 'x.csv');
    await expect(writeUsersCsv(generateUsers(3, 1), path)).rejects.toThrow(DataError);
    await expect(writeUsersCsv(generateUsers(3, 1), path)).rejects.toThrow(/cannot write ".*x\.csv" \(ENOENT\)/);
  });

  it.each([
    ['indexColumn', { indexColumn: 'yes' }, 'a.csv', /`indexColumn` must be true or false/],
    ['path', {}, '', /`path` must be a non-empty string/],
  ])('rejects bad %s', async (_, options, name, pattern) => {
    const path = name === '' ? '' : join(tempDir, name);
    await expect(writeUsersCsv(generateUsers(3, 1), path, options as never)).rejects.toThrow(InvalidArgumentError);
    await expect(writeUsersCsv(generateUsers(3, 1), path, options as never)).rejects.toThrow(pattern);
  });
});
