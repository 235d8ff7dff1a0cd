/**
 * Column schemas of user tables: which CSV columns exist and how each is parsed. The default
 * schema describes the Douyin personalised-features file used by the SRML-MCA experiments.
 */
import { InvalidArgumentError } from '../errors';

/**
 * Parsing and storage rule of a column.
 * - `numeric`: a finite decimal number, stored as float64.
 * - `categorical`: any non-empty string, stored as integer codes plus a category list.
 * - `boolean`: TRUE/FALSE, True/False, 1/0 or yes/no (any letter case), stored as 0/1 bytes.
 * - `id`: a non-empty string that must be unique over the rows.
 * - `ignored`: may be present or absent; its values are not read.
 */
export type ColumnKind = 'numeric' | 'categorical' | 'boolean' | 'id' | 'ignored';

/** All column kinds, in the order used by error messages. */
export const COLUMN_KINDS: readonly ColumnKind[] = ['numeric', 'categorical', 'boolean', 'id', 'ignored'];

/** One column of a schema. */
export interface ColumnSpec {
  /** Header text of the column, matched exactly (the empty string names an unnamed column). */
  readonly name: string;
  readonly kind: ColumnKind;
}

/** The columns a table must contain. Every column other than `ignored` ones is required. */
export interface TableSchema {
  readonly columns: readonly ColumnSpec[];
}

/**
 * Schema of `user_personalized_features.csv`: 1000 Douyin users with a leading unnamed index
 * column (as written by pandas `to_csv`), a `#n` user id, eight integer-valued numeric columns,
 * four categorical columns and a TRUE/FALSE newsletter flag.
 */
export const DOUYIN_SCHEMA: TableSchema = {
  columns: [
    { name: '', kind: 'ignored' },
    { name: 'User_ID', kind: 'id' },
    { name: 'Age', kind: 'numeric' },
    { name: 'Gender', kind: 'categorical' },
    { name: 'Location', kind: 'categorical' },
    { name: 'Income', kind: 'numeric' },
    { name: 'Interests', kind: 'categorical' },
    { name: 'Last_Login_Days_Ago', kind: 'numeric' },
    { name: 'Purchase_Frequency', kind: 'numeric' },
    { name: 'Average_Order_Value', kind: 'numeric' },
    { name: 'Total_Spending', kind: 'numeric' },
    { name: 'Product_Category_Preference', kind: 'categorical' },
    { name: 'Time_Spent_on_Site_Minutes', kind: 'numeric' },
    { name: 'Pages_Viewed', kind: 'numeric' },
    { name: 'Newsletter_Subscription', kind: 'boolean' },
  ],
};

/** Returns the names of the schema's columns of the given kind, in schema order. */
export function columnsOfKind(schema: TableSchema, kind: ColumnKind): string[] {
  return schema.columns.filter((column) => column.kind === kind).map((column) => column.name);
}

/**
 * Throws {@link InvalidArgumentError} unless the schema has at least one stored column, unique
 * names, known kinds and at most one `id` column.
 */
export function validateSchema(owner: string, schema: TableSchema): void {
  if (typeof schema !== 'object' || schema === null || !Array.isArray(schema.columns)) {
    throw new InvalidArgumentError(
      `${owner}: \`schema\` must be an object with a \`columns\` array; received ${JSON.stringify(schema)}. ` +
        'Pass DOUYIN_SCHEMA or a { columns: [{ name, kind }] } object.',
    );
  }
  const seen = new Set<string>();
  let idColumns = 0;
  for (const column of schema.columns) {
    if (typeof column?.name !== 'string' || !COLUMN_KINDS.includes(column.kind)) {
      throw new InvalidArgumentError(
        `${owner}: every schema column needs a string \`name\` and a \`kind\` in ${JSON.stringify(COLUMN_KINDS)}; ` +
          `received ${JSON.stringify(column)}.`,
      );
    }
    if (seen.has(column.name)) {
      throw new InvalidArgumentError(
        `${owner}: schema column ${JSON.stringify(column.name)} is declared twice. Keep one declaration per column.`,
      );
    }
    seen.add(column.name);
    if (column.kind === 'id') {
      idColumns++;
    }
  }
  if (idColumns > 1) {
    throw new InvalidArgumentError(
      `${owner}: the schema declares ${idColumns} \`id\` columns; at most one is allowed. ` +
        "Declare the others as 'categorical' or 'ignored'.",
    );
  }
  if (schema.columns.every((column) => column.kind === 'ignored')) {
    throw new InvalidArgumentError(`${owner}: the schema has no column to read; declare at least one non-ignored column.`);
  }
}
