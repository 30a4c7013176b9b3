// What a query will read, from DuckDB's optimized plan (json_serialize_plan): for each Parquet scan, the
// files left after hive partition pruning and the columns it reads from them. No I/O: the plan is text.
// https://duckdb.org/docs/stable/data/json/json_functions#json-table-functions (json_serialize_plan)

/** One Parquet scan of a query: the files it opens and the file columns it reads from each. */
export interface ParquetScan {
  readonly files: readonly string[];
  /** Columns stored in the files; partition keys and virtual columns (filename) are not among them. */
  readonly columns: readonly string[];
}

export interface PlannedReads {
  readonly parquetScans: readonly ParquetScan[];
  /** Table functions that read files other than through a Parquet scan (read_text, read_csv …). */
  readonly unmeasuredReads: readonly string[];
}

const parquetScanFunctions = new Set(['read_parquet', 'parquet_scan']);
// Every other DuckDB table function that opens files by path (catalog functions like duckdb_tables do not).
const fileReadingFunction = /^(read_|parquet_|sniff_csv$|glob$)/;

interface SerializedGet {
  readonly type: 'LOGICAL_GET';
  readonly name?: string;
  readonly names?: readonly string[];
  readonly column_indexes?: readonly { readonly index: number }[];
  readonly function_data?: { readonly files?: readonly string[] };
}

/** The reads in `json_serialize_plan(sql, optimize := true)`'s answer, which must not be an error. */
export function plannedReadsOf(serializedPlan: unknown): PlannedReads {
  const gets: SerializedGet[] = [];
  collectGets(serializedPlan, gets);
  const parquetScans: ParquetScan[] = [];
  const unmeasuredReads: string[] = [];
  for (const get of gets) {
    const name = get.name ?? '';
    const files = get.function_data?.files;
    if (parquetScanFunctions.has(name) && files) {
      const names = get.names ?? [];
      // Indexes past the names are DuckDB's virtual columns (the row id of count(*)): nothing stored.
      const columns = (get.column_indexes ?? []).flatMap(({ index }) => names[index] ?? []);
      parquetScans.push({ files, columns });
    } else if (fileReadingFunction.test(name)) {
      unmeasuredReads.push(name);
    }
  }
  return { parquetScans, unmeasuredReads };
}

function collectGets(node: unknown, gets: SerializedGet[]): void {
  if (Array.isArray(node)) {
    for (const child of node) collectGets(child, gets);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if ((node as { type?: unknown }).type === 'LOGICAL_GET') gets.push(node as SerializedGet);
  for (const child of Object.values(node)) collectGets(child, gets);
}

/** A value bound to a `?` or `$n` placeholder, as the query service accepts them. */
export type BoundParameter = string | number | boolean | bigint | null;

// A placeholder in json_serialize_sql's tree. Replaced in the text, not through JSON.parse, which would
// round the tree's 64-bit integers (query_location 18446744073709551615) that json_deserialize_sql checks.
const serializedParameter =
  /\{"class":"PARAMETER","type":"VALUE_PARAMETER","alias":("(?:[^"\\]|\\.)*"),"query_location":(\d+),"identifier":"(\d+)"\}/g;

/**
 * json_serialize_sql's tree of a statement with its `?` / `$n` placeholders replaced by the bound values,
 * so the plan of its json_deserialize_sql prunes partitions as the run with those values does.
 */
export function withParameterValues(serializedSql: string, params: readonly BoundParameter[]): string {
  return serializedSql.replace(
    serializedParameter,
    (placeholder, alias: string, location: string, id: string) => {
      const value = params[Number(id) - 1];
      const serialized = value === undefined ? undefined : serializedValueOf(value);
      if (serialized === undefined) return placeholder;
      return `{"class":"CONSTANT","type":"VALUE_CONSTANT","alias":${alias},"query_location":${location},"value":${serialized}}`;
    },
  );
}

/**
 * A DuckDB Value as its serializer writes it, with the type the Node binding gives a JS value of its
 * kind; undefined for a value it writes otherwise (a bigint past BIGINT binds as HUGEINT).
 */
function serializedValueOf(value: BoundParameter): string | undefined {
  const typed = (id: string, text: string) =>
    `{"type":{"id":"${id}","type_info":null},"is_null":false,"value":${text}}`;
  if (value === null) return '{"type":{"id":"NULL","type_info":null},"is_null":true}';
  if (typeof value === 'string') return typed('VARCHAR', JSON.stringify(value));
  if (typeof value === 'boolean') return typed('BOOLEAN', String(value));
  if (typeof value === 'bigint') {
    return value >= -(2n ** 63n) && value < 2n ** 63n ? typed('BIGINT', value.toString()) : undefined;
  }
  if (!Number.isFinite(value)) return undefined;
  if (Number.isSafeInteger(value)) return typed(value === (value | 0) ? 'INTEGER' : 'BIGINT', String(value));
  return typed('DOUBLE', String(value));
}
