// Partial per-minute and per-hour aggregates of telemetry rows (contracts/lake-rollups.ts). The lake writer
// computes them from the rows it has just written — after dropping duplicates — so a redelivered reading is
// never counted twice, and publishes them in the same flush.
import {
  bucketStartOf,
  rollupGrainMillis,
  type EnrichedReading,
  type RollupTableName,
  type TelemetryRollup,
} from '@tributary/contracts';

export const rollupTableNames = Object.keys(rollupGrainMillis) as RollupTableName[];

export const isRollupTable = (table: string): table is RollupTableName =>
  Object.hasOwn(rollupGrainMillis, table);

export type TelemetryRollups = Record<RollupTableName, TelemetryRollup[]>;

/** One partial row per (thing, metric, bucket) touched by `readings`, for each rollup grain. */
export function rollupsOf(readings: readonly EnrichedReading[]): TelemetryRollups {
  return Object.fromEntries(
    rollupTableNames.map((table) => [table, rollupOfGrain(table, readings)]),
  ) as TelemetryRollups;
}

function rollupOfGrain(table: RollupTableName, readings: readonly EnrichedReading[]): TelemetryRollup[] {
  // Thing → metric → bucket start: no key string to build per reading (the writer rolls up every one).
  const byThing = new Map<string, Map<string, Map<number, TelemetryRollup>>>();
  const partials: TelemetryRollup[] = [];
  for (const reading of readings) {
    const bucketStart = bucketStartOf(table, reading.received_at);
    let byMetric = byThing.get(reading.thing_name);
    if (!byMetric) byThing.set(reading.thing_name, (byMetric = new Map()));
    let byBucket = byMetric.get(reading.metric);
    if (!byBucket) byMetric.set(reading.metric, (byBucket = new Map()));
    const partial = byBucket.get(bucketStart);
    if (partial) addReading(partial, reading);
    else {
      const first = firstPartialOf(reading, bucketStart);
      byBucket.set(bucketStart, first);
      partials.push(first);
    }
  }
  return partials;
}

function firstPartialOf(reading: EnrichedReading, bucketStart: number): TelemetryRollup {
  return {
    thing_name: reading.thing_name,
    metric: reading.metric,
    bucket_start: bucketStart,
    reading_count: 1,
    value_sum: reading.value,
    value_min: reading.value,
    value_max: reading.value,
    last_value: reading.value,
    last_received_at: reading.received_at,
    max_anomaly_score: reading.anomaly_score,
    thing_type: reading.thing_type,
    site: reading.site,
  };
}

/** Adds a reading to a partial this module created (mutated in place: the bench rolls up 10M readings). */
function addReading(partial: TelemetryRollup, reading: EnrichedReading): void {
  partial.reading_count += 1;
  partial.value_sum += reading.value;
  partial.value_min = Math.min(partial.value_min, reading.value);
  partial.value_max = Math.max(partial.value_max, reading.value);
  partial.max_anomaly_score = maxOfNullable(partial.max_anomaly_score, reading.anomaly_score);
  // `>=`: of readings received in the same millisecond, the one written later counts as the latest (SQL
  // over the raw rows breaks that tie arbitrarily).
  if (reading.received_at >= partial.last_received_at) {
    partial.last_value = reading.value;
    partial.last_received_at = reading.received_at;
    partial.thing_type = reading.thing_type;
    partial.site = reading.site;
  }
}

/**
 * Combines the partial rows of each (thing, metric, bucket) into one, as the SQL readers do: the exact
 * aggregate of every reading those partials cover.
 */
export function combineRollups(partials: readonly TelemetryRollup[]): TelemetryRollup[] {
  const byBucket = new Map<string, TelemetryRollup>();
  for (const partial of partials) {
    const key = `${partial.thing_name}\u0000${partial.metric}\u0000${partial.bucket_start}`;
    const combined = byBucket.get(key);
    byBucket.set(key, combined ? combinedPair(combined, partial) : partial);
  }
  return [...byBucket.values()];
}

function combinedPair(a: TelemetryRollup, b: TelemetryRollup): TelemetryRollup {
  const latest = b.last_received_at >= a.last_received_at ? b : a;
  return {
    thing_name: a.thing_name,
    metric: a.metric,
    bucket_start: a.bucket_start,
    reading_count: a.reading_count + b.reading_count,
    value_sum: a.value_sum + b.value_sum,
    value_min: Math.min(a.value_min, b.value_min),
    value_max: Math.max(a.value_max, b.value_max),
    last_value: latest.last_value,
    last_received_at: latest.last_received_at,
    max_anomaly_score: maxOfNullable(a.max_anomaly_score, b.max_anomaly_score),
    thing_type: latest.thing_type,
    site: latest.site,
  };
}

const maxOfNullable = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.max(a, b);
