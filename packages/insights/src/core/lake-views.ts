// The SQL that turns the lake's files into the tables `telemetry`, `anomalies`, `quarantine` and the
// rollups `telemetry_1m` and `telemetry_1h`, with the contract's column types whether or not a table has
// files yet.
import {
  allLakeTables,
  columnsOf,
  duckdbTypeOf,
  partitionKeys,
  type AnyLakeTableName,
} from '@tributary/contracts';

export const lakeTableNames = Object.keys(allLakeTables) as AnyLakeTableName[];

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;
/** For paths the service chooses (the lake root); user values are always bound as parameters. */
export const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** The glob a lake table's data files match; files being written end in `.tmp` and never match it. */
export const dataFilesGlobOf = (lakeDir: string, table: AnyLakeTableName): string =>
  `${lakeDir.replace(/\/+$/, '')}/${table}/**/*.parquet`;

// Partition values are zero-padded strings (contracts/lake.ts); left to guess, DuckDB reads `05` as
// VARCHAR and `11` as BIGINT.
const hiveTypes = `{${partitionKeys.map((key) => `${quoteLiteral(key)}: VARCHAR`).join(', ')}}`;

/**
 * `CREATE OR REPLACE VIEW telemetry AS …` — over the table's Parquet files once it has any, otherwise
 * an empty relation with the same columns, because read_parquet fails when its glob matches nothing.
 */
export function lakeViewSql(lakeDir: string, table: AnyLakeTableName, hasDataFiles: boolean): string {
  const columns = columnsOf(table).map(({ name, type }) => ({
    name: quoteIdentifier(name),
    type: duckdbTypeOf(type),
  }));
  const partitions = partitionKeys.map(quoteIdentifier);
  const select = hasDataFiles
    ? [
        'SELECT',
        [...columns.map((c) => `CAST(${c.name} AS ${c.type}) AS ${c.name}`), ...partitions].join(', '),
        `FROM read_parquet(${quoteLiteral(dataFilesGlobOf(lakeDir, table))}, hive_partitioning = true,`,
        `union_by_name = true, hive_types = ${hiveTypes})`,
      ]
    : [
        'SELECT',
        [
          ...columns.map((c) => `CAST(NULL AS ${c.type}) AS ${c.name}`),
          ...partitions.map((p) => `CAST(NULL AS VARCHAR) AS ${p}`),
        ].join(', '),
        'WHERE false',
      ];
  return `CREATE OR REPLACE VIEW ${quoteIdentifier(table)} AS ${select.join(' ')}`;
}
