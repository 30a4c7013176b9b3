// What the dashboard's data endpoint answers for each widget, and how query rows become it. Pure: the
// page (src/web) imports these types, the server (local/widget-endpoint.ts) runs the queries.
import type { Aggregation } from './dashboard-definition.js';
import type { DirectoryDevice } from './device-directory.js';
import type { QueryResult } from './query-result.js';
import type { SeriesPlan } from './series-queries.js';

export interface SeriesLine {
  readonly label: string;
  readonly aggregation: Aggregation;
  /** One per bucket of `times`; null where the line has no reading in that bucket. */
  readonly values: (number | null)[];
  /** Readings behind each value, so the page can merge live readings into an average. */
  readonly readings: (number | null)[];
}

export interface SeriesFrame {
  readonly kind: 'series';
  readonly bucketMs: number;
  /** The table the buckets were read from: raw telemetry, or a rollup for long ranges. */
  readonly source: string;
  /** Bucket starts (epoch ms), ascending, at most the widget's maxPoints. */
  readonly times: number[];
  readonly lines: SeriesLine[];
}

/** What the lake holds of a device: when it last sent a reading and each metric's latest value. */
export interface LakeDevice {
  readonly thingName: string;
  /** Epoch ms of the latest reading the lake holds. */
  readonly lastSeenMs: number;
  readonly latestValues: Readonly<Record<string, number | null>>;
}

/** One row of the device list: the device directory's view of a device and the lake's. */
export interface DeviceRow extends DirectoryDevice {
  /** Epoch ms of the latest reading the lake holds; null when it holds none. */
  readonly lastSeenMs: number | null;
  readonly latestValues: Readonly<Record<string, number | null>>;
}

/** One page of the device list, sorted by thing name. */
export interface DeviceListData {
  readonly kind: 'devices';
  readonly devices: DeviceRow[];
  /** Devices on every page: those the device directory knows and those the lake has readings of. */
  readonly total: number;
  /** Where this page starts in the whole list. */
  readonly offset: number;
  /** False when the server has no device directory, so connection and shadow state are unknown. */
  readonly directory: boolean;
  /** True when the lake had more latest values than one query returns. */
  readonly truncated: boolean;
}

export interface RowsData {
  readonly kind: 'rows';
  readonly rows: Record<string, unknown>[];
}

/** The widget draws from GET /api/status (the platform's counters), which the page polls anyway. */
export interface StatusData {
  readonly kind: 'status';
}

export type WidgetData = SeriesFrame | DeviceListData | RowsData | StatusData;

const numberOrNull = (value: unknown): number | null => {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
};

/** Engines answer timestamps as ISO-8601 (DuckDB adapter) or as `YYYY-MM-DD HH:MM:SS.sss` in UTC (Athena). */
function epochMsOf(value: unknown): number {
  if (typeof value === 'number') return value;
  const text = String(value);
  return Date.parse(/Z$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/**
 * Rows with a `bucket` number (since plan.fromMs) and, per line, a value and readings column, aligned on
 * the union of the lines' buckets.
 */
export function seriesFrameOf(
  plan: SeriesPlan,
  result: QueryResult,
  lines: readonly {
    label: string;
    aggregation: Aggregation;
    valueColumn: string;
    readingsColumn: string;
    key?: string;
  }[],
  keyColumn?: string,
): SeriesFrame {
  const buckets = [...new Set(result.rows.map((row) => Number(row['bucket'])))].sort((a, b) => a - b);
  const indexOfBucket = new Map(buckets.map((bucket, index) => [bucket, index]));
  const shaped = lines.map((line) => ({
    label: line.label,
    aggregation: line.aggregation,
    values: buckets.map(() => null as number | null),
    readings: buckets.map(() => null as number | null),
  }));
  for (const row of result.rows) {
    const index = indexOfBucket.get(Number(row['bucket']))!;
    lines.forEach((line, lineIndex) => {
      if (keyColumn !== undefined && row[keyColumn] !== line.key) return;
      shaped[lineIndex]!.values[index] = numberOrNull(row[line.valueColumn]);
      shaped[lineIndex]!.readings[index] = numberOrNull(row[line.readingsColumn]);
    });
  }
  return {
    kind: 'series',
    bucketMs: plan.bucketMs,
    source: plan.source,
    times: buckets.map((bucket) => plan.fromMs + bucket * plan.bucketMs),
    lines: shaped,
  };
}

/** latest_values rows (one per thing and metric) as one entry per device, sorted by name. */
export function lakeDevicesOf(result: QueryResult): { devices: LakeDevice[]; truncated: boolean } {
  const byThing = new Map<string, { lastSeenMs: number; latestValues: Record<string, number | null> }>();
  for (const row of result.rows) {
    const thingName = String(row['thing_name']);
    const device = byThing.get(thingName) ?? { lastSeenMs: 0, latestValues: {} };
    device.latestValues[String(row['metric'])] = numberOrNull(row['value']);
    device.lastSeenMs = Math.max(device.lastSeenMs, epochMsOf(row['received_at']));
    byThing.set(thingName, device);
  }
  const devices = [...byThing.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([thingName, device]) => ({ thingName, ...device }));
  return { devices, truncated: result.truncated };
}
