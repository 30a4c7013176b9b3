// What the lake writer stages column by column comes back from Parquet exactly as appended: strings of few
// distinct values (staged as an ENUM of one or two bytes a row) and of many, columns null in every row or in some, doubles to the
// last bit, timestamps to the millisecond, booleans and integers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { LakeTableName, LifecycleEventRecord } from '@tributary/contracts';
import { aReading, receivedAt } from '@tributary/contracts/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LakeRow } from '../src/core/index.js';
import { LakeWriter } from '../src/local/index.js';

let lakeDir: string;

beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-staging-'));
});
afterEach(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

/** Writes the rows through a LakeWriter of their own, then runs `select` on the lake and returns its rows. */
async function writeThenSelect<T extends LakeTableName>(
  table: T,
  rows: LakeRow<T>[],
  select: string,
): Promise<Record<string, unknown>[]> {
  const writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
  try {
    writer.append(table, rows);
    await writer.flush();
  } finally {
    await writer.close();
  }
  const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    return (await duckdb.runAndReadAll(select)).getRowObjectsJS();
  } finally {
    duckdb.closeSync();
  }
}

describe('LakeWriter staging', () => {
  it('reads back every value as appended, whatever mix of distinct, repeated and null values a column holds', async () => {
    const readings = Array.from({ length: 5_000 }, (_, i) =>
      aReading({
        thing_name: `pump-${i % 3}`,
        message_id: `m-${i}`,
        correlation_id: `c-'${i}",\n`,
        value: 0.1 + 0.2 + i * 1e-12,
        device_time: receivedAt - i,
        received_at: receivedAt + i,
        site: i % 2 === 0 ? null : 'hall "b", 🏭',
        unit: 'µS/cm',
        anomaly_score: i % 5 === 0 ? i / 5_000 : null,
        raw_value: i === 7 ? -0.5 : null,
        location: i < 4_000 ? null : `shelf-${i}`,
        // More distinct values than an ENUM holds in one byte, few enough for one of two.
        firmware: i % 3 === 0 ? null : `fw-${i % 400}`,
      }),
    );
    const rows = await writeThenSelect(
      'telemetry',
      readings,
      `SELECT * EXCLUDE (device_time, received_at), epoch_ms(device_time)::DOUBLE AS device_time,
         epoch_ms(received_at)::DOUBLE AS received_at
       FROM read_parquet('${lakeDir}/telemetry/**/*.parquet', hive_partitioning = false) ORDER BY received_at`,
    );
    expect(rows).toEqual(readings.map((reading) => ({ ...reading })));
  });

  it('reads back booleans, true, false or null, and integers as appended', async () => {
    const events = Array.from({ length: 3_000 }, (_, i): LifecycleEventRecord => ({
      event_type: 'disconnected',
      client_id: `pump-${i}`,
      thing_name: i % 2 === 0 ? `pump-${i}` : null,
      session_identifier: `session-${i}`,
      principal_identifier: 'cert-1',
      version_number: i % 7 === 0 ? null : 2 ** 40 + i,
      ip_address: null,
      client_initiated_disconnect: i % 3 === 0 ? null : i % 3 === 1,
      disconnect_reason: 'CLIENT_INITIATED_DISCONNECT',
      connect_failure_reason: null,
      topics: null,
      event_timestamp: receivedAt + i,
      received_at: receivedAt + i,
    }));
    const rows = await writeThenSelect(
      'lifecycle_events',
      events,
      `SELECT client_id, version_number::DOUBLE AS version_number, client_initiated_disconnect
       FROM read_parquet('${lakeDir}/lifecycle_events/**/*.parquet', hive_partitioning = false)
       ORDER BY event_timestamp`,
    );
    expect(rows).toEqual(
      events.map(({ client_id, version_number, client_initiated_disconnect }) => ({
        client_id,
        version_number,
        client_initiated_disconnect,
      })),
    );
  });
});
