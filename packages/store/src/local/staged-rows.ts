// Moves validated lake rows into a DuckDB temp table a column at a time, through data chunks, with as few
// native calls as the values allow. Rows are first laid out as columns (`columnarRowsOf`): one array of values
// per column, numbers in Float64Arrays and each column's strings joined into one, which is also how they cross to
// the publishing worker — a transfer of buffers and a copy of a few long strings instead of a clone of every row
// object and its property names (that clone took a fifth of the platform's main thread in the e2e bench's
// batched run). A column null in every row
// is not staged at all, a string column of few distinct values travels as an ENUM of them (one call per
// distinct value, then one copy per chunk), numbers and timestamps as DOUBLE (the contract's integers are safe
// integers, exact in a double) and are converted back to their column types by `selectListOf`. Only strings that
// differ row to row cost a call each.
import {
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBEnumType,
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

function columnValuesOf(column: LakeColumn, rows: readonly object[]): ColumnValues {
  const { name } = column;
  let nulls: Uint8Array | null = null;
  let nullRows = 0;
  const isNull = (row: number) => {
    nulls ??= new Uint8Array(rows.length);
    nulls[row] = 1;
    nullRows += 1;
  };
  if (column.type === 'string') {
    const strings = new Array<string>(rows.length);
    const lengths = new Uint32Array(rows.length);
    for (let row = 0; row < rows.length; row += 1) {
      const value = (rows[row] as Record<string, unknown>)[name] as string | null | undefined;
      if (value === null || value === undefined) {
        strings[row] = '';
        isNull(row);
      } else {
        strings[row] = value;
        lengths[row] = value.length;
      }
    }
    if (nullRows === rows.length) return { kind: 'null' };
    return { kind: 'string', joined: strings.join(''), lengths, nulls };
  }
  const values = new Float64Array(rows.length);
  for (let row = 0; row < rows.length; row += 1) {
    const value = (rows[row] as Record<string, unknown>)[name] as number | boolean | null | undefined;
    if (value === null || value === undefined) isNull(row);
    else values[row] = Number(value);
  }
  return nullRows === rows.length ? { kind: 'null' } : { kind: 'number', values, nulls };
}

/** The batch's buffers, to transfer with it to another thread rather than copy. */
export function transferablesOf(batch: ColumnarRows): ArrayBuffer[] {
  return batch.columns.flatMap((values) => {
    if (values.kind === 'null') return [];
    const buffers = [values.kind === 'number' ? values.values.buffer : values.lengths.buffer];
    if (values.nulls) buffers.push(values.nulls.buffer);
    return buffers as ArrayBuffer[];
  });
}

/** The strings of a string column, row by row. */
function stringsOf(values: Extract<ColumnValues, { kind: 'string' }>): (string | null)[] {
  const { joined, lengths, nulls } = values;
  const strings = new Array<string | null>(lengths.length);
  let start = 0;
  for (let row = 0; row < lengths.length; row += 1) {
    const end = start + (lengths[row] as number);
    strings[row] = nulls?.[row] === 1 ? null : joined.slice(start, end);
    start = end;
  }
  return strings;
}

type Item = string | number | boolean | null;

/** A column of a batch, how it is staged (`null` when every row has it null, so it is not staged), and its values. */
export interface StagedColumn {
  readonly column: LakeColumn;
  readonly stagedAs: DuckDBType | null;
  /** The value the staged vector takes for a row. */
  readonly itemAt: (row: number) => Item;
}

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const rowsPerChunk = 2048;

/** How each of `columns`, laid out in `batch` (by `columnarRowsOf` for the same columns), is staged. */
export function stagingPlanOf(columns: readonly LakeColumn[], batch: ColumnarRows): StagedColumn[] {
  return columns.map((column, index) => {
    const values = batch.columns[index];
    if (values === undefined) throw new Error(`The batch has no values for column "${column.name}"`);
    if (values.kind === 'null') return { column, stagedAs: null, itemAt: () => null };
    if (values.kind === 'string') {
      const strings = stringsOf(values);
      return { column, stagedAs: enumOfFewValues(strings) ?? VARCHAR, itemAt: (row) => strings[row] ?? null };
    }
    const { values: numbers, nulls } = values;
    if (column.type === 'boolean')
      return { column, stagedAs: BOOLEAN, itemAt: (row) => (nulls?.[row] === 1 ? null : numbers[row] !== 0) };
    const itemAt =
      nulls === null
        ? (row: number) => numbers[row] as number
        : (row: number) => (nulls[row] === 1 ? null : (numbers[row] as number));
    return { column, stagedAs: DOUBLE, itemAt };
  });
}

const sqlTypeOfStaged = (stagedAs: DuckDBType): string =>
  // The appender casts an ENUM chunk to the VARCHAR column it fills.
  stagedAs instanceof DuckDBEnumType ? 'VARCHAR' : stagedAs.toString();

/**
 * An ENUM's members are C strings, and two JS strings with different lone surrogates become the same UTF-8:
 * such values go as VARCHAR.
 */
const unfitForEnum = /[\u0000\uD800-\uDFFF]/;

/** An ENUM of the distinct strings when they are few enough to repay building one. */
function enumOfFewValues(values: readonly (string | null)[]): DuckDBType | undefined {
  const fewEnough = Math.max(1, values.length / 8);
  const distinct = new Set<string>();
  for (const value of values) {
    if (value === null || distinct.has(value)) continue;
    if (distinct.size >= fewEnough || unfitForEnum.test(value)) return undefined;
    distinct.add(value);
  }
  return ENUM([...distinct]);
}

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
      for (const [index, { itemAt }] of staged.entries()) {
        const vector = chunk.getColumnVector(index);
        for (let row = 0; row < count; row += 1) vector.setItem(row, itemAt(first + row) as never);
        vector.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
