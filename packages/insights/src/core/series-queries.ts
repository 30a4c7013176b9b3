// Server-side downsampling for the dashboard's charts: the bucket size that keeps a series under its
// widget's maxPoints, the table to read it from (raw telemetry for seconds, the rollups for minutes and
// hours), and the SQL that aggregates each bucket. Rollup partials are combined as named-queries.ts does
// (contracts/lake-rollups.ts). The SQL is the dialect DuckDB and Athena (Trino) share: `?` placeholders,
// date_diff('millisecond', …), max_by, floor.
import type { Aggregation, DeviceSeriesWidget, FleetSeriesWidget } from './dashboard-definition.js';
import { lakeTimestampOf } from './named-queries.js';

const second = 1_000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

/** Bucket sizes a chart may use: round numbers a reader recognises on an axis. */
export const bucketLadderMs = [
  ...[1, 2, 5, 10, 15, 30].map((n) => n * second),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * minute),
  ...[1, 2, 3, 6, 12].map((n) => n * hour),
  ...[1, 2, 7].map((n) => n * day),
];

export type SeriesSource = 'telemetry' | 'telemetry_1m' | 'telemetry_1h';

export interface SeriesPlan {
  /** Start of the first bucket, aligned to the bucket size (UTC epoch), so buckets are stable across reloads. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucketMs: number;
  readonly source: SeriesSource;
}

/** Buckets, aligned to multiples of `bucketMs`, that [fromMs, toMs) touches. */
const bucketsIn = (fromMs: number, toMs: number, bucketMs: number) =>
  Math.floor((toMs - 1) / bucketMs) - Math.floor(fromMs / bucketMs) + 1;

/** The smallest bucket of the ladder (or whole days past it) that gives at most maxPoints buckets. */
export function planSeries(fromMs: number, toMs: number, maxPoints: number): SeriesPlan {
  if (!(maxPoints >= 1))
    throw new RangeError(`A series needs room for at least one point, not ${maxPoints}.`);
  if (!(toMs > fromMs))
    throw new RangeError(`The time range is empty: from ${fromMs} is not before to ${toMs}.`);
  let bucketMs = bucketLadderMs.find((size) => bucketsIn(fromMs, toMs, size) <= maxPoints);
  if (bucketMs === undefined) {
    // Whole days past the ladder; aligning the start may add a bucket, so grow until it fits.
    bucketMs = Math.ceil((toMs - fromMs) / day / maxPoints) * day;
    while (bucketsIn(fromMs, toMs, bucketMs) > maxPoints) bucketMs += day;
  }
  // Rollup buckets are whole minutes or hours, so only a bucket made of whole ones may read them.
  const source: SeriesSource =
    bucketMs % hour === 0 ? 'telemetry_1h' : bucketMs % minute === 0 ? 'telemetry_1m' : 'telemetry';
  return { fromMs: fromMs - (fromMs % bucketMs), toMs, bucketMs, source };
}

export interface SeriesQuery {
  readonly sql: string;
  readonly params: (string | number)[];
}

/** Per aggregation: the expression over raw readings, and the one that combines rollup partials. */
const aggregateSql: Record<Aggregation, { raw: string; rollup: string }> = {
  avg: { raw: 'avg(value)', rollup: 'sum(value_sum) / sum(reading_count)' },
  min: { raw: 'min(value)', rollup: 'min(value_min)' },
  max: { raw: 'max(value)', rollup: 'max(value_max)' },
  last: { raw: 'max_by(value, received_at)', rollup: 'max_by(last_value, last_received_at)' },
  count: { raw: 'count(*)', rollup: 'sum(reading_count)' },
};

const aggregateOf = (aggregation: Aggregation, source: SeriesSource) =>
  aggregateSql[aggregation][source === 'telemetry' ? 'raw' : 'rollup'];

function bucketed(source: SeriesSource | 'anomalies') {
  const time = source === 'telemetry' || source === 'anomalies' ? 'received_at' : 'bucket_start';
  return {
    /** Bucket number since the plan's fromMs; two parameters: fromMs, bucketMs. */
    bucket: `CAST(floor(date_diff('millisecond', CAST(? AS TIMESTAMP), ${time}) / ?) AS BIGINT) AS bucket`,
    /** Two parameters: fromMs, toMs. */
    range: `${time} >= CAST(? AS TIMESTAMP) AND ${time} < CAST(? AS TIMESTAMP)`,
    readings: source === 'telemetry' ? 'count(*)' : 'sum(reading_count)',
  };
}

const rangeParams = (plan: SeriesPlan) => [lakeTimestampOf(plan.fromMs), lakeTimestampOf(plan.toMs)];
const bucketParams = (plan: SeriesPlan) => [lakeTimestampOf(plan.fromMs), plan.bucketMs];

/**
 * One line per device for the widget's metric: the first `maxDevices` devices by name that reported it
 * in the range (found in the hourly rollups, the cheapest table), one row per (device, bucket).
 */
export function deviceSeriesQuery(widget: DeviceSeriesWidget, plan: SeriesPlan): SeriesQuery {
  const { bucket, range, readings } = bucketed(plan.source);
  const sql = `WITH charted AS (
  SELECT DISTINCT thing_name FROM telemetry_1h
  WHERE metric = ? AND bucket_start >= CAST(? AS TIMESTAMP) AND bucket_start < CAST(? AS TIMESTAMP)
  ORDER BY thing_name LIMIT ${Math.max(1, Math.floor(widget.maxDevices))}
)
SELECT thing_name, ${bucket}, ${aggregateOf(widget.aggregation, plan.source)} AS value,
  CAST(${readings} AS BIGINT) AS readings
FROM ${plan.source}
WHERE metric = ? AND thing_name IN (SELECT thing_name FROM charted) AND ${range}
GROUP BY thing_name, 2
ORDER BY thing_name, bucket`;
  const hourFrom = plan.fromMs - (plan.fromMs % hour);
  return {
    sql,
    params: [
      widget.metric,
      lakeTimestampOf(hourFrom),
      lakeTimestampOf(plan.toMs),
      ...bucketParams(plan),
      widget.metric,
      ...rangeParams(plan),
    ],
  };
}

/** The fleet's aggregates of the widget's metric, one column per aggregation, one row per bucket. */
export function fleetSeriesQuery(widget: FleetSeriesWidget, plan: SeriesPlan): SeriesQuery {
  const { bucket, range, readings } = bucketed(plan.source);
  const columns = widget.aggregations.map(
    (aggregation, index) => `${aggregateOf(aggregation, plan.source)} AS value_${index}`,
  );
  const sql = `SELECT ${bucket}, ${columns.join(', ')}, CAST(${readings} AS BIGINT) AS readings
FROM ${plan.source}
WHERE metric = ? AND ${range}
GROUP BY 1
ORDER BY bucket`;
  return { sql, params: [...bucketParams(plan), widget.metric, ...rangeParams(plan)] };
}

/** Anomalies raised and cleared per bucket (from the anomalies table: alarms are few). */
export function anomalyTimelineQuery(plan: SeriesPlan): SeriesQuery {
  const { bucket, range } = bucketed('anomalies');
  const sql = `SELECT ${bucket},
  CAST(sum(CASE WHEN state = 'raised' THEN 1 ELSE 0 END) AS BIGINT) AS raised,
  CAST(sum(CASE WHEN state = 'cleared' THEN 1 ELSE 0 END) AS BIGINT) AS cleared
FROM anomalies
WHERE ${range}
GROUP BY 1
ORDER BY bucket`;
  return { sql, params: [...bucketParams(plan), ...rangeParams(plan)] };
}
