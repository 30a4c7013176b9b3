// `tributary import`: a backfill file through validation and enrichment (registry and shadows) into the lake
// at its original times; bad lines quarantined with their reason; a second import of the same file adds nothing.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LocalRegistry,
  LocalShadowService,
  LocalShadowStore,
  shadowStoreFileOf,
} from '@tributary/ingest/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iotCoreDirOf, parseConfig, registryPathOf } from '../src/config.js';
import { csvLayoutOf, envelopeOfJsonLine } from '../src/import/import-lines.js';
import { runCli } from './platform-process.js';

let dir: string;
let dataDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-import-'));
  dataDir = join(dir, 'data');
  await writeFile(
    join(dir, 'readings.csv'),
    [
      'thing_name,ts,temperature,humidity',
      'pump-7,2026-01-05T07:00:00Z,21.5,40',
      'pump-7,2026-01-05T07:01:00Z,21.7,',
      'pump-8,not-a-time,19.5,55',
      'pump-9,2026-01-05T07:04:00Z,warm,50',
    ].join('\n'),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const rowsOf = async (sql: string) =>
  JSON.parse((await runCli(['query', sql, '--data-dir', dataDir, '--format', 'json'])).stdout) as Record<
    string,
    unknown
  >[];

describe('tributary import', () => {
  it('backfills readings at their original times and quarantines the lines it cannot take', async () => {
    const { stdout } = await runCli(['import', join(dir, 'readings.csv'), '--data-dir', dataDir]);
    expect(stdout).toMatch(/4 lines: 3 telemetry rows .* 2 quarantined/);
    expect(
      await rowsOf(
        "SELECT metric, value, strftime(received_at, '%Y-%m-%d %H:%M') AS received FROM telemetry ORDER BY received, metric",
      ),
    ).toEqual([
      { metric: 'humidity', value: 40, received: '2026-01-05 07:00' },
      { metric: 'temperature', value: 21.5, received: '2026-01-05 07:00' },
      { metric: 'temperature', value: 21.7, received: '2026-01-05 07:01' },
    ]);
    const quarantined = await rowsOf('SELECT client_id, reason FROM quarantine ORDER BY client_id');
    expect(quarantined).toEqual([
      { client_id: 'import:readings.csv:4', reason: 'SCHEMA_MISMATCH' },
      { client_id: 'import:readings.csv:5', reason: 'SCHEMA_MISMATCH' },
    ]);
  });

  it('adds nothing when the same file is imported again', async () => {
    await runCli(['import', join(dir, 'readings.csv'), '--data-dir', dataDir]);
    expect(await rowsOf('SELECT count(*)::INTEGER AS n FROM telemetry')).toEqual([{ n: 3 }]);
  });

  it("enriches as the running platform does, with the thing's type and its shadow's firmware and calibration", async () => {
    const config = parseConfig({ dataDir });
    const registry = await LocalRegistry.open(registryPathOf(config));
    await registry.createThingType({ thingTypeName: 'environment-sensor' });
    await registry.createThing({
      thingName: 'sensor-3',
      thingTypeName: 'environment-sensor',
      attributes: { site: 'plant-north' },
    });
    registry.close();
    await mkdir(iotCoreDirOf(config), { recursive: true });
    const shadowStore = await LocalShadowStore.open(shadowStoreFileOf(iotCoreDirOf(config)));
    const reported = { firmware: '2.4.1', calibration: { temperature: { offset: -1 } } };
    await new LocalShadowService(shadowStore).update(
      { thingName: 'sensor-3' },
      Buffer.from(JSON.stringify({ state: { reported } })),
    );
    await shadowStore.close();
    await writeFile(join(dir, 'sensor.csv'), 'thing_name,ts,temperature\nsensor-3,2026-01-06T08:00:00Z,21\n');

    await runCli(['import', join(dir, 'sensor.csv'), '--data-dir', dataDir]);

    expect(
      await rowsOf("SELECT value, raw_value, firmware, site FROM telemetry WHERE thing_name = 'sensor-3'"),
    ).toEqual([{ value: 20, raw_value: 21, firmware: '2.4.1', site: 'plant-north' }]);
  });
});

describe('import lines', () => {
  it('needs a thing and a time column in a CSV header', () => {
    expect(() => csvLayoutOf('device,value')).toThrow(/thing column .* time column/);
  });

  it('keeps an unreadable JSON line as its original bytes, under a topic no thing owns', () => {
    const envelope = envelopeOfJsonLine('{"thing_name":', { source: 'r.jsonl', lineNumber: 3 });
    expect(Buffer.from(envelope.payload, 'base64').toString()).toBe('{"thing_name":');
    expect(envelope.topic).toBe('import/r.jsonl/line-3');
  });

  it('reads a JSON line with an ISO time as a reading at that time', () => {
    const envelope = envelopeOfJsonLine('{"thing":"pump-7","ts":"2026-01-05T07:00:00Z","metrics":{"t":1}}', {
      source: 'r.jsonl',
      lineNumber: 1,
    });
    expect(envelope.topic).toBe('dt/tributary/pump-7/telemetry');
    expect(envelope.receivedAt).toBe(Date.UTC(2026, 0, 5, 7));
    expect(JSON.parse(Buffer.from(envelope.payload, 'base64').toString())).toEqual({
      messageId: 'r.jsonl:1',
      ts: Date.UTC(2026, 0, 5, 7),
      metrics: { t: 1 },
    });
  });
});
