/**
 * Writes a {@link UserTable} as CSV through a file stream, in chunks, so tables of millions of
 * rows are written without building the whole text in memory.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { DataError, InvalidArgumentError } from '../errors';
import { requireBoolean } from '../validate';
import type { Column, UserTable } from './user-table';

/** Options of {@link writeUsersCsv}. */
export interface WriteUsersCsvOptions {
  /**
   * Writes a leading unnamed column with the row numbers 0..R−1, as pandas `to_csv` does and as
   * `user_personalized_features.csv` has.
   * @defaultValue `true`
   */
  indexColumn?: boolean;
}

/** Rows formatted per `write` call; about 100 bytes each for the Douyin schema. */
const ROWS_PER_CHUNK = 8192;

/** Quotes a field when it contains a comma, a quote or a line break (RFC 4180). */
function quoteField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatCell(column: Column, row: number): string {
  switch (column.kind) {
    case 'numeric':
      return String(column.values[row]);
    case 'boolean':
      return column.values[row] === 1 ? 'TRUE' : 'FALSE';
    case 'categorical':
      return quoteField(column.categories[column.codes[row] as number] as string);
    case 'id':
      return quoteField(column.values[row] as string);
  }
}

/**
 * Writes `table` to `path` (overwriting it): a header line, then one line per row, with LF line
 * ends. Stored columns appear in schema order; booleans are written as TRUE/FALSE and fields
 * with commas, quotes or line breaks are quoted. {@link loadUserTable} reads the file back with
 * the table's schema.
 *
 * @throws {@link DataError} when the file cannot be written.
 * @example
 * ```ts
 * await writeUsersCsv(generateUsers(100_000, 1), '/tmp/users-100k.csv');
 * ```
 */
export async function writeUsersCsv(table: UserTable, path: string, options: WriteUsersCsvOptions = {}): Promise<void> {
  const indexColumn = requireBoolean('writeUsersCsv', 'indexColumn', options.indexColumn ?? true);
  if (typeof path !== 'string' || path === '') {
    throw new InvalidArgumentError(`writeUsersCsv: \`path\` must be a non-empty string; received ${JSON.stringify(path)}.`);
  }
  const names = [...table.columns.keys()];
  const columns = names.map((name) => table.columns.get(name) as Column);
  const header = [...(indexColumn ? [''] : []), ...names.map(quoteField)].join(',');

  const out = createWriteStream(path);
  // Without a listener an 'error' event would be thrown asynchronously; the awaits below report it.
  out.on('error', () => undefined);
  try {
    await once(out, 'ready');
    let text = `${header}\n`;
    for (let start = 0; start < table.numRows; start += ROWS_PER_CHUNK) {
      const end = Math.min(start + ROWS_PER_CHUNK, table.numRows);
      const lines: string[] = [];
      for (let row = start; row < end; row++) {
        const cells = columns.map((column) => formatCell(column, row));
        lines.push((indexColumn ? `${row},` : '') + cells.join(','));
      }
      text += `${lines.join('\n')}\n`;
      if (!out.write(text)) {
        if (out.errored) {
          throw out.errored;
        }
        await once(out, 'drain');
      }
      text = '';
    }
    if (text !== '') {
      // Only the header is left when the table has no rows.
      out.write(text);
    }
    out.end();
    await finished(out);
  } catch (error) {
    out.destroy();
    const detail = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new DataError(`writeUsersCsv: cannot write ${JSON.stringify(path)} (${detail}). Check that the directory exists and is writable.`);
  }
}
