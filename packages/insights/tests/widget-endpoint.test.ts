// GET /api/widget against a real lake: each widget's buckets agree with the same aggregates computed here
// from the raw rows, whichever table (raw telemetry, per-minute or hourly rollups) the range reads.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnrichedReading } from '@tributary/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultDashboard,
  type Aggregation,
  type DeviceListData,
  type SeriesFrame,
} from '../src/core/index.js';
import {
  LakeQueryService,
  LiveFeed,
  startDashboardServer,
  type DashboardServer,
} from '../src/local/index.js';
import { httpRequest } from './http-client.js';
import { aReading, anAnomaly, makeTempDir, removeDir, writeLakeRows } from './lake-fixtures.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const now = Date.UTC(2026, 10, 25, 6, 0, 0);
const things = ['pump-a', 'pump-b', 'pump-c'];
// Per pump: a reading every 3 hours over three days, then every 10 minutes in the last 6 hours (7 s past
// the minute, so no reading sits on a bucket boundary); pump-a alternates temperature and humidity.
const receiveTimes = [
  ...Array.from({ length: 22 }, (_, i) => now - 3 * day + i * 3 * hour),
  ...Array.from({ length: 36 }, (_, i) => now - 6 * hour + i * 10 * minute),
].map((time) => time + 7_000);
const readings: EnrichedReading[] = things.flatMap((thing_name, device) =>
  receiveTimes.map((received_at, i) =>
    aReading({
      thing_name,
      metric: device === 0 && i % 2 === 1 ? 'humidity' : 'temperature',
      value: device * 10 + (i % 7) + i / 1000,
      received_at,
      message_id: `${thing_name}-${i}`,
    }),
  ),
);
// Bursts of falling values within one minute, so rollup rows hold several readings: combining partials
// must weight averages by their reading counts and keep the last value rather than the largest.
for (const burstAt of [now - 2 * hour + 20_000, now - 40 * minute + 5_000]) {
  for (const [device, thing_name] of things.entries()) {
    for (const metric of device === 0 ? ['temperature', 'humidity'] : ['temperature']) {
      [50, 40, 30 + device, 5].forEach((value, n) =>
        readings.push(
          aReading({
            thing_name,
            metric,
            value,
            received_at: burstAt + n * 1_000,
            message_id: `${burstAt}-${n}`,
          }),
        ),
      );
    }
  }
}

let workDir: string;
let queries: LakeQueryService;
let dashboard: DashboardServer;

beforeAll(async () => {
  workDir = await makeTempDir('widgets');
  const lakeDir = join(workDir, 'lake');
  await mkdir(lakeDir);
  await writeLakeRows(lakeDir, 'telemetry', readings);
  await writeLakeRows(lakeDir, 'anomalies', [
    anAnomaly({ received_at: now - 30 * minute, event_id: 'e-1' }),
    anAnomaly({ received_at: now - 29 * minute, event_id: 'e-2', state: 'cleared' }),
    anAnomaly({ received_at: now - 5 * minute, event_id: 'e-3', thing_name: 'pump-b' }),
  ]);
  queries = await LakeQueryService.open({ lakeDir });
  dashboard = await startDashboardServer({
    queryService: queries,
    liveFeed: new LiveFeed(),
    status: () => ({}),
  });
});

afterAll(async () => {
  await dashboard?.close();
  await queries?.close();
  await removeDir(workDir);
});

const widgetOf = <K extends string>(id: string) => {
  const widget = defaultDashboard.widgets.find((w) => w.id === id);
  if (!widget) throw new Error(`no widget ${id}`);
  return widget as Extract<(typeof defaultDashboard.widgets)[number], { kind: K }>;
};

const fetchWidget = (id: string, fromMs: number, toMs: number) =>
  httpRequest(`${dashboard.url}/api/widget?id=${id}&from=${fromMs}&to=${toMs}`);

/** The widget's aggregate of each bucket, computed from the raw rows. */
function expectedBuckets(rows: EnrichedReading[], frame: SeriesFrame, aggregation: Aggregation) {
  const byBucket = new Map<number, EnrichedReading[]>();
  for (const row of rows) {
    const start = row.received_at - (row.received_at % frame.bucketMs);
    byBucket.set(start, [...(byBucket.get(start) ?? []), row]);
  }
  return frame.times.map((time) => {
    const inBucket = byBucket.get(time) ?? [];
    const values = inBucket.map((row) => row.value);
    if (values.length === 0) return null;
    switch (aggregation) {
      case 'avg':
        return values.reduce((sum, v) => sum + v, 0) / values.length;
      case 'min':
        return Math.min(...values);
      case 'max':
        return Math.max(...values);
      case 'count':
        return values.length;
      case 'last':
        return inBucket.reduce((last, row) => (row.received_at >= last.received_at ? row : last)).value;
    }
  });
}

const inRange = (fromMs: number, toMs: number, filter: (row: EnrichedReading) => boolean) =>
  readings.filter((row) => row.received_at >= fromMs && row.received_at < toMs && filter(row));

const closeTo = (values: (number | null)[]) =>
  values.map((value) => (value === null ? null : expect.closeTo(value, 9)));

describe('GET /api/widget', () => {
  it.each([
    ['an hour, from raw telemetry', hour, 'telemetry'],
    ['two days, from the per-minute rollups', 2 * day, 'telemetry_1m'],
  ])('charts the fleet min, avg and max over %s', async (_, rangeMs, source) => {
    const widget = widgetOf<'fleet-series'>('temperature-fleet');
    const answer = await fetchWidget(widget.id, now - rangeMs, now);
    expect(answer.status).toBe(200);
    const frame = answer.json as SeriesFrame;
    expect(frame.source).toBe(source);
    expect(frame.times.length).toBeGreaterThan(1);
    expect(frame.times.length).toBeLessThanOrEqual(widget.maxPoints);
    const rows = inRange(frame.times[0]!, now, (row) => row.metric === 'temperature');
    expect(frame.lines.map((line) => line.label)).toEqual(['min', 'avg', 'max']);
    for (const line of frame.lines)
      expect(line.values).toEqual(closeTo(expectedBuckets(rows, frame, line.aggregation)));
  });

  it('counts readings per hour from the hourly rollups over three days', async () => {
    const widget = widgetOf<'fleet-series'>('readings-fleet');
    const frame = (await fetchWidget(widget.id, now - 3 * day, now)).json as SeriesFrame;
    expect(frame).toMatchObject({ source: 'telemetry_1h', bucketMs: hour });
    expect(frame.times.length).toBeGreaterThan(20);
    const rows = inRange(now - 3 * day, now, (row) => row.metric === 'temperature');
    expect(frame.lines[0]!.values).toEqual(expectedBuckets(rows, frame, 'count'));
  });

  it('charts one line per device with the widget aggregation (avg, last)', async () => {
    for (const [id, metric] of [
      ['temperature-by-device', 'temperature'],
      ['humidity-by-device', 'humidity'],
    ] as const) {
      const widget = widgetOf<'device-series'>(id);
      const frame = (await fetchWidget(id, now - 2 * day, now)).json as SeriesFrame;
      expect(frame.times.length).toBeLessThanOrEqual(widget.maxPoints);
      const charted = things.filter(
        (thing) =>
          inRange(now - 2 * day, now, (r) => r.thing_name === thing && r.metric === metric).length > 0,
      );
      expect(frame.lines.map((line) => line.label)).toEqual(charted);
      for (const line of frame.lines) {
        const rows = inRange(
          frame.times[0]!,
          now,
          (row) => row.thing_name === line.label && row.metric === metric,
        );
        const expected = expectedBuckets(rows, frame, widget.aggregation);
        expect(line.values).toEqual(closeTo(expected));
      }
    }
  });

  it('charts anomalies raised and cleared per bucket, and lists the recent ones', async () => {
    const timeline = (await fetchWidget('anomaly-timeline', now - hour, now)).json as SeriesFrame;
    const total = (label: string) =>
      timeline.lines
        .find((line) => line.label === label)!
        .values.reduce((sum: number, v) => sum + (v ?? 0), 0);
    expect([total('raised'), total('cleared')]).toEqual([2, 1]);
    const table = (await fetchWidget('anomalies', now - hour, now)).json;
    expect(
      table.rows.map((row: { thing_name: string; state: string }) => [row.thing_name, row.state]),
    ).toEqual([
      ['pump-b', 'raised'],
      ['pump-7', 'cleared'],
      ['pump-7', 'raised'],
    ]);
  });

  it('lists every device with its latest value per metric and when it was last seen', async () => {
    const list = (await fetchWidget('devices', now - hour, now)).json as DeviceListData;
    const lastOf = (rows: EnrichedReading[]) =>
      rows.reduce((last, row) => (row.received_at > last.received_at ? row : last));
    const latest = (thing: string, metric: string) =>
      lastOf(readings.filter((r) => r.thing_name === thing && r.metric === metric)).value;
    expect(list.devices.map((d) => d.thingName)).toEqual(things);
    expect(list.devices[0]!.latestValues).toEqual({
      temperature: latest('pump-a', 'temperature'),
      humidity: latest('pump-a', 'humidity'),
    });
    expect(list.devices[2]!.lastSeenMs).toBe(
      lastOf(readings.filter((r) => r.thing_name === 'pump-c')).received_at,
    );
  });

  it('answers 404 for an unknown widget and 400 for a range that ends before it starts', async () => {
    const unknown = await fetchWidget('nope', now - hour, now);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('temperature-by-device');
    const backwards = await fetchWidget('temperature-fleet', now, now - hour);
    expect(backwards.status).toBe(400);
    expect(backwards.json.error.code).toBe('BAD_RANGE');
  });
});
