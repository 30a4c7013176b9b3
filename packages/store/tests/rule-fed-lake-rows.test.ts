// The tables IoT Core fills itself (shadow_history, lifecycle_events) in the local lake, with real DuckDB
// and real files: a shadow update or lifecycle event delivered twice — in one flush, in the next, or
// after a restart, when the keys come back from Parquet — is one row.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { LifecycleEventRecord, ShadowHistoryRecord } from '@tributary/contracts';
import { receivedAt } from '@tributary/contracts/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LakeWriter, LakeWriterError } from '../src/local/index.js';

let lakeDir: string;
let writer: LakeWriter;
let duckdb: DuckDBConnection;

const aShadowUpdate = (overrides: Partial<ShadowHistoryRecord> = {}): ShadowHistoryRecord => ({
  thing_name: 'pump-7',
  shadow_name: null,
  version: 1,
  previous_version: null,
  reported: '{"firmware":"1.0.0"}',
  desired: null,
  updated_at: receivedAt - 1_123,
  client_token: null,
  received_at: receivedAt,
  ...overrides,
});

const aLifecycleEvent = (overrides: Partial<LifecycleEventRecord> = {}): LifecycleEventRecord => ({
  event_type: 'connected',
  client_id: 'pump-7',
  thing_name: null,
  session_identifier: 'a3f1c2d4e5f60718293a4b5c6d7e8f90',
  principal_identifier: 'cert-1',
  version_number: 3,
  ip_address: '127.0.0.1',
  client_initiated_disconnect: null,
  disconnect_reason: null,
  connect_failure_reason: null,
  topics: null,
  event_timestamp: receivedAt - 2,
  received_at: receivedAt,
  ...overrides,
});

const disconnected = aLifecycleEvent({
  event_type: 'disconnected',
  ip_address: null,
  client_initiated_disconnect: true,
  disconnect_reason: 'CLIENT_INITIATED_DISCONNECT',
  event_timestamp: receivedAt + 5_000,
  received_at: receivedAt + 5_001,
});
const subscribed = (topics: string[], at: number) =>
  aLifecycleEvent({
    event_type: 'subscribed',
    version_number: null,
    ip_address: null,
    topics: JSON.stringify(topics),
    event_timestamp: at,
    received_at: at + 1,
  });

async function rowsOf(table: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const glob = `${lakeDir}/${table}/**/*.parquet`;
  return (
    await duckdb.runAndReadAll(`SELECT * FROM read_parquet('${glob}') ORDER BY ${orderBy}`)
  ).getRowObjectsJS();
}

beforeAll(async () => {
  duckdb = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => duckdb.closeSync());

beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-rule-fed-'));
  writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
});
afterEach(async () => {
  await writer.close();
  await rm(lakeDir, { recursive: true, force: true });
});

describe('shadow_history in the local lake', () => {
  it('keeps one row per shadow version however often the documents message is delivered', async () => {
    const v1 = aShadowUpdate();
    const v2 = aShadowUpdate({ version: 2, previous_version: 1, reported: '{"firmware":"1.1.0"}' });
    const named = aShadowUpdate({ shadow_name: 'config', desired: '{"interval":5}' });
    writer.append('shadow_history', [v1, v2, named, v1]);
    await writer.flush();
    writer.append('shadow_history', [v2]);
    await writer.flush();
    // A restart: the keys of what is already written come back from the Parquet files.
    await writer.close();
    writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
    writer.append('shadow_history', [v1, { ...named, received_at: receivedAt + 10 }]);
    await writer.flush();

    const rows = await rowsOf('shadow_history', 'shadow_name NULLS FIRST, version');
    expect(rows.map((r) => [r['shadow_name'], r['version'], r['reported'], r['desired']])).toEqual([
      [null, 1n, '{"firmware":"1.0.0"}', null],
      [null, 2n, '{"firmware":"1.1.0"}', null],
      ['config', 1n, '{"firmware":"1.0.0"}', '{"interval":5}'],
    ]);
    expect(writer.stats.duplicatesSkipped).toBe(2);
  });

  it('keeps the update time as its own column and partitions by receive time', async () => {
    writer.append('shadow_history', [aShadowUpdate({ updated_at: Date.UTC(2026, 10, 25, 4, 59) })]);
    await writer.flush();
    const [row] = await rowsOf('shadow_history', 'version');
    expect((row?.['updated_at'] as Date).toISOString()).toBe('2026-11-25T04:59:00.000Z');
    expect((row?.['received_at'] as Date).getTime()).toBe(receivedAt);
    const partitioned = await duckdb.runAndReadAll(
      `SELECT DISTINCT hour FROM read_parquet('${lakeDir}/shadow_history/**/*.parquet', hive_partitioning = true, hive_types = {'hour': VARCHAR})`,
    );
    expect(partitioned.getRowObjectsJS()).toEqual([{ hour: '05' }]);
  });
});

describe('lifecycle_events in the local lake', () => {
  it('keeps one row per event when AWS delivers duplicates, before and after a restart', async () => {
    const connected = aLifecycleEvent();
    const first = subscribed(['$aws/things/pump-7/shadow/update/accepted'], receivedAt + 10);
    // A second SUBSCRIBE in the same millisecond is another event: its topics differ.
    const second = subscribed(['dt/tributary/pump-7/commands'], receivedAt + 10);
    writer.append('lifecycle_events', [connected, first, second, connected]);
    await writer.flush();
    await writer.close();
    writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 60_000 });
    writer.append('lifecycle_events', [connected, first, second, disconnected, disconnected]);
    await writer.flush();

    const rows = await rowsOf('lifecycle_events', 'event_timestamp, topics');
    expect(rows.map((r) => [r['event_type'], r['topics']])).toEqual([
      ['connected', null],
      ['subscribed', '["$aws/things/pump-7/shadow/update/accepted"]'],
      ['subscribed', '["dt/tributary/pump-7/commands"]'],
      ['disconnected', null],
    ]);
    const disconnect = rows[3];
    expect(disconnect?.['disconnect_reason']).toBe('CLIENT_INITIATED_DISCONNECT');
    expect(disconnect?.['version_number']).toBe(rows[0]?.['version_number']);
    expect(writer.stats.duplicatesSkipped).toBe(4);
  });

  it('refuses an event type AWS does not publish', () => {
    expect(() =>
      writer.append('lifecycle_events', [
        aLifecycleEvent({ event_type: 'reconnected' as LifecycleEventRecord['event_type'] }),
      ]),
    ).toThrow(LakeWriterError);
  });
});
