// The queries the dashboard and the CLI run by name. Written in the SQL that DuckDB and Athena (Trino)
// share: `?` placeholders (the only style both bind), max_by, CAST('YYYY-MM-DD HH:MM:SS.sss' AS TIMESTAMP).
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

export const namedQueries = {
  latest_values: {
    description: 'The latest value of every metric of every thing.',
    sql: `SELECT thing_name, metric, max_by(value, received_at) AS value, max(received_at) AS received_at
FROM telemetry
WHERE received_at >= CAST(? AS TIMESTAMP)
GROUP BY thing_name, metric
ORDER BY thing_name, metric`,
    parameters: [since],
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
