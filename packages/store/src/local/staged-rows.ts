// Moves validated lake rows into a DuckDB temp table a column at a time, through data chunks, with as few
// native calls as the values allow: a column null in every row is not staged at all, a string column of
// few distinct values travels as an ENUM of them (one call per distinct value, then one copy per chunk),
// numbers and timestamps as DOUBLE (the contract's integers are safe integers, exact in a double) and are
// converted back to their column types by `selectListOf`. Only strings that differ row to row cost a call each.
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

/** A column of a batch and how it is staged; `null` when every row has it null, so it is not staged. */
export interface StagedColumn {
  readonly column: LakeColumn;
  readonly stagedAs: DuckDBType | null;
}

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const rowsPerChunk = 2048;

/** How each column of `rows` is staged. */
export function stagingPlanOf(columns: readonly LakeColumn[], rows: readonly object[]): StagedColumn[] {
  return columns.map((column) => {
    const valueOf = (row: object) => (row as Record<string, unknown>)[column.name] ?? null;
    if (!rows.some((row) => valueOf(row) !== null)) return { column, stagedAs: null };
    if (column.type === 'boolean') return { column, stagedAs: BOOLEAN };
    if (column.type !== 'string') return { column, stagedAs: DOUBLE };
    return { column, stagedAs: enumOfFewValues(rows.map(valueOf) as (string | null)[]) ?? VARCHAR };
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

/** Appends `rows` (validated against the contract, so each value has its column's JS type) to the staging table. */
export async function stageRows(
  connection: DuckDBConnection,
  name: string,
  plan: readonly StagedColumn[],
  rows: readonly object[],
): Promise<void> {
  const staged = plan.filter(({ stagedAs }) => stagedAs !== null);
  const chunk = DuckDBDataChunk.create(staged.map(({ stagedAs }) => stagedAs as DuckDBType));
  const appender = await connection.createAppender(name);
  try {
    for (let first = 0; first < rows.length; first += rowsPerChunk) {
      const count = Math.min(rowsPerChunk, rows.length - first);
      chunk.reset();
      chunk.rowCount = count;
      for (const [index, { column }] of staged.entries()) {
        const vector = chunk.getColumnVector(index);
        for (let row = 0; row < count; row += 1) {
          const value = (rows[first + row] as Record<string, unknown>)[column.name];
          vector.setItem(row, (value ?? null) as never);
        }
        vector.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
