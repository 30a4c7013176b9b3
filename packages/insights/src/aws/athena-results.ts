// Reads a finished Athena query's rows through GetQueryResults, page by page up to the row cap, and turns
// Athena's text cells into the JSON-safe values QueryResult holds, by each column's type.
// https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
import { GetQueryResultsCommand, type AthenaClient, type ColumnInfo, type Row } from '@aws-sdk/client-athena';
import { toJsonSafe, type QueryColumn } from '../core/index.js';

/** The most rows GetQueryResults returns per page. */
const maxPageSize = 1000;

export interface AthenaRows {
  readonly columns: QueryColumn[];
  readonly rows: Record<string, unknown>[];
  readonly truncated: boolean;
}

/**
 * The first `maxRows` rows of a SUCCEEDED query. For a SELECT (`hasHeaderRow`) Athena returns the column
 * names as the first row of the first page; it is skipped.
 */
export async function readAthenaRows(
  client: AthenaClient,
  queryExecutionId: string,
  options: { readonly maxRows: number; readonly hasHeaderRow: boolean },
): Promise<AthenaRows> {
  let columnInfo: ColumnInfo[] = [];
  const dataRows: Row[] = [];
  let headerToSkip = options.hasHeaderRow ? 1 : 0;
  let nextToken: string | undefined;
  do {
    // One row past the cap tells whether there were more.
    const wanted = options.maxRows + 1 - dataRows.length + headerToSkip;
    const page = await client.send(
      new GetQueryResultsCommand({
        QueryExecutionId: queryExecutionId,
        NextToken: nextToken,
        MaxResults: Math.min(wanted, maxPageSize),
      }),
    );
    columnInfo = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? columnInfo;
    dataRows.push(...(page.ResultSet?.Rows ?? []).slice(headerToSkip));
    headerToSkip = 0;
    nextToken = page.NextToken;
  } while (nextToken && dataRows.length <= options.maxRows);

  const columns = columnInfo.map((column) => ({ name: column.Name ?? '', type: column.Type ?? 'varchar' }));
  return {
    columns,
    rows: dataRows.slice(0, options.maxRows).map((row) => rowObjectOf(columns, row)),
    truncated: dataRows.length > options.maxRows,
  };
}

function rowObjectOf(columns: readonly QueryColumn[], row: Row): Record<string, unknown> {
  const cells = row.Data ?? [];
  return Object.fromEntries(
    columns.map((column, index) => [column.name, cellValueOf(column.type, cells[index]?.VarCharValue)]),
  );
}

/**
 * One cell as the local service would give it: integers as numbers when safe, timestamps as ISO-8601 UTC.
 * A NULL cell has no VarCharValue. Types the lake does not use (decimal, date, arrays, maps, rows) stay
 * in Athena's text form.
 */
export function cellValueOf(athenaType: string, text: string | undefined): unknown {
  if (text === undefined) return null;
  const type = athenaType.toLowerCase();
  if (['tinyint', 'smallint', 'integer', 'int', 'bigint'].includes(type)) return toJsonSafe(BigInt(text));
  if (['double', 'real', 'float'].includes(type)) return toJsonSafe(Number(text));
  if (type === 'boolean') return text === 'true';
  if (type === 'timestamp' || type.startsWith('timestamp(')) return isoTimestampOf(text);
  return text;
}

/** `2026-11-25 05:15:30.123` (Athena's TIMESTAMP text, UTC) → `2026-11-25T05:15:30.123Z`. */
function isoTimestampOf(text: string): string {
  const parts = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*$/.exec(text);
  if (!parts) return text;
  return new Date(`${parts[1]}T${parts[2]}${parts[3] ?? ''}Z`).toISOString();
}
