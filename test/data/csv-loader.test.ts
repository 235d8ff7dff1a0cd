import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadUserTable, parseUserTable } from '../../src/data/csv-loader';
import { DOUYIN_SCHEMA } from '../../src/data/schema';
import type { TableSchema } from '../../src/data/schema';
import { booleanColumn, categoricalColumn, columnCodes, idColumn, numericColumn } from '../../src/data/user-table';
import { DataError, InvalidArgumentError } from '../../src/errors';
import { REAL_CSV_MISSING, REAL_CSV_PATH } from './real-data';

const SMALL: TableSchema = {
  columns: [
    { name: '', kind: 'ignored' },
    { name: 'id', kind: 'id' },
    { name: 'x', kind: 'numeric' },
    { name: 'city', kind: 'categorical' },
    { name: 'flag', kind: 'boolean' },
  ],
};

const HEADER = ',id,x,city,flag';

function parse(text: string, options: Parameters<typeof parseUserTable>[1] = {}) {
  return parseUserTable(text, { schema: SMALL, ...options });
}

const tempDir = mkdtempSync(join(tmpdir(), 'srml-csv-loader-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function writeTemp(name: string, text: string): string {
  const path = join(tempDir, name);
  writeFileSync(path, text);
  return path;
}

describe('parseUserTable', () => {
  it('parses typed columns', () => {
    const table = parse(`${HEADER}\n0,a,1.5,Paris,TRUE\n1,b,-2e3,Rome,false\n2,c,.25,Paris,Yes\n`);
    expect(table.numRows).toBe(3);
    expect(Array.from(numericColumn(table, 'x'))).toEqual([1.5, -2000, 0.25]);
    expect(Array.from(booleanColumn(table, 'flag'))).toEqual([1, 0, 1]);
    expect(idColumn(table, 'id')).toEqual(['a', 'b', 'c']);
    const city = categoricalColumn(table, 'city');
    expect(city.categories).toEqual(['Paris', 'Rome']);
    expect(Array.from(city.codes)).toEqual([0, 1, 0]);
    expect(table.droppedRows).toBe(0);
    expect([...table.columns.keys()]).toEqual(['id', 'x', 'city', 'flag']);
  });

  it.each([
    ['TRUE', 1], ['true', 1], ['True', 1], ['1', 1], ['yes', 1], ['YES', 1],
    ['FALSE', 0], ['false', 0], ['False', 0], ['0', 0], ['no', 0], ['No', 0],
  ])('boolean text %s', (text, expected) => {
    const table = parse(`${HEADER}\n0,a,1,Paris,${text}\n`);
    expect(booleanColumn(table, 'flag')[0]).toBe(expected);
  });

  it('handles BOM, CRLF and quotes', () => {
    const text = `\ufeff${HEADER}\r\n0,a,1,"Home, Kitchen",TRUE\r\n1,"b ""x""",2,Paris,FALSE\r\n`;
    const table = parse(text);
    expect(categoricalColumn(table, 'city').categories).toEqual(['Home, Kitchen', 'Paris']);
    expect(idColumn(table, 'id')).toEqual(['a', 'b "x"']);
  });

  it('accepts a missing ignored column', () => {
    const table = parse('id,x,city,flag\na,1,Paris,TRUE\n');
    expect(table.numRows).toBe(1);
  });

  it('accepts columns in any order', () => {
    const table = parse('flag,city,x,id\nTRUE,Paris,3,a\n');
    expect(numericColumn(table, 'x')[0]).toBe(3);
    expect(idColumn(table, 'id')).toEqual(['a']);
  });

  it('skips blank lines', () => {
    const table = parse(`${HEADER}\n0,a,1,Paris,TRUE\n\n1,b,2,Rome,TRUE\n\n`);
    expect(table.numRows).toBe(2);
  });

  it('trims only when asked', () => {
    expect(() => parse(`${HEADER}\n0,a, 1,Paris,TRUE\n`)).toThrow(/line 2, column "x": value " 1" is not a decimal number/);
    expect(numericColumn(parse(`${HEADER}\n0,a, 1,Paris,TRUE\n`, { trim: true }), 'x')[0]).toBe(1);
  });

  it.each([
    ['empty text', '', /<string> is empty\. Expected a header line/],
    ['blank lines only', '\n\n', /<string> is empty/],
    ['header only', `${HEADER}\n`, /no usable rows: it has a header but no data rows/],
    ['missing column', ',id,x,city\n0,a,1,Paris\n', /line 1: required column\(s\) \["flag"\] are missing/],
    ['duplicated column', ',id,x,x,city,flag\n0,a,1,2,Paris,TRUE\n', /line 1: column "x" appears twice in the header \(fields 3 and 4\)/],
    ['unknown column', `${HEADER},extra\n0,a,1,Paris,TRUE,9\n`, /column\(s\) \["extra"\] are not in the schema.*unknownColumns: 'ignore'/],
    ['short row', `${HEADER}\n0,a,1,Paris,TRUE\n1,b,2,Rome\n`, /line 3: the row has 4 fields but the header has 5/],
    ['long row', `${HEADER}\n0,a,1,Paris,TRUE,7\n`, /line 2: the row has 6 fields but the header has 5/],
    ['non-numeric value', `${HEADER}\n0,a,abc,Paris,TRUE\n`, /line 2, column "x": value "abc" is not a decimal number/],
    ['NaN text', `${HEADER}\n0,a,NaN,Paris,TRUE\n`, /line 2, column "x": value "NaN" is not a finite number/],
    ['Infinity text', `${HEADER}\n0,a,-Infinity,Paris,TRUE\n`, /column "x": value "-Infinity" is not a finite number/],
    ['inf text', `${HEADER}\n0,a,inf,Paris,TRUE\n`, /column "x": value "inf" is not a finite number/],
    ['overflowing number', `${HEADER}\n0,a,1e999,Paris,TRUE\n`, /value "1e999" is outside the float64 range/],
    ['hex number', `${HEADER}\n0,a,0x10,Paris,TRUE\n`, /value "0x10" is not a decimal number/],
    ['empty numeric cell', `${HEADER}\n0,a,,Paris,TRUE\n`, /column "x": value "" is empty; missing values are not imputed/],
    ['empty categorical cell', `${HEADER}\n0,a,1,,TRUE\n`, /column "city": value "" is empty/],
    ['bad boolean', `${HEADER}\n0,a,1,Paris,maybe\n`, /column "flag": value "maybe" is not a boolean/],
    ['duplicate id', `${HEADER}\n0,a,1,Paris,TRUE\n1,b,1,Paris,TRUE\n2,a,1,Paris,TRUE\n`, /line 4, column "id": id "a" already appeared on line 2/],
    ['unclosed quote', `${HEADER}\n0,"a,1,Paris,TRUE\n`, /<string> is not valid CSV: Quote Not Closed/],
  ])('rejects %s', (_, text, pattern) => {
    expect(() => parse(text)).toThrow(DataError);
    expect(() => parse(text)).toThrow(pattern);
  });

  it('row errors suggest dropping', () => {
    expect(() => parse(`${HEADER}\n0,a,abc,Paris,TRUE\n`)).toThrow(/Fix the file, or pass onInvalidRow: 'drop'/);
  });

  it('drops invalid rows on request', () => {
    const text = `${HEADER}\n0,a,1,Paris,TRUE\n1,b,NaN,Rome,TRUE\n2,c,3\n3,a,4,Rome,TRUE\n4,d,5,Rome,no\n`;
    const table = parse(text, { onInvalidRow: 'drop' });
    expect(table.numRows).toBe(2);
    expect(table.droppedRows).toBe(3);
    expect(idColumn(table, 'id')).toEqual(['a', 'd']);
    expect(Array.from(numericColumn(table, 'x'))).toEqual([1, 5]);
    expect(table.dropReasons).toHaveLength(3);
    expect(table.dropReasons[0]).toMatch(/line 3, column "x": value "NaN"/);
    expect(table.dropReasons[1]).toMatch(/line 4: the row has 3 fields/);
    expect(table.dropReasons[2]).toMatch(/line 5, column "id": id "a" already appeared on line 2/);
  });

  it('dropped row leaves no category', () => {
    const table = parse(`${HEADER}\n0,a,1,Paris,TRUE\n1,b,x,Rome,TRUE\n`, { onInvalidRow: 'drop' });
    expect(categoricalColumn(table, 'city').categories).toEqual(['Paris']);
  });

  it('rejects all rows dropped', () => {
    expect(() => parse(`${HEADER}\n0,a,x,Paris,TRUE\n`, { onInvalidRow: 'drop' })).toThrow(/all 1 data rows were invalid; the first at line 2, column "x": value "x" is not a decimal number\. Add at least one/);
  });

  it('ignores unknown columns on request', () => {
    const table = parse(`${HEADER},extra\n0,a,1,Paris,TRUE,anything\n`, { unknownColumns: 'ignore' });
    expect(table.columns.has('extra')).toBe(false);
    expect(table.numRows).toBe(1);
  });

  it('names the line of multi-line rows', () => {
    expect(() => parse(`${HEADER}\n0,"a\nb",x,Paris,TRUE\n`)).toThrow(/line 3, column "x"/);
  });

  it.each([
    ['onInvalidRow', { onInvalidRow: 'skip' }, /`onInvalidRow` must be one of 'error', 'drop'/],
    ['unknownColumns', { unknownColumns: 'keep' }, /`unknownColumns` must be one of/],
    ['trim', { trim: 'yes' }, /`trim` must be true or false/],
    ['delimiter', { delimiter: ';;' }, /`delimiter` must be one character/],
    ['schema', { schema: { columns: 'x' } }, /`schema` must be an object with a `columns` array/],
    ['schema kind', { schema: { columns: [{ name: 'a', kind: 'text' }] } }, /needs a string `name` and a `kind`/],
    ['schema duplicate', { schema: { columns: [{ name: 'a', kind: 'numeric' }, { name: 'a', kind: 'id' }] } }, /"a" is declared twice/],
    ['schema ids', { schema: { columns: [{ name: 'a', kind: 'id' }, { name: 'b', kind: 'id' }] } }, /declares 2 `id` columns/],
    ['schema all ignored', { schema: { columns: [{ name: 'a', kind: 'ignored' }] } }, /no column to read/],
  ])('rejects option %s', (_, options, pattern) => {
    expect(() => parseUserTable(`${HEADER}\n0,a,1,Paris,TRUE\n`, options as never)).toThrow(InvalidArgumentError);
    expect(() => parseUserTable(`${HEADER}\n0,a,1,Paris,TRUE\n`, options as never)).toThrow(pattern);
  });

  it('uses another delimiter', () => {
    const table = parse(';id;x;city;flag\n0;a;1,5;Paris;TRUE\n'.replace('1,5', '1.5'), { delimiter: ';' });
    expect(numericColumn(table, 'x')[0]).toBe(1.5);
  });
});

describe('user table accessors', () => {
  const table = parse(`${HEADER}\n0,a,1,Paris,TRUE\n`);

  it('rejects a missing column', () => {
    expect(() => numericColumn(table, 'y')).toThrow(DataError);
    expect(() => numericColumn(table, 'y')).toThrow(/column "y" is missing; the table has \["id","x","city","flag"\]/);
  });

  it('rejects the wrong kind', () => {
    expect(() => numericColumn(table, 'city')).toThrow(/column "city" is categorical, but numeric was expected/);
    expect(() => columnCodes(table, 'x')).toThrow(/column "x" is numeric, but a categorical or boolean column was expected/);
  });

  it('codes booleans as categories', () => {
    const { codes, categories } = columnCodes(table, 'flag');
    expect(categories).toEqual(['false', 'true']);
    expect(Array.from(codes)).toEqual([1]);
  });
});

describe('loadUserTable', () => {
  it('streams a file', async () => {
    const path = writeTemp('ok.csv', `${HEADER}\n0,a,1,Paris,TRUE\n1,b,2,Rome,FALSE\n`);
    const table = await loadUserTable(path, { schema: SMALL });
    expect(table.numRows).toBe(2);
    expect(Array.from(numericColumn(table, 'x'))).toEqual([1, 2]);
  });

  it('names the file in errors', async () => {
    const path = writeTemp('bad.csv', `${HEADER}\n0,a,1,Paris,TRUE\n1,b,oops,Rome,FALSE\n`);
    await expect(loadUserTable(path, { schema: SMALL })).rejects.toThrow(DataError);
    await expect(loadUserTable(path, { schema: SMALL })).rejects.toThrow(/loadUserTable: ".*bad\.csv", line 3, column "x": value "oops"/);
  });

  it.each([
    ['empty file', '', /empty\.csv" is empty/],
    ['header only', `${HEADER}\r\n`, /no usable rows/],
    ['unclosed quote', `${HEADER}\n0,"a,1,Paris,TRUE\n`, /is not valid CSV/],
  ])('rejects %s', async (name, text, pattern) => {
    const path = writeTemp(name === 'empty file' ? 'empty.csv' : `${name.replace(/ /g, '-')}.csv`, text);
    await expect(loadUserTable(path, { schema: SMALL })).rejects.toThrow(pattern);
  });

  it('rejects a missing file', async () => {
    await expect(loadUserTable(join(tempDir, 'absent.csv'))).rejects.toThrow(/cannot read ".*absent\.csv" \(ENOENT\)/);
  });

  it('rejects a directory', async () => {
    await expect(loadUserTable(tempDir)).rejects.toThrow(/is not a regular file/);
  });

  it('reads a file larger than a chunk', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 20_000; i++) {
      lines.push(`${i},u${i},${i},c${i % 7},${i % 2 === 0 ? 'TRUE' : 'FALSE'}`);
    }
    const path = writeTemp('large.csv', `${lines.join('\n')}\n`);
    const table = await loadUserTable(path, { schema: SMALL });
    expect(table.numRows).toBe(20_000);
    expect(numericColumn(table, 'x')[19_999]).toBe(19_999);
    expect(categoricalColumn(table, 'city').categories).toHaveLength(7);
  });

  it.skipIf(REAL_CSV_MISSING)('reads the real file (skipped when ../shared/data is absent)', async () => {
    const table = await loadUserTable(REAL_CSV_PATH);
    expect(table.numRows).toBe(1000);
    expect(table.schema).toBe(DOUYIN_SCHEMA);
    expect(table.columns.size).toBe(14);
    expect(idColumn(table, 'User_ID')[0]).toBe('#1');
    expect(numericColumn(table, 'Age')[0]).toBe(56);
    expect(categoricalColumn(table, 'Product_Category_Preference').categories).toHaveLength(5);
    const newsletter = booleanColumn(table, 'Newsletter_Subscription');
    expect(newsletter.reduce((sum, v) => sum + v, 0)).toBe(507);
  });
});
