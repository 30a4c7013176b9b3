// One message's path through the platform, from the rows it left in the lake: every lake table carries
// the correlation id the telemetry rule gave the message. Pure: the SQL to run, and the trace it makes.
import type { QueryResult } from './query-result.js';

/** The queries a trace runs, one per lake table, each with the correlation id as its one parameter. */
export const traceQueries = {
  telemetry: `SELECT thing_name, metric, value, device_time, received_at, message_id, thing_type, site, anomaly_score
FROM telemetry WHERE correlation_id = ? ORDER BY metric`,
  anomalies: `SELECT thing_name, metric, state, score, value, detector, received_at
FROM anomalies WHERE correlation_id = ? ORDER BY received_at, metric`,
  quarantine: `SELECT topic, client_id, thing_name, stage, reason, detail, received_at
FROM quarantine WHERE correlation_id = ?`,
} as const;

export type TraceTable = keyof typeof traceQueries;

export interface MessageTrace {
  readonly correlationId: string;
  readonly found: boolean;
  /** What each stage did with the message, in the order of the data path. */
  readonly steps: string[];
}

const text = (value: unknown) => (value === null || value === undefined ? '—' : String(value));

export function assembleTrace(correlationId: string, results: Record<TraceTable, QueryResult>): MessageTrace {
  const readings = results.telemetry.rows;
  const anomalies = results.anomalies.rows;
  const quarantined = results.quarantine.rows;
  const steps: string[] = [];
  const first = readings[0] ?? quarantined[0];
  if (first) {
    steps.push(`ingest     received ${text(first['received_at'])} from thing ${text(first['thing_name'])}`);
  }
  for (const record of quarantined) {
    steps.push(
      `transform  quarantined by ${text(record['stage'])}: ${text(record['reason'])} — ${text(record['detail'])} ` +
        `(topic ${text(record['topic'])}, client ${text(record['client_id'])})`,
    );
  }
  if (readings.length > 0) {
    const head = readings[0]!;
    steps.push(
      `transform  enriched: type ${text(head['thing_type'])}, site ${text(head['site'])}; device time ${text(head['device_time'])}`,
    );
    for (const row of readings) {
      steps.push(
        `store      telemetry ${text(row['metric'])} = ${text(row['value'])} (anomaly score ${text(row['anomaly_score'])})`,
      );
    }
  }
  for (const event of anomalies) {
    steps.push(
      `transform  anomaly ${text(event['state'])} on ${text(event['metric'])}: score ${text(event['score'])} by ${text(event['detector'])}`,
    );
  }
  return { correlationId, found: steps.length > 0, steps };
}
