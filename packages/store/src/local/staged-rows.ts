// Moves validated lake rows into a DuckDB temp table a column at a time, through data chunks, with as few
// native calls as the values allow. Rows are first laid out as columns (`columnarRowsOf`): numbers in
// Float64Arrays, strings of few distinct values as those values and an index per row, and every other string
// column joined into one string. That is also how they cross to the publishing worker — a transfer of buffers
// and a copy of a few strings instead of a clone of every row object and its property names (that clone took a
// fifth of the platform's main thread in the e2e bench's batched run). A column null in every row is not staged
// at all; numbers, timestamps and dictionary indexes are copied into each chunk's vectors a buffer at a time
// (a string column of few distinct values becomes an ENUM of them); numbers and timestamps travel as DOUBLE (the
// contract's integers are safe integers, exact in a double) and are converted back to their column types by
// `selectListOf`. Only strings that differ row to row cost a call each.
import duckdb from '@duckdb/node-bindings';
import {
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBEnumType,
  DuckDBTypeId,
  ENUM,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import { duckdbTypeOf, type LakeColumn } from '@tributary/contracts';

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The values of one column of a batch of rows, row by row. */
export type ColumnValues =
  /** Every row has it null. */
  | { readonly kind: 'null' }
  /** Numbers, timestamps (epoch ms) and booleans (1 or 0); `nulls[row]` is 1 where the row has it null. */
  | { readonly kind: 'number'; readonly values: Float64Array; readonly nulls: Uint8Array | null }
  /** Strings of few distinct values: row `row` has `dictionary[indexes[row]]` (0 where `nulls[row]` is 1). */
  | {
      readonly kind: 'dictionary';
      readonly dictionary: readonly string[];
      readonly indexes: Uint32Array;
      readonly nulls: Uint8Array | null;
    }
  /**
   * Strings end to end in one, each `lengths[row]` UTF-16 code units long (0 where `nulls[row]` is 1): one
   * string to copy to another thread instead of one per row.
   */
  | {
      readonly kind: 'string';
      readonly joined: string;
      readonly lengths: Uint32Array;
      readonly nulls: Uint8Array | null;
    };

/** Rows as columns: `columns[i]` holds the values of the i-th of the columns they were laid out for. */
export interface ColumnarRows {
  readonly rowCount: number;
  readonly columns: readonly ColumnValues[];
}

/** Lays `rows` (validated against the contract, so each value has its column's JS type) out as `columns`. */
export function columnarRowsOf(columns: readonly LakeColumn[], rows: readonly object[]): ColumnarRows {
  return { rowCount: rows.length, columns: columns.map((column) => columnValuesOf(column, rows)) };
}

/** Marks rows null, making room for the marks at the first. */
class NullRows {
  marks: Uint8Array | null = null;
  count = 0;
  constructor(private readonly rowCount: number) {}
  mark(row: number): void {
    this.marks ??= new Uint8Array(this.rowCount);
    this.marks[row] = 1;
    this.count += 1;
  }
  get all(): boolean {
    return this.count === this.rowCount;
  }
}

const valueOf = (row: object, name: string): unknown => (row as Record<string, unknown>)[name];

function columnValuesOf(column: LakeColumn, rows: readonly object[]): ColumnValues {
  if (column.type === 'string') return dictionaryOf(column.name, rows) ?? joinedStringsOf(column.name, rows);
  const { name } = column;
  const nulls = new NullRows(rows.length);
  const values = new Float64Array(rows.length);
  for (let row = 0; row < rows.length; row += 1) {
    const value = valueOf(rows[row] as object, name) as number | boolean | null | undefined;
    if (value === null || value === undefined) nulls.mark(row);
    else values[row] = Number(value);
  }
  return nulls.all ? { kind: 'null' } : { kind: 'number', values, nulls: nulls.marks };
}

/**
 * An ENUM's members are C strings, and two JS strings with different lone surrogates become the same UTF-8:
 * such values go as plain strings.
 */
const unfitForEnum = /[\u0000\uD800-\uDFFF]/;

/**
 * The column as a dictionary when its distinct strings are few enough to repay an ENUM (at most one row in 8,
 * and at least one), or undefined at the first distinct string past that (a column of ids gives up early).
 */
function dictionaryOf(name: string, rows: readonly object[]): ColumnValues | undefined {
  const mostDistinct = Math.max(1, rows.length / 8);
  const indexOf = new Map<string, number>();
  const indexes = new Uint32Array(rows.length);
  const nulls = new NullRows(rows.length);
  for (let row = 0; row < rows.length; row += 1) {
    const value = valueOf(rows[row] as object, name) as string | null | undefined;
    if (value === null || value === undefined) {
      nulls.mark(row);
      continue;
    }
    let index = indexOf.get(value);
    if (index === undefined) {
      if (indexOf.size >= mostDistinct || unfitForEnum.test(value)) return undefined;
      index = indexOf.size;
      indexOf.set(value, index);
    }
    indexes[row] = index;
  }
  if (nulls.all) return { kind: 'null' };
  return { kind: 'dictionary', dictionary: [...indexOf.keys()], indexes, nulls: nulls.marks };
}

function joinedStringsOf(name: string, rows: readonly object[]): ColumnValues {
  const strings = new Array<string>(rows.length);
  const lengths = new Uint32Array(rows.length);
  const nulls = new NullRows(rows.length);
  for (let row = 0; row < rows.length; row += 1) {
    const value = valueOf(rows[row] as object, name) as string | null | undefined;
    if (value === null || value === undefined) {
      strings[row] = '';
      nulls.mark(row);
    } else {
      strings[row] = value;
      lengths[row] = value.length;
    }
  }
  if (nulls.all) return { kind: 'null' };
  return { kind: 'string', joined: strings.join(''), lengths, nulls: nulls.marks };
}

/** The batch's buffers, to transfer with it to another thread rather than copy. */
export function transferablesOf(batch: ColumnarRows): ArrayBuffer[] {
  return batch.columns.flatMap((values) => {
    if (values.kind === 'null') return [];
    const buffers: ArrayBufferLike[] = [
      values.kind === 'number'
        ? values.values.buffer
        : values.kind === 'dictionary'
          ? values.indexes.buffer
          : values.lengths.buffer,
    ];
    if (values.nulls) buffers.push(values.nulls.buffer);
    return buffers as ArrayBuffer[];
  });
}

/** Fills a chunk's vector with the column's values for rows [first, first + count) of the batch. */
type VectorFill = (vector: duckdb.Vector, first: number, count: number) => void;

/** A column of a batch, how it is staged (`null` when every row has it null, so it is not staged), and how. */
export interface StagedColumn {
  readonly column: LakeColumn;
  readonly stagedAs: DuckDBType | null;
  readonly fill: VectorFill;
}

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const rowsPerChunk = 2048;

/** How each of `columns`, laid out in `batch` (by `columnarRowsOf` for the same columns), is staged. */
export function stagingPlanOf(columns: readonly LakeColumn[], batch: ColumnarRows): StagedColumn[] {
  return columns.map((column, index) => {
    const values = batch.columns[index];
    if (values === undefined) throw new Error(`The batch has no values for column "${column.name}"`);
    switch (values.kind) {
      case 'null':
        return { column, stagedAs: null, fill: () => undefined };
      case 'string':
        return { column, stagedAs: VARCHAR, fill: stringFill(values) };
      case 'dictionary': {
        const stagedAs = ENUM([...values.dictionary]);
        return { column, stagedAs, fill: bufferFill(enumIndexesOf(stagedAs, values.indexes), values.nulls) };
      }
      case 'number':
        return column.type === 'boolean'
          ? { column, stagedAs: BOOLEAN, fill: bufferFill(Uint8Array.from(values.values), values.nulls) }
          : { column, stagedAs: DOUBLE, fill: bufferFill(values.values, values.nulls) };
    }
  });
}

/** The indexes as the ENUM stores them: one, two or four bytes each, by how many members it has. */
function enumIndexesOf(type: DuckDBEnumType, indexes: Uint32Array): Uint8Array | Uint16Array | Uint32Array {
  switch (type.internalTypeId) {
    case DuckDBTypeId.UTINYINT:
      return Uint8Array.from(indexes);
    case DuckDBTypeId.USMALLINT:
      return Uint16Array.from(indexes);
    case DuckDBTypeId.UINTEGER:
      return indexes;
    default:
      throw new Error(`An ENUM stored as type ${type.internalTypeId} cannot be staged`);
  }
}

/** Copies fixed-width values into the vector a chunk at a time, and clears the validity of the null rows. */
function bufferFill(values: Float64Array | Uint8Array | Uint16Array | Uint32Array, nulls: Uint8Array | null) {
  const width = values.BYTES_PER_ELEMENT;
  return (vector: duckdb.Vector, first: number, count: number): void => {
    duckdb.copy_data_to_vector(
      vector,
      0,
      values.buffer as ArrayBuffer,
      values.byteOffset + first * width,
      count * width,
    );
    if (nulls) setValidity(vector, nulls, first, count);
  };
}

/** Assigns each row's string, one call a row, and clears the validity of the null rows. */
function stringFill(values: Extract<ColumnValues, { kind: 'string' }>): VectorFill {
  const { joined, lengths, nulls } = values;
  const starts = new Uint32Array(lengths.length + 1);
  for (let row = 0; row < lengths.length; row += 1)
    starts[row + 1] = (starts[row] as number) + (lengths[row] as number);
  return (vector, first, count) => {
    for (let row = 0; row < count; row += 1) {
      if (nulls?.[first + row] === 1) continue;
      const text = joined.slice(starts[first + row], starts[first + row + 1]);
      duckdb.vector_assign_string_element(vector, row, text);
    }
    if (nulls) setValidity(vector, nulls, first, count);
  };
}

/** A chunk's validity mask: bit `row` of its little-endian 64-bit words is clear where the row is null. */
function setValidity(vector: duckdb.Vector, nulls: Uint8Array, first: number, count: number): void {
  const mask = new Uint8Array(Math.ceil(count / 64) * 8).fill(0xff);
  let anyNull = false;
  for (let row = 0; row < count; row += 1) {
    if (nulls[first + row] !== 1) continue;
    mask[row >> 3] = (mask[row >> 3] as number) & ~(1 << (row & 7));
    anyNull = true;
  }
  if (!anyNull) return;
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, mask.byteLength);
}

const sqlTypeOfStaged = (stagedAs: DuckDBType): string =>
  // The appender casts an ENUM chunk to the VARCHAR column it fills.
  stagedAs instanceof DuckDBEnumType ? 'VARCHAR' : stagedAs.toString();

/** Creates (replacing any from before) the temp table `name` for the staged columns of `plan`. */
export async function createStagingTable(
  connection: DuckDBConnection,
  name: string,
  plan: readonly StagedColumn[],
): Promise<void> {
  const definitions = plan
    .filter(({ stagedAs }) => stagedAs !== null)
    .map(
      ({ column, stagedAs }) => `${quoteIdentifier(column.name)} ${sqlTypeOfStaged(stagedAs as DuckDBType)}`,
    );
  // Replaced rather than emptied with DELETE: a temp table keeps its deleted rows, and every later scan
  // of it pays for them.
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdentifier(name)} (${definitions.join(', ')})`);
}

/** Every column of the plan as its contract type, for a SELECT over the staging table. */
export function selectListOf(plan: readonly StagedColumn[]): string {
  return plan
    .map(({ column: { name, type }, stagedAs }) => {
      const column = quoteIdentifier(name);
      if (stagedAs === null) return `CAST(NULL AS ${duckdbTypeOf(type)}) AS ${column}`;
      if (type === 'timestamp')
        return `CAST(make_timestamp_ms(CAST(${column} AS BIGINT)) AS TIMESTAMP_MS) AS ${column}`;
      if (type === 'bigint') return `CAST(${column} AS BIGINT) AS ${column}`;
      return column;
    })
    .join(', ');
}

/** Appends the `rowCount` rows whose values the plan holds to the staging table. */
export async function stageRows(
  connection: DuckDBConnection,
  name: string,
  plan: readonly StagedColumn[],
  rowCount: number,
): Promise<void> {
  const staged = plan.filter(({ stagedAs }) => stagedAs !== null);
  const chunk = DuckDBDataChunk.create(staged.map(({ stagedAs }) => stagedAs as DuckDBType));
  const appender = await connection.createAppender(name);
  try {
    for (let first = 0; first < rowCount; first += rowsPerChunk) {
      const count = Math.min(rowsPerChunk, rowCount - first);
      chunk.reset();
      chunk.rowCount = count;
      for (const [index, { fill }] of staged.entries()) {
        fill(duckdb.data_chunk_get_vector(chunk.chunk, index), first, count);
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
