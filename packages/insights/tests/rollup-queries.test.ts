// The dashboard's named queries over the rollup tables give the answers the raw telemetry table gives, on a
// lake written by the real LakeWriter (several flushes, so buckets hold several partial rows).
import { join } from 'node:path';
import type { EnrichedReading } from '@tributary/contracts';
import { LakeWriter } from '@tributary/store/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindNamedQuery, type NamedQueryName } from '../src/core/index.js';
import { LakeQueryService } from '../src/local/index.js';
import { aReading, makeTempDir, receivedAt, removeDir } from './lake-fixtures.js';

const hour = 3_600_000;
const start = receivedAt - (receivedAt % hour); // 05:00 UTC
const things = ['pump-1', 'pump-2', 'fan-3'];
const metrics = ['temperature', 'pressure'];

/** Readings of 3 things × 2 metrics over 3 h, every 47 s per series, a few of them scored. */
function readingsOfFlush(flush: number, flushes: number): EnrichedReading[] {
  const readings: EnrichedReading[] = [];
  for (let i = flush; i < (3 * hour) / 47_000; i += flushes) {
    for (const [t, thing] of things.entries()) {
      for (const [m, metric] of metrics.entries()) {
        readings.push(
          aReading({
            thing_name: thing,
            metric,
            value: ((i * 31 + t * 7 + m) % 97) / 4,
            received_at: start + i * 47_000 + t * 11 + m,
            message_id: `${thing}-${i}`,
            anomaly_score: i % 9 === 0 ? (i % 10) / 10 : null,
          }),
        );
      }
    }
  }
  return readings;
}

let workDir: string;
let service: LakeQueryService;

beforeAll(async () => {
  workDir = await makeTempDir('rollup-queries');
  const lakeDir = join(workDir, 'lake');
  const writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
  const flushes = 4;
  for (let flush = 0; flush < flushes; flush += 1) {
    const readings = readingsOfFlush(flush, flushes);
    // A redelivery of part of the flush, which the writer drops and the rollups must not count.
    writer.append('telemetry', [...readings, ...readings.slice(0, 20)]);
    await writer.flush();
  }
  await writer.close();
  service = await LakeQueryService.open({ lakeDir, maxRows: 100_000 });
});

afterAll(async () => {
  await service.close();
  await removeDir(workDir);
});

const runNamed = async (name: NamedQueryName, params: Record<string, unknown>) =>
  (await service.runNamed(name, params)).rows;

describe('named queries over the rollup tables', () => {
  it('exposes telemetry_1m and telemetry_1h as tables of the sandbox, with partial rows to combine', async () => {
    const minutes = await service.query(
      'SELECT count(*) AS partials, count(DISTINCT (thing_name, metric, bucket_start)) AS buckets, ' +
        'sum(reading_count) AS readings FROM telemetry_1m',
    );
    const raw = await service.query('SELECT count(*) AS readings FROM telemetry');
    expect(minutes.rows[0]?.['readings']).toBe(raw.rows[0]?.['readings']);
    expect(Number(minutes.rows[0]?.['partials'])).toBeGreaterThan(Number(minutes.rows[0]?.['buckets']));
    const hours = await service.query('SELECT DISTINCT hour FROM telemetry_1h ORDER BY hour');
    expect(hours.rows).toEqual([{ hour: '05' }, { hour: '06' }, { hour: '07' }]);
  });

  it('latest_values from the hourly rollups equals latest_values over the raw readings', async () => {
    const rawSql = `SELECT thing_name, metric, max_by(value, received_at) AS value, max(received_at) AS received_at
FROM telemetry WHERE received_at >= CAST(? AS TIMESTAMP) GROUP BY thing_name, metric ORDER BY thing_name, metric`;
    for (const since of [start, start + hour + 1_234, start + 3 * hour - 60_000]) {
      const fromRollups = await runNamed('latest_values', { since });
      const fromRaw = await service.query(
        rawSql,
        bindNamedQuery('latest_values', { since }).params.slice(0, 1),
      );
      expect(fromRollups).toEqual(fromRaw.rows);
      expect(fromRollups).toHaveLength(things.length * metrics.length);
    }
    expect(await runNamed('latest_values', { since: start + 4 * hour })).toEqual([]);
  });

  it('thing_series gives the per-minute count, average, min and max of the raw readings', async () => {
    const params = {
      thing_name: 'pump-2',
      metric: 'pressure',
      from: start + 10 * 60_000,
      to: start + 2 * hour,
    };
    const series = await runNamed('thing_series', params);
    const raw = await service.query(
      `SELECT date_trunc('minute', received_at) AS bucket_start, count(*) AS readings, avg(value) AS avg_value,
         min(value) AS min_value, max(value) AS max_value
       FROM telemetry WHERE thing_name = ? AND metric = ? AND received_at >= CAST(? AS TIMESTAMP)
         AND received_at < CAST(? AS TIMESTAMP)
       GROUP BY ALL ORDER BY bucket_start`,
      bindNamedQuery('thing_series', params).params,
    );
    expect(series.length).toBeGreaterThan(100);
    expect(roundedAverages(series)).toEqual(roundedAverages(raw.rows));
  });

  it('fleet_series gives the per-hour aggregate of one metric over every thing', async () => {
    const series = await runNamed('fleet_series', {
      metric: 'temperature',
      from: start,
      to: start + 3 * hour,
    });
    const raw = await service.query(
      `SELECT date_trunc('hour', received_at) AS bucket_start, count(DISTINCT thing_name) AS things,
         count(*) AS readings, avg(value) AS avg_value, min(value) AS min_value, max(value) AS max_value
       FROM telemetry WHERE metric = 'temperature' GROUP BY ALL ORDER BY bucket_start`,
    );
    expect(series).toHaveLength(3);
    expect(series[0]).toMatchObject({ things: 3, bucket_start: new Date(start).toISOString() });
    expect(roundedAverages(series)).toEqual(roundedAverages(raw.rows));
  });
});

/** Sums in another order differ in the last bits of a double. */
const roundedAverages = (rows: readonly Record<string, unknown>[]) =>
  rows.map((row) => ({ ...row, avg_value: Number((row['avg_value'] as number).toFixed(9)) }));
