/**
 * Reads user CSV files into a typed, column-oriented {@link UserTable}. Files are parsed as a
 * stream with csv-parse, so memory grows with the table, not with the text.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import type { Options as CsvOptions } from 'csv-parse';
import { DataError, InvalidArgumentError } from '../errors';
import { requireBoolean, requireOneOf } from '../validate';
import { DOUYIN_SCHEMA, validateSchema } from './schema';
import type { TableSchema } from './schema';
import { UserTableBuilder } from './table-builder';
import type { InvalidRowPolicy, UnknownColumnPolicy } from './table-builder';
import type { UserTable } from './user-table';

export type { InvalidRowPolicy, UnknownColumnPolicy } from './table-builder';

/** Options of {@link loadUserTable} and {@link parseUserTable}. */
export interface LoadUserTableOptions {
  /**
   * Columns to read and how to parse them.
   * @defaultValue {@link DOUYIN_SCHEMA}
   */
  schema?: TableSchema;
  /**
   * `'error'` throws a {@link DataError} at the first invalid data row; `'drop'` skips invalid
   * rows and reports their number in `droppedRows` and their messages in `dropReasons`.
   * @defaultValue `'error'`
   */
  onInvalidRow?: InvalidRowPolicy;
  /**
   * `'error'` rejects header columns the schema does not declare; `'ignore'` skips them.
   * @defaultValue `'error'`
   */
  unknownColumns?: UnknownColumnPolicy;
  /**
   * Removes spaces and tabs around every field (csv-parse `trim`). Off by default, so a cell
   * like `" 56"` is reported instead of being changed silently.
   * @defaultValue `false`
   */
  trim?: boolean;
  /**
   * Field delimiter, one character.
   * @defaultValue `','`
   */
  delimiter?: string;
}

interface ResolvedOptions {
  schema: TableSchema;
  onInvalidRow: InvalidRowPolicy;
  unknownColumns: UnknownColumnPolicy;
  csv: CsvOptions;
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

function resolveOptions(owner: string, options: LoadUserTableOptions): ResolvedOptions {
  const schema = options.schema ?? DOUYIN_SCHEMA;
  validateSchema(owner, schema);
  const onInvalidRow = requireOneOf(owner, 'onInvalidRow', options.onInvalidRow ?? 'error', ['error', 'drop'] as const);
  const unknownColumns = requireOneOf(owner, 'unknownColumns', options.unknownColumns ?? 'error', ['error', 'ignore'] as const);
  const trim = requireBoolean(owner, 'trim', options.trim ?? false);
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new InvalidArgumentError(
      `${owner}: \`delimiter\` must be one character other than a quote or line break; received ${JSON.stringify(delimiter)}.`,
    );
  }
  const csv: CsvOptions = {
    bom: true,
    delimiter,
    info: true,
    // Ragged rows are reported by the builder with the file and line, so that 'drop' can skip them.
    relax_column_count: true,
    // A blank line contains no record; every other line must be a complete row.
    skip_empty_lines: true,
    trim,
  };
  return { schema, onInvalidRow, unknownColumns, csv };
}

/** Wraps a csv-parse syntax error (unclosed quote, stray quote) in a {@link DataError}. */
function csvSyntaxError(owner: string, source: string, error: unknown): DataError {
  const detail = error instanceof Error ? error.message : String(error);
  return new DataError(`${owner}: ${source} is not valid CSV: ${detail}. Fix the quoting on that line.`);
}

function feedRecord(builder: UserTableBuilder, item: CsvRecord, isHeader: boolean): void {
  if (isHeader) {
    builder.setHeader(item.record, item.info.lines);
  } else {
    builder.addRow(item.record, item.info.lines);
  }
}

/**
 * Reads a user CSV file as a stream and returns its typed columns.
 *
 * The first non-empty line is the header. Fields may be quoted (`"Home, Kitchen"`); a UTF-8
 * byte-order mark and CRLF line ends are accepted; blank lines are skipped. Error messages
 * give the file, the line on which the row ends (1-based, the header is line 1), the column and
 * the value.
 *
 * @param path - Path of the CSV file.
 * @param options - Schema and policies; see {@link LoadUserTableOptions}.
 * @returns The table; `droppedRows` counts rows skipped under `onInvalidRow: 'drop'`.
 * @throws {@link DataError} when the file is missing, empty, has only a header, lacks or
 * repeats a column, or (unless dropped) has a row with the wrong number of fields, an empty
 * cell, a non-numeric, NaN or Infinity value in a numeric column, an unrecognised boolean or a
 * repeated id.
 * @throws {@link InvalidArgumentError} for an invalid schema or option.
 * @example
 * ```ts
 * const users = await loadUserTable('data/user_personalized_features.csv');
 * const age = numericColumn(users, 'Age'); // Float64Array of users.numRows values
 * ```
 */
export async function loadUserTable(path: string, options: LoadUserTableOptions = {}): Promise<UserTable> {
  const owner = 'loadUserTable';
  const resolved = resolveOptions(owner, options);
  const source = JSON.stringify(path);

  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(`${owner}: cannot read ${source} (${code ?? String(error)}). Check the path; relative paths start at ${JSON.stringify(process.cwd())}.`);
  }
  if (!isFile) {
    throw new DataError(`${owner}: ${source} is not a regular file. Pass the path of a CSV file.`);
  }

  const builder = new UserTableBuilder({ ...resolved, source, owner });
  const input = createReadStream(path);
  const parser = input.pipe(parse(resolved.csv));
  input.on('error', (error) => parser.destroy(error));

  let isHeader = true;
  try {
    for await (const item of parser as AsyncIterable<CsvRecord>) {
      feedRecord(builder, item, isHeader);
      isHeader = false;
    }
  } catch (error) {
    input.destroy();
    if (error instanceof DataError) {
      throw error;
    }
    throw csvSyntaxError(owner, source, error);
  }
  return builder.finish();
}

/**
 * Parses CSV text held in memory with the same rules as {@link loadUserTable}; messages name
 * the source as `<string>`. Meant for tests and small inputs.
 *
 * @throws {@link DataError} for the same conditions as {@link loadUserTable}.
 * @example
 * ```ts
 * const table = parseUserTable('id,x\na,1\nb,2\n', {
 *   schema: { columns: [{ name: 'id', kind: 'id' }, { name: 'x', kind: 'numeric' }] },
 * });
 * ```
 */
export function parseUserTable(text: string, options: LoadUserTableOptions = {}): UserTable {
  const owner = 'parseUserTable';
  const resolved = resolveOptions(owner, options);
  const source = '<string>';
  if (typeof text !== 'string') {
    throw new InvalidArgumentError(`${owner}: \`text\` must be a string of CSV text; received ${typeof text}.`);
  }
  let records: CsvRecord[];
  try {
    records = parseSync(text, resolved.csv) as CsvRecord[];
  } catch (error) {
    throw csvSyntaxError(owner, source, error);
  }
  const builder = new UserTableBuilder({ ...resolved, source, owner });
  records.forEach((item, index) => feedRecord(builder, item, index === 0));
  return builder.finish();
}
