// The queries the dashboard and the CLI run by name. Written in the SQL that DuckDB and Athena (Trino)
// share: `?` placeholders (the only style both bind), max_by, date_trunc,
// CAST('YYYY-MM-DD HH:MM:SS.sss' AS TIMESTAMP).
// Queries over the rollup tables combine their partial rows (contracts/lake-rollups.ts): sums of counts and
// sums, min of mins, max of maxes, max_by(last_value, last_received_at) — never one row per bucket.
import { QueryError } from './query-error.js';

export interface NamedQueryParameter {
  readonly name: string;
  /** `timestamp` takes epoch milliseconds or an ISO-8601 string and binds a UTC timestamp string. */
  readonly type: 'string' | 'timestamp';
  readonly description: string;
}

export interface NamedQuery {
  readonly description: string;
  readonly sql: string;
  /** In the order of the SQL's `?` placeholders. */
  readonly parameters: readonly NamedQueryParameter[];
}

const since: NamedQueryParameter = {
  name: 'since',
  type: 'timestamp',
  description: 'Only rows received at or after this time.',
};

const seriesRange = (unit: string): NamedQueryParameter[] => [
  {
    name: 'from',
    type: 'timestamp',
    description: `Start of the range, inclusive; a ${unit} starting before it is left out.`,
  },
  { name: 'to', type: 'timestamp', description: `End of the range, exclusive: ${unit}s starting before it.` },
];

export const namedQueries = {
  latest_values: {
    description: 'The latest value of every metric of every thing.',
    // From the hourly rollups: the latest reading received since `since` is the last one of a partial whose
    // last_received_at is at or after `since`, so this equals max_by(value, received_at) over the raw rows.
    // The bucket_start bound only lets the reader skip files and row groups.
    sql: `SELECT thing_name, metric, max_by(last_value, last_received_at) AS value, max(last_received_at) AS received_at
FROM telemetry_1h
WHERE bucket_start >= date_trunc('hour', CAST(? AS TIMESTAMP)) AND last_received_at >= CAST(? AS TIMESTAMP)
GROUP BY thing_name, metric
ORDER BY thing_name, metric`,
    parameters: [since, since],
  },
  thing_series: {
    description:
      'One metric of one thing per minute (readings, average, min, max), for a chart; oldest first.',
    sql: `SELECT bucket_start, CAST(sum(reading_count) AS BIGINT) AS readings,
  sum(value_sum) / sum(reading_count) AS avg_value, min(value_min) AS min_value, max(value_max) AS max_value
FROM telemetry_1m
WHERE thing_name = ? AND metric = ? AND bucket_start >= CAST(? AS TIMESTAMP) AND bucket_start < CAST(? AS TIMESTAMP)
GROUP BY bucket_start
ORDER BY bucket_start`,
    parameters: [
      { name: 'thing_name', type: 'string', description: 'The thing whose series to return.' },
      { name: 'metric', type: 'string', description: 'The metric to chart.' },
      ...seriesRange('minute'),
    ],
  },
  fleet_series: {
    description: 'One metric over the whole fleet per hour (things reporting, readings, average, min, max).',
    sql: `SELECT bucket_start, CAST(count(DISTINCT thing_name) AS BIGINT) AS things,
  CAST(sum(reading_count) AS BIGINT) AS readings, sum(value_sum) / sum(reading_count) AS avg_value,
  min(value_min) AS min_value, max(value_max) AS max_value
FROM telemetry_1h
WHERE metric = ? AND bucket_start >= CAST(? AS TIMESTAMP) AND bucket_start < CAST(? AS TIMESTAMP)
GROUP BY bucket_start
ORDER BY bucket_start`,
    parameters: [
      { name: 'metric', type: 'string', description: 'The metric to aggregate.' },
      ...seriesRange('hour'),
    ],
  },
  thing_readings: {
    description: 'The readings of one thing received in a time range, oldest first.',
    sql: `SELECT received_at, device_time, metric, value, anomaly_score, message_id
FROM telemetry
WHERE thing_name = ? AND received_at >= CAST(? AS TIMESTAMP) AND received_at < CAST(? AS TIMESTAMP)
ORDER BY received_at, metric`,
    parameters: [
      { name: 'thing_name', type: 'string', description: 'The thing whose readings to return.' },
      { name: 'from', type: 'timestamp', description: 'Start of the range, inclusive.' },
      { name: 'to', type: 'timestamp', description: 'End of the range, exclusive.' },
    ],
  },
  quarantine_reasons: {
    description: 'How many messages were quarantined for each reason, most frequent first.',
    sql: `SELECT reason, count(*) AS messages, max(received_at) AS last_received_at
FROM quarantine
WHERE received_at >= CAST(? AS TIMESTAMP)
GROUP BY reason
ORDER BY messages DESC, reason`,
    parameters: [since],
  },
  clock_skew: {
    description:
      'Things whose device clock is more than 5 minutes off their readings’ receive time, worst first ' +
      '(ahead: device time later than receive time; behind: earlier, e.g. buffered while offline).',
    // date_diff('millisecond', a, b) is b - a in DuckDB and in Athena.
    sql: `SELECT thing_name, count(*) AS readings,
  max(date_diff('millisecond', received_at, device_time)) AS max_ahead_ms,
  max(date_diff('millisecond', device_time, received_at)) AS max_behind_ms,
  max(device_time) AS last_device_time, max(received_at) AS last_received_at
FROM telemetry
WHERE received_at >= CAST(? AS TIMESTAMP)
GROUP BY thing_name
HAVING max(abs(date_diff('millisecond', device_time, received_at))) > 300000
ORDER BY max(abs(date_diff('millisecond', device_time, received_at))) DESC, thing_name`,
    parameters: [since],
  },
  sequence_gaps: {
    description:
      'Readings lost before they reached IoT Core: per thing, each gap in the `seq` counter its device sends ' +
      '(readings received since `since`), most recent first.',
    // One row per (thing, seq): a reading's metrics share its seq. Ordered by seq, not by arrival, so
    // readings that arrive out of order leave no gap.
    sql: `SELECT thing_name, previous_sequence + 1 AS first_missing, sequence - 1 AS last_missing,
  sequence - previous_sequence - 1 AS missing, received_at AS received_after_gap
FROM (
  SELECT thing_name, sequence, received_at,
    lag(sequence) OVER (PARTITION BY thing_name ORDER BY sequence) AS previous_sequence
  FROM (
    SELECT thing_name, sequence, min(received_at) AS received_at
    FROM telemetry
    WHERE sequence IS NOT NULL AND received_at >= CAST(? AS TIMESTAMP)
    GROUP BY thing_name, sequence
  ) AS sequenced
) AS ordered
WHERE sequence - previous_sequence > 1
ORDER BY received_after_gap DESC, thing_name
LIMIT 1000`,
    parameters: [since],
  },
  recent_anomalies: {
    description: 'The 100 most recent anomaly alarms raised or cleared.',
    sql: `SELECT received_at, thing_name, metric, state, score, value, detector
FROM anomalies
WHERE received_at >= CAST(? AS TIMESTAMP)
ORDER BY received_at DESC, event_id
LIMIT 100`,
    parameters: [since],
  },
} as const satisfies Record<string, NamedQuery>;

export type NamedQueryName = keyof typeof namedQueries;

/** `2026-11-25 05:15:30.123`, the timestamp literal DuckDB and Athena both CAST to TIMESTAMP (UTC). */
export const lakeTimestampOf = (epochMillis: number): string =>
  new Date(epochMillis).toISOString().replace('T', ' ').replace('Z', '');

/** Checks a named query's parameters and returns them in placeholder order. */
export function bindNamedQuery(
  name: string,
  values: Readonly<Record<string, unknown>>,
): {
  sql: string;
  params: string[];
} {
  if (!Object.hasOwn(namedQueries, name)) {
    throw new QueryError(
      'UNKNOWN_QUERY',
      `There is no named query "${name}"; the named queries are ${Object.keys(namedQueries).join(', ')}.`,
    );
  }
  const query: NamedQuery = namedQueries[name as NamedQueryName];
  const params = query.parameters.map((parameter) => bindParameter(name, parameter, values[parameter.name]));
  return { sql: query.sql, params };
}

/** The largest instant a JS Date holds. */
const maxEpochMillis = 8.64e15;

function bindParameter(queryName: string, parameter: NamedQueryParameter, value: unknown): string {
  if (parameter.type === 'string' && typeof value === 'string') return value;
  if (parameter.type === 'timestamp') {
    const epochMillis = typeof value === 'string' ? Date.parse(value) : value;
    if (typeof epochMillis === 'number' && Math.abs(epochMillis) <= maxEpochMillis)
      return lakeTimestampOf(epochMillis);
  }
  const expected = parameter.type === 'string' ? 'a string' : 'epoch milliseconds or an ISO-8601 string';
  throw new QueryError(
    'BAD_PARAMETERS',
    `Named query "${queryName}" needs parameter "${parameter.name}" as ${expected} (${parameter.description})`,
  );
}
