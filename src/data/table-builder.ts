/**
 * Row-by-row builder of a {@link UserTable}: checks the header against the schema, parses and
 * validates each record, and appends it to growable typed columns. The CSV loaders feed it, so
 * the streaming and in-memory paths apply identical rules.
 */
import { DataError } from '../errors';
import type { ColumnKind, TableSchema } from './schema';
import type { Column, UserTable } from './user-table';

/** Policy for a data row that fails validation. */
export type InvalidRowPolicy = 'error' | 'drop';

/** Policy for header columns that the schema does not declare. */
export type UnknownColumnPolicy = 'error' | 'ignore';

/** Options shared by the CSV loaders. */
export interface TableBuilderOptions {
  schema: TableSchema;
  onInvalidRow: InvalidRowPolicy;
  unknownColumns: UnknownColumnPolicy;
  /** Name used in messages: the file path, or "<string>" for in-memory text. */
  source: string;
  /** Name of the public function, used as the message prefix. */
  owner: string;
}

const MAX_DROP_REASONS = 10;
const DECIMAL_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE_TEXT = /^[+-]?(?:nan|inf|infinity)$/i;
const TRUE_TEXT = new Set(['true', '1', 'yes']);
const FALSE_TEXT = new Set(['false', '0', 'no']);

/** One stored column while rows are appended; arrays grow by doubling. */
interface ColumnBuffer {
  name: string;
  kind: Exclude<ColumnKind, 'ignored'>;
  /** Position of the column in each CSV record. */
  field: number;
  numbers: Float64Array;
  bytes: Uint8Array;
  codes: Int32Array;
  strings: string[];
  categoryCodes: Map<string, number>;
  categories: string[];
}

/** A value that failed to parse; the builder turns it into a message with file and line. */
class CellError {
  constructor(
    readonly column: string,
    readonly value: string,
    readonly problem: string,
  ) {}
}

function grow<T extends Float64Array | Uint8Array | Int32Array>(array: T, needed: number): T {
  if (needed <= array.length) {
    return array;
  }
  const bigger = new (array.constructor as new (length: number) => T)(Math.max(needed, array.length * 2, 1024));
  bigger.set(array);
  return bigger;
}

/** Parses a decimal number cell; returns a {@link CellError} for anything else. */
function parseNumber(column: string, text: string): number | CellError {
  if (text === '') {
    return new CellError(column, text, 'is empty; missing values are not imputed');
  }
  if (NON_FINITE_TEXT.test(text)) {
    return new CellError(column, text, 'is not a finite number (NaN and Infinity are not accepted)');
  }
  if (!DECIMAL_NUMBER.test(text)) {
    return new CellError(column, text, 'is not a decimal number');
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    return new CellError(column, text, 'is outside the float64 range');
  }
  return value;
}

function parseBoolean(column: string, text: string): number | CellError {
  const lower = text.toLowerCase();
  if (TRUE_TEXT.has(lower)) {
    return 1;
  }
  if (FALSE_TEXT.has(lower)) {
    return 0;
  }
  return new CellError(column, text, 'is not a boolean (expected TRUE/FALSE, 1/0 or yes/no, in any letter case)');
}

export class UserTableBuilder {
  private readonly options: TableBuilderOptions;
  private buffers: ColumnBuffer[] = [];
  private headerLength = 0;
  private hasHeader = false;
  private numRows = 0;
  private droppedRows = 0;
  private readonly dropReasons: string[] = [];
  private idBuffer: ColumnBuffer | undefined;
  /** Line of the first occurrence of each id, for duplicate messages. */
  private readonly idLines = new Map<string, number>();

  constructor(options: TableBuilderOptions) {
    this.options = options;
  }

  /** Checks the header record (line 1, or the first non-empty line) against the schema. */
  setHeader(fields: string[], line: number): void {
    const { schema, owner, source, unknownColumns } = this.options;
    const positions = new Map<string, number>();
    fields.forEach((name, field) => {
      const earlier = positions.get(name);
      if (earlier !== undefined) {
        throw new DataError(
          `${owner}: ${source}, line ${line}: column ${JSON.stringify(name)} appears twice in the header ` +
            `(fields ${earlier + 1} and ${field + 1}). Rename or remove one of them.`,
        );
      }
      positions.set(name, field);
    });

    const missing = schema.columns.filter((c) => c.kind !== 'ignored' && !positions.has(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw new DataError(
        `${owner}: ${source}, line ${line}: required column(s) ${JSON.stringify(missing)} are missing from the header ` +
          `${JSON.stringify(fields)}. Add them to the file, or pass a schema without them.`,
      );
    }

    const declared = new Set(schema.columns.map((c) => c.name));
    const unknown = fields.filter((name) => !declared.has(name));
    if (unknown.length > 0 && unknownColumns === 'error') {
      throw new DataError(
        `${owner}: ${source}, line ${line}: column(s) ${JSON.stringify(unknown)} are not in the schema. ` +
          "Declare them in the schema (kind 'ignored' to skip them), or pass unknownColumns: 'ignore'.",
      );
    }

    for (const column of schema.columns) {
      const field = positions.get(column.name);
      if (column.kind === 'ignored' || field === undefined) {
        continue;
      }
      const buffer: ColumnBuffer = {
        name: column.name,
        kind: column.kind,
        field,
        numbers: new Float64Array(0),
        bytes: new Uint8Array(0),
        codes: new Int32Array(0),
        strings: [],
        categoryCodes: new Map(),
        categories: [],
      };
      this.buffers.push(buffer);
      if (column.kind === 'id') {
        this.idBuffer = buffer;
      }
    }
    this.headerLength = fields.length;
    this.hasHeader = true;
  }

  /** Validates one data record and appends it, or drops it under `onInvalidRow: 'drop'`. */
  addRow(fields: string[], line: number): void {
    const problem = this.checkRow(fields, line);
    if (problem === undefined) {
      this.appendRow(fields, line);
      return;
    }
    if (this.options.onInvalidRow === 'error') {
      throw new DataError(`${problem} Fix the file, or pass onInvalidRow: 'drop' to skip invalid rows.`);
    }
    this.droppedRows++;
    if (this.dropReasons.length < MAX_DROP_REASONS) {
      this.dropReasons.push(problem);
    }
  }

  /** Returns the finished table; throws if the input had no header or no data rows left. */
  finish(): UserTable {
    const { owner, source, schema } = this.options;
    if (!this.hasHeader) {
      throw new DataError(
        `${owner}: ${source} is empty. Expected a header line naming the columns ` +
          `${JSON.stringify(schema.columns.map((c) => c.name))}, followed by one line per user.`,
      );
    }
    if (this.numRows === 0) {
      // The first reason already names the owner and the source, so drop that prefix here.
      const first = (this.dropReasons[0] ?? '').replace(`${owner}: ${source}, `, '').replace(/\.$/, '');
      const reason =
        this.droppedRows > 0 ? `all ${this.droppedRows} data rows were invalid; the first at ${first}` : 'it has a header but no data rows';
      throw new DataError(`${owner}: ${source} contains no usable rows: ${reason}. Add at least one valid data row.`);
    }

    const n = this.numRows;
    const columns = new Map<string, Column>();
    for (const buffer of this.buffers) {
      columns.set(buffer.name, this.finishColumn(buffer, n));
    }
    return { numRows: n, schema, columns, droppedRows: this.droppedRows, dropReasons: [...this.dropReasons] };
  }

  private finishColumn(buffer: ColumnBuffer, n: number): Column {
    switch (buffer.kind) {
      case 'numeric':
        return { kind: 'numeric', values: buffer.numbers.slice(0, n) };
      case 'boolean':
        return { kind: 'boolean', values: buffer.bytes.slice(0, n) };
      case 'categorical':
        return { kind: 'categorical', codes: buffer.codes.slice(0, n), categories: buffer.categories };
      case 'id':
        return { kind: 'id', values: buffer.strings };
    }
  }

  /** Returns a message describing the first problem of the row, or undefined if it is valid. */
  private checkRow(fields: string[], line: number): string | undefined {
    const { owner, source } = this.options;
    const where = `${owner}: ${source}, line ${line}`;
    if (fields.length !== this.headerLength) {
      return `${where}: the row has ${fields.length} fields but the header has ${this.headerLength}.`;
    }
    for (const buffer of this.buffers) {
      const text = fields[buffer.field] as string;
      const parsed = this.parseCell(buffer, text);
      if (parsed instanceof CellError) {
        return `${where}, column ${JSON.stringify(parsed.column)}: value ${JSON.stringify(parsed.value)} ${parsed.problem}.`;
      }
    }
    if (this.idBuffer !== undefined) {
      const id = fields[this.idBuffer.field] as string;
      const firstLine = this.idLines.get(id);
      if (firstLine !== undefined) {
        return `${where}, column ${JSON.stringify(this.idBuffer.name)}: id ${JSON.stringify(id)} already appeared on line ${firstLine}.`;
      }
    }
    return undefined;
  }

  private parseCell(buffer: ColumnBuffer, text: string): number | string | CellError {
    switch (buffer.kind) {
      case 'numeric':
        return parseNumber(buffer.name, text);
      case 'boolean':
        return parseBoolean(buffer.name, text);
      case 'categorical':
      case 'id':
        return text === '' ? new CellError(buffer.name, text, 'is empty; missing values are not imputed') : text;
    }
  }

  /** Appends a row that {@link checkRow} accepted. */
  private appendRow(fields: string[], line: number): void {
    const row = this.numRows;
    for (const buffer of this.buffers) {
      const text = fields[buffer.field] as string;
      switch (buffer.kind) {
        case 'numeric':
          buffer.numbers = grow(buffer.numbers, row + 1);
          buffer.numbers[row] = Number(text);
          break;
        case 'boolean':
          buffer.bytes = grow(buffer.bytes, row + 1);
          buffer.bytes[row] = TRUE_TEXT.has(text.toLowerCase()) ? 1 : 0;
          break;
        case 'categorical': {
          let code = buffer.categoryCodes.get(text);
          if (code === undefined) {
            code = buffer.categories.length;
            buffer.categoryCodes.set(text, code);
            buffer.categories.push(text);
          }
          buffer.codes = grow(buffer.codes, row + 1);
          buffer.codes[row] = code;
          break;
        }
        case 'id':
          buffer.strings.push(text);
          this.idLines.set(text, line);
          break;
      }
    }
    this.numRows++;
  }
}
