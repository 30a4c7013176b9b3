// The rollup core: partial aggregates per minute and per hour that combine to the exact aggregates of the
// readings they cover, however the readings were split between flushes.
import type { EnrichedReading, TelemetryRollup } from '@tributary/contracts';
import { aReading } from '@tributary/contracts/testing';
import { describe, expect, it } from 'vitest';
import { combineRollups, rollupsOf } from '../src/core/index.js';

const hour = Date.UTC(2026, 10, 25, 5);

/** 600 readings of 3 things × 2 metrics over 2 h, at irregular times, some scored. */
function someReadings(): EnrichedReading[] {
  return Array.from({ length: 600 }, (_, i) =>
    aReading({
      thing_name: `pump-${i % 3}`,
      metric: i % 2 === 0 ? 'temperature' : 'pressure',
      value: Math.round(Math.sin(i) * 1000) / 10,
      received_at: hour + ((i * 7_919) % 7_200_000),
      message_id: `m-${i}`,
      anomaly_score: i % 5 === 0 ? (i % 11) / 10 : null,
    }),
  );
}

/** The aggregate of one bucket computed straight from its readings, as SQL over the raw table would. */
function exactAggregateOf(readings: readonly EnrichedReading[], bucketStart: number): TelemetryRollup {
  const last = readings.reduce((a, b) => (b.received_at >= a.received_at ? b : a));
  const scores = readings.map((r) => r.anomaly_score).filter((s): s is number => s !== null);
  const values = readings.map((r) => r.value);
  return {
    thing_name: last.thing_name,
    metric: last.metric,
    bucket_start: bucketStart,
    reading_count: readings.length,
    value_sum: values.reduce((a, b) => a + b, 0),
    value_min: Math.min(...values),
    value_max: Math.max(...values),
    last_value: last.value,
    last_received_at: last.received_at,
    max_anomaly_score: scores.length > 0 ? Math.max(...scores) : null,
    thing_type: last.thing_type,
    site: last.site,
  };
}

function exactAggregates(readings: readonly EnrichedReading[], grainMs: number): TelemetryRollup[] {
  const groups = new Map<string, EnrichedReading[]>();
  for (const r of readings) {
    const key = `${r.thing_name}|${r.metric}|${r.received_at - (r.received_at % grainMs)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as EnrichedReading;
    return exactAggregateOf(group, first.received_at - (first.received_at % grainMs));
  });
}

const byKey = (rows: readonly TelemetryRollup[]) =>
  [...rows]
    .map((row) => ({ ...row, value_sum: Number(row.value_sum.toFixed(9)) }))
    .sort((a, b) =>
      `${a.thing_name}|${a.metric}|${a.bucket_start}`.localeCompare(
        `${b.thing_name}|${b.metric}|${b.bucket_start}`,
      ),
    );

describe('rollupsOf', () => {
  it('aggregates each thing, metric and minute / hour of receive time into one row', () => {
    const rollups = rollupsOf([
      aReading({ value: 10, received_at: hour + 1_000, message_id: 'a' }),
      aReading({ value: 30, received_at: hour + 59_999, message_id: 'b', anomaly_score: 0.4 }),
      aReading({ value: 20, received_at: hour + 60_000, message_id: 'c' }),
    ]);
    expect(rollups.telemetry_1m).toEqual([
      expect.objectContaining({
        bucket_start: hour,
        reading_count: 2,
        value_sum: 40,
        value_min: 10,
        value_max: 30,
        last_value: 30,
        last_received_at: hour + 59_999,
        max_anomaly_score: 0.4,
      }),
      expect.objectContaining({ bucket_start: hour + 60_000, reading_count: 1, max_anomaly_score: null }),
    ]);
    expect(rollups.telemetry_1h).toEqual([
      expect.objectContaining({ bucket_start: hour, reading_count: 3, value_sum: 60, last_value: 20 }),
    ]);
  });

  it('gives partials that combine to the exact aggregates of the raw rows, however the rows were split', () => {
    const readings = someReadings();
    // Flushes of uneven sizes, each with its own partials for the buckets it touched.
    const flushes = [
      readings.slice(0, 7),
      readings.slice(7, 250),
      readings.slice(250, 251),
      readings.slice(251),
    ];
    const partials = flushes.map(rollupsOf);
    for (const [table, grainMs] of [
      ['telemetry_1m', 60_000],
      ['telemetry_1h', 3_600_000],
    ] as const) {
      const combined = combineRollups(partials.flatMap((p) => p[table]));
      expect(partials.flatMap((p) => p[table]).length).toBeGreaterThan(combined.length);
      expect(byKey(combined)).toEqual(byKey(exactAggregates(readings, grainMs)));
      expect(byKey(rollupsOf(readings)[table])).toEqual(byKey(combined));
    }
  });

  it('keeps the value received last even when readings arrive out of order', () => {
    const [rollup] = rollupsOf([
      aReading({ value: 2, received_at: hour + 5_000, message_id: 'late' }),
      aReading({ value: 1, received_at: hour + 1_000, message_id: 'early' }),
    ]).telemetry_1m;
    expect(rollup).toMatchObject({ last_value: 2, last_received_at: hour + 5_000 });
  });

  it('returns no rows for no readings', () => {
    expect(rollupsOf([])).toEqual({ telemetry_1m: [], telemetry_1h: [] });
  });
});
