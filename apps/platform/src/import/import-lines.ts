// Turns the lines of a backfill file into telemetry envelopes, the same shape the telemetry rule puts on
// the stream, so imported readings take the platform's validation and enrichment path. A line that cannot
// be read still becomes an envelope: validation quarantines it with its original bytes.
import { topics, type TelemetryEnvelope } from '@tributary/contracts';

export type ImportFormat = 'csv' | 'jsonl';

export const importFormatOf = (path: string): ImportFormat | undefined =>
  path.endsWith('.csv') ? 'csv' : path.endsWith('.jsonl') || path.endsWith('.ndjson') ? 'jsonl' : undefined;

/** Where a line came from: the source name and line number make its ids, so a re-import deduplicates. */
interface LineOrigin {
  readonly source: string;
  readonly lineNumber: number;
}

const thingKeys = ['thing_name', 'thingName', 'thing'];
const timeKeys = ['ts', 'timestamp', 'time'];

/** Epoch ms from a number or an ISO-8601 string; undefined when it is neither. */
function epochMillisOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const asNumber = Number(value);
    if (Number.isFinite(asNumber)) return asNumber;
    const parsed = Date.parse(value);
    if (Number.isFinite(parsed)) return parsed;
  }
  return undefined;
}

function envelopeOf(
  origin: LineOrigin,
  thing: string | undefined,
  payload: string,
  receivedAt: number | undefined,
): TelemetryEnvelope {
  const id = `import-${origin.source}-${origin.lineNumber}`;
  return {
    // A line without a usable thing gets a topic no thing can own: validation quarantines it (UNKNOWN_TOPIC).
    topic: thing ? topics.telemetry(thing) : `import/${origin.source}/line-${origin.lineNumber}`,
    clientId: `import:${origin.source}:${origin.lineNumber}`,
    // Backfilled readings are placed by their original time, as if received then.
    receivedAt: receivedAt ?? Date.now(),
    correlationId: id,
    payload: Buffer.from(payload).toString('base64'),
  };
}

/** One JSON object per line: `{"thing_name": "...", "ts": 1764050000000, "metrics": {...}, "messageId"?: "..."}`. */
export function envelopeOfJsonLine(line: string, origin: LineOrigin): TelemetryEnvelope {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
    if (record === null || typeof record !== 'object' || Array.isArray(record))
      throw new Error('not an object');
  } catch {
    return envelopeOf(origin, undefined, line, undefined);
  }
  const thing = thingKeys.map((k) => record[k]).find((v) => typeof v === 'string') as string | undefined;
  const time = timeKeys.map((k) => record[k]).find((v) => v !== undefined);
  const ts = epochMillisOf(time);
  const payload = JSON.stringify({
    messageId: record['messageId'] ?? `${origin.source}:${origin.lineNumber}`,
    ts: ts ?? time,
    metrics: record['metrics'],
  });
  return envelopeOf(origin, thing, payload, ts);
}

/** The columns of a CSV header: which one holds the thing, which the time, and the metric names. */
export interface CsvLayout {
  readonly thingColumn: number;
  readonly timeColumn: number;
  readonly metricColumns: readonly { readonly index: number; readonly name: string }[];
}

export function csvLayoutOf(header: string): CsvLayout {
  const names = header.split(',').map((n) => n.trim());
  const thingColumn = names.findIndex((n) => thingKeys.includes(n));
  const timeColumn = names.findIndex((n) => timeKeys.includes(n));
  if (thingColumn < 0 || timeColumn < 0) {
    throw new Error(
      `The CSV header needs a thing column (${thingKeys.join(' or ')}) and a time column (${timeKeys.join(' or ')}); ` +
        `it has: ${names.join(', ')}`,
    );
  }
  const metricColumns = names
    .map((name, index) => ({ name, index }))
    .filter(({ index }) => index !== thingColumn && index !== timeColumn);
  return { thingColumn, timeColumn, metricColumns };
}

/** `thing_name,ts,temperature,humidity`: one reading per row; an empty cell is a metric not measured. */
export function envelopeOfCsvLine(line: string, layout: CsvLayout, origin: LineOrigin): TelemetryEnvelope {
  const cells = line.split(',').map((c) => c.trim());
  const thing = cells[layout.thingColumn] || undefined;
  const time = cells[layout.timeColumn];
  const ts = epochMillisOf(time);
  const metrics: Record<string, unknown> = {};
  for (const { index, name } of layout.metricColumns) {
    const cell = cells[index];
    if (cell === undefined || cell === '') continue;
    const value = Number(cell);
    // Not a number: kept as text so validation refuses it with its reason.
    metrics[name] = Number.isFinite(value) ? value : cell;
  }
  const payload = JSON.stringify({
    messageId: `${origin.source}:${origin.lineNumber}`,
    ts: ts ?? time,
    metrics,
  });
  return envelopeOf(origin, thing, payload, ts);
}
