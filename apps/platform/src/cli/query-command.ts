// `tributary query "<sql>"`: runs read-only SQL over the lake and prints the result.
import { readableByteSize } from '@tributary/insights';
import type { QueryResult } from '@tributary/insights/local';
import { parseConfig, type PlatformConfig } from '../config.js';
import { openLakeQueries } from './lake-queries.js';

export async function runQueryCommand(
  sql: string,
  options: { dataDir?: string; format?: string; scanLimit?: string },
): Promise<number> {
  if (sql.trim() === '') {
    process.stderr.write('Give the SQL to run: tributary query "SELECT * FROM telemetry LIMIT 10"\n');
    return 2;
  }
  const format = options.format ?? 'table';
  if (!['table', 'json', 'csv'].includes(format)) {
    process.stderr.write(`Unknown format "${format}": use table, json or csv\n`);
    return 2;
  }
  const config = parseConfig({ dataDir: options.dataDir, scanLimit: options.scanLimit });
  const result = await queryLake(sql, config, options.scanLimit !== undefined);
  process.stdout.write(
    format === 'json'
      ? JSON.stringify(result.rows) + '\n'
      : format === 'csv'
        ? toCsv(result)
        : toTable(result),
  );
  return 0;
}

/** The platform's --scan-limit applies while it runs, or a lower one given here. */
async function queryLake(sql: string, config: PlatformConfig, ownScanLimit: boolean): Promise<QueryResult> {
  const lake = await openLakeQueries(config, ownScanLimit ? { scanLimitBytes: config.scanLimit } : {});
  try {
    return await lake.query(sql);
  } finally {
    await lake.close();
  }
}

const cell = (value: unknown): string => (value === null || value === undefined ? 'NULL' : String(value));

function toTable(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  const rows = result.rows.map((row) => names.map((n) => cell(row[n])));
  const widths = names.map((n, i) => Math.max(n.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ');
  const scanned =
    result.bytesScanned === undefined ? '' : ` — ${readableByteSize(result.bytesScanned)} scanned`;
  const footer = `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'}${result.truncated ? ', truncated' : ''})${scanned}`;
  return [line(names), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line), footer, ''].join(
    '\n',
  );
}

function toCsv(result: QueryResult): string {
  const names = result.columns.map((c) => c.name);
  const quote = (v: unknown) =>
    v === null || v === undefined
      ? ''
      : /[",\n]/.test(String(v))
        ? `"${String(v).replaceAll('"', '""')}"`
        : String(v);
  return (
    [names.join(','), ...result.rows.map((row) => names.map((n) => quote(row[n])).join(','))].join('\n') +
    '\n'
  );
}
