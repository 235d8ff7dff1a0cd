/**
 * Column-oriented table of raw user records, as read from a CSV file or produced by the
 * synthetic generator, before labelling and preprocessing.
 */
import { DataError } from '../errors';
import type { ColumnKind, TableSchema } from './schema';

/** A numeric column: one float64 per row. */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly values: Float64Array;
}

/**
 * A categorical column: `categories[codes[r]]` is the value of row r. Categories are listed in
 * order of first appearance, so codes depend on row order; the preprocessor assigns its own
 * sorted codes.
 */
export interface CategoricalColumn {
  readonly kind: 'categorical';
  readonly codes: Int32Array;
  readonly categories: string[];
}

/** A boolean column: 1 for true, 0 for false. */
export interface BooleanColumn {
  readonly kind: 'boolean';
  readonly values: Uint8Array;
}

/** An identifier column; values are unique. */
export interface IdColumn {
  readonly kind: 'id';
  readonly values: string[];
}

/** Any stored column. */
export type Column = NumericColumn | CategoricalColumn | BooleanColumn | IdColumn;

/** Raw user records, one typed array (or string array) per column. */
export interface UserTable {
  /** Number of rows R; every column has R entries. */
  readonly numRows: number;
  /** Schema the table was read with; `ignored` columns have no entry in `columns`. */
  readonly schema: TableSchema;
  /** Stored columns by name, in schema order. */
  readonly columns: ReadonlyMap<string, Column>;
  /** Rows skipped because of `onInvalidRow: 'drop'`; 0 for generated tables. */
  readonly droppedRows: number;
  /** Error messages of the first dropped rows (at most 10), so a caller can report why. */
  readonly dropReasons: readonly string[];
}

function getColumn<K extends ColumnKind>(table: UserTable, name: string, kind: K): Extract<Column, { kind: K }> {
  const column = table.columns.get(name);
  if (column === undefined) {
    throw new DataError(
      `UserTable: column ${JSON.stringify(name)} is missing; the table has ${JSON.stringify([...table.columns.keys()])}. ` +
        'Check the column name or load the file with a schema that declares it.',
    );
  }
  if (column.kind !== kind) {
    throw new DataError(
      `UserTable: column ${JSON.stringify(name)} is ${column.kind}, but ${kind} was expected. ` +
        'Choose a column of that kind or change its kind in the schema.',
    );
  }
  return column as Extract<Column, { kind: K }>;
}

/** Returns the values of a numeric column; throws {@link DataError} if it is missing or of another kind. */
export function numericColumn(table: UserTable, name: string): Float64Array {
  return getColumn(table, name, 'numeric').values;
}

/** Returns a categorical column; throws {@link DataError} if it is missing or of another kind. */
export function categoricalColumn(table: UserTable, name: string): CategoricalColumn {
  return getColumn(table, name, 'categorical');
}

/** Returns the 0/1 values of a boolean column; throws {@link DataError} if it is missing or of another kind. */
export function booleanColumn(table: UserTable, name: string): Uint8Array {
  return getColumn(table, name, 'boolean').values;
}

/** Returns the values of an id column; throws {@link DataError} if it is missing or of another kind. */
export function idColumn(table: UserTable, name: string): string[] {
  return getColumn(table, name, 'id').values;
}

/**
 * Returns a categorical or boolean column as integer codes plus category names, so code that
 * groups rows by value treats both kinds alike. Boolean columns map to categories
 * `['false', 'true']` with codes 0 and 1.
 */
export function columnCodes(table: UserTable, name: string): { codes: Int32Array; categories: string[] } {
  const column = table.columns.get(name);
  if (column?.kind === 'categorical') {
    return { codes: column.codes, categories: column.categories };
  }
  if (column?.kind === 'boolean') {
    return { codes: Int32Array.from(column.values), categories: ['false', 'true'] };
  }
  if (column === undefined) {
    throw new DataError(
      `UserTable: column ${JSON.stringify(name)} is missing; the table has ${JSON.stringify([...table.columns.keys()])}. ` +
        'Check the column name.',
    );
  }
  throw new DataError(
    `UserTable: column ${JSON.stringify(name)} is ${column.kind}, but a categorical or boolean column was expected. ` +
      'Choose a categorical or boolean column.',
  );
}
