// The rollups on AWS: once an hour has closed, one Athena statement per rollup table aggregates that hour's
// telemetry into the table's partition. Locally the lake writer keeps the rollups as partials while data
// arrives (telemetry-rollups.ts); on AWS, Firehose writes telemetry and nothing sees its rows in between,
// so they are computed from the lake instead — in SQL that Athena and DuckDB share, so the same statement
// is tested here on DuckDB against the local writer's rollups.
import {
  allLakeTables,
  columnsOf,
  partitionKeys,
  partitionPathFor,
  partitionValuesFor,
  rollupGrainMillis,
  type RollupTableName,
} from '@tributary/contracts';
import { keyColumnsOf } from './lake-rows.js';

const hourMs = 3_600_000;

/** The unit `date_trunc` aligns each rollup table's buckets to: the grain of rollupGrainMillis. */
const truncationUnitOf: Record<RollupTableName, 'minute' | 'hour'> = {
  telemetry_1m: 'minute',
  telemetry_1h: 'hour',
};

// A grain that is not a date_trunc unit would make this table disagree with the local rollups.
for (const [table, unit] of Object.entries(truncationUnitOf)) {
  const grain = rollupGrainMillis[table as RollupTableName];
  if (grain !== (unit === 'minute' ? 60_000 : hourMs)) {
    throw new Error(`Rollup table "${table}": grain ${grain} ms is not one ${unit}`);
  }
}

/** Each column of a rollup row, as an aggregate over the hour's deduplicated readings. */
function aggregateColumnsOf(table: RollupTableName): Record<string, string> {
  const bucket = `date_trunc('${truncationUnitOf[table]}', received_at)`;
  return {
    thing_name: 'thing_name',
    metric: 'metric',
    bucket_start: bucket,
    reading_count: 'count(*)',
    value_sum: 'sum(value)',
    value_min: 'min(value)',
    value_max: 'max(value)',
    last_value: 'max_by(value, received_at)',
    last_received_at: 'max(received_at)',
    max_anomaly_score: 'max(anomaly_score)',
    thing_type: 'max_by(thing_type, received_at)',
    site: 'max_by(site, received_at)',
  };
}

const partitionFilterOf = (hourStartMs: number): string => {
  const values = partitionValuesFor(hourStartMs);
  return partitionKeys.map((key) => `${key} = '${values[key]}'`).join(' AND ');
};

/**
 * The rollup rows of one closed hour of telemetry, in the table's column order. Firehose and Lambda retries
 * deliver some readings twice on AWS, so each idempotency key counts once: a complete aggregate of a bucket
 * is also a valid partial (contracts/lake-rollups.ts), so readers combine these rows as they combine the
 * local writer's.
 */
export function hourlyRollupSelectSql(table: RollupTableName, hourStartMs: number): string {
  if (hourStartMs % hourMs !== 0) throw new RangeError(`${hourStartMs} is not the start of an hour`);
  const aggregates = aggregateColumnsOf(table);
  const columns = columnsOf(table).map((column) => {
    const expression = aggregates[column.name];
    if (!expression)
      throw new Error(`Rollup table "${table}" has a column no aggregate fills: ${column.name}`);
    return expression === column.name ? expression : `${expression} AS ${column.name}`;
  });
  const key = keyColumnsOf('telemetry').join(', ');
  return [
    `SELECT ${columns.join(', ')}`,
    'FROM (',
    `  SELECT *, row_number() OVER (PARTITION BY ${key} ORDER BY received_at) AS delivery`,
    `  FROM ${allLakeTables.telemetry.name}`,
    `  WHERE ${partitionFilterOf(hourStartMs)}`,
    ') AS readings',
    'WHERE delivery = 1',
    `GROUP BY thing_name, metric, ${aggregates['bucket_start']}`,
  ].join('\n');
}

/**
 * Athena's UNLOAD of the hour's rollups into the rollup table's partition. UNLOAD refuses a location that
 * already holds data, so a second run for the same hour writes nothing twice.
 * https://docs.aws.amazon.com/athena/latest/ug/unload.html
 */
export function hourlyRollupUnloadSql(table: RollupTableName, hourStartMs: number, lakeUri: string): string {
  const location = `${lakeUri.replace(/\/+$/, '')}/${partitionPathFor(table, hourStartMs)}/`;
  return (
    `UNLOAD (${hourlyRollupSelectSql(table, hourStartMs)})\n` +
    `TO '${location}' WITH (format = 'PARQUET', compression = 'ZSTD')`
  );
}

/** How many rows the rollup table's partition of that hour holds: 0 until its UNLOAD ran. */
export function rolledUpRowsSql(table: RollupTableName, hourStartMs: number): string {
  return `SELECT count(*) AS rows FROM ${table} WHERE ${partitionFilterOf(hourStartMs)}`;
}

export interface RollupSchedule {
  /**
   * How long after an hour closes its telemetry is taken as complete: Firehose buffers up to its interval
   * (60 s on DataLakeStack) and the Enrichment Lambda retries for a while. Rows that reach the lake later are
   * in telemetry but not in that hour's rollup.
   */
  readonly settleMinutes: number;
  /** Closed hours looked at on each run, so a failed or missed run is caught up by the next ones. */
  readonly lookbackHours: number;
}

export const defaultRollupSchedule: RollupSchedule = { settleMinutes: 15, lookbackHours: 6 };

/** The starts of the settled hours a run at `nowMs` should make sure are rolled up, oldest first. */
export function hoursToRollUp(nowMs: number, schedule: RollupSchedule = defaultRollupSchedule): number[] {
  const lastSettledHourEnd = nowMs - schedule.settleMinutes * 60_000;
  const lastSettledHourStart = lastSettledHourEnd - (lastSettledHourEnd % hourMs) - hourMs;
  return Array.from(
    { length: schedule.lookbackHours },
    (_, index) => lastSettledHourStart - (schedule.lookbackHours - 1 - index) * hourMs,
  );
}
