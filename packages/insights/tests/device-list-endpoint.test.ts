// GET /api/widget?id=devices with a device directory, against a real lake and a real dashboard server: one
// page of registered things and lake devices merged by name, with registration, connection and shadow; and
// the `device` events /api/live sends when a device connects, disconnects or its shadow changes.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDashboard, type DeviceListData, type DeviceListWidget } from '../src/core/index.js';
import type { DashboardServer, LocalDeviceDirectory } from '../src/local/index.js';
import {
  InMemoryThings,
  presenceMessage,
  shadowDocumentsMessage,
  startDeviceDashboard,
  type DeviceDashboard,
  type InMemoryShadows,
} from './device-fixtures.js';
import { httpRequest, openSse } from './http-client.js';
import { aReading, makeTempDir, removeDir, writeLakeRows } from './lake-fixtures.js';

const widget = defaultDashboard.widgets.find((w): w is DeviceListWidget => w.kind === 'device-list')!;
const now = Date.now();
// 70 registered pumps (pump-00 … pump-69); the lake has readings of the even ones and of an unregistered
// device that sorts between them.
const pumpNames = Array.from({ length: 70 }, (_, i) => `pump-${String(i).padStart(2, '0')}`);
const lakeNames = [...pumpNames.filter((_, i) => i % 2 === 0), 'pump-05x'];

let workDir: string;
let served: DeviceDashboard;
let dashboard: DashboardServer;
let things: InMemoryThings;
let shadows: InMemoryShadows;
let directory: LocalDeviceDirectory;
const publishFailures: unknown[] = [];

beforeAll(async () => {
  workDir = await makeTempDir('device-list');
  const lakeDir = join(workDir, 'lake');
  await mkdir(lakeDir);
  await writeLakeRows(
    lakeDir,
    'telemetry',
    lakeNames.map((thing_name, i) =>
      aReading({ thing_name, received_at: now - 60_000 + i, value: i, message_id: `m-${thing_name}` }),
    ),
  );
  things = new InMemoryThings();
  for (const name of pumpNames) things.add(name, 'pump', { site: 'plant-1' });
  served = await startDeviceDashboard({
    lakeDir,
    things,
    onPublishFailure: (error) => publishFailures.push(error),
  });
  ({ dashboard, shadows, directory } = served);
});

afterAll(async () => {
  await served?.close();
  await removeDir(workDir);
  expect(publishFailures).toEqual([]);
});

const devicePage = async (offset?: number): Promise<DeviceListData> => {
  const answer = await httpRequest(
    `${dashboard.url}/api/widget?id=devices${offset === undefined ? '' : `&offset=${offset}`}`,
  );
  expect(answer.status).toBe(200);
  return answer.json as DeviceListData;
};

describe('the device list with a device directory', () => {
  it('pages registered things and lake devices together, sorted by name', async () => {
    const first = await devicePage();
    expect(first).toMatchObject({ kind: 'devices', total: 71, offset: 0, directory: true, truncated: false });
    expect(first.devices).toHaveLength(widget.pageSize);
    const second = await devicePage(widget.pageSize);
    expect(second.devices).toHaveLength(71 - widget.pageSize);
    const names = [...first.devices, ...second.devices].map((d) => d.thingName);
    expect(names).toEqual([...pumpNames, 'pump-05x'].sort());

    const byName = new Map([...first.devices, ...second.devices].map((d) => [d.thingName, d]));
    expect(byName.get('pump-04')).toMatchObject({
      registered: true,
      thingTypeName: 'pump',
      attributes: { site: 'plant-1' },
      lastSeenMs: now - 60_000 + 2,
      connection: null,
      shadow: null,
    });
    // Registered, never sent a reading.
    expect(byName.get('pump-03')).toMatchObject({ registered: true, lastSeenMs: null, latestValues: {} });
    // Sent readings (e.g. on the plain listener), not registered.
    expect(byName.get('pump-05x')).toMatchObject({ registered: false, thingTypeName: null });
  });

  it('shows the connection from lifecycle events and the shadow with its delta and version', async () => {
    directory.observe(...presenceMessage('connected', 'pump-01', { timestamp: now - 5_000 }));
    shadows.update('pump-01', { mode: 'eco' }, { mode: 'boost', firmware: '1.4.2' });
    shadows.update('pump-01', { mode: 'eco' }, { mode: 'boost', firmware: '1.4.3' });
    directory.observe(
      ...presenceMessage('disconnected', 'pump-02', {
        timestamp: now - 1_000,
        disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT',
      }),
    );
    shadows.documents.set('pump-03', { code: 500, message: 'Internal service failure' });

    const devices = new Map((await devicePage()).devices.map((d) => [d.thingName, d]));
    expect(devices.get('pump-01')).toMatchObject({
      connection: { connected: true, sinceMs: now - 5_000, disconnectReason: null },
      shadow: { version: 2, reported: { mode: 'boost', firmware: '1.4.3' }, delta: { mode: 'eco' } },
      shadowError: null,
    });
    expect(devices.get('pump-02')?.connection).toMatchObject({
      connected: false,
      sinceMs: now - 1_000,
      disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT',
    });
    expect(devices.get('pump-03')).toMatchObject({
      shadow: null,
      shadowError: '500 Internal service failure',
    });

    // A client neither registered nor in the lake (e.g. on the plain listener) is listed once it connects.
    directory.observe(...presenceMessage('connected', 'zz-plain-client'));
    const lastPage = await devicePage(widget.pageSize);
    expect(lastPage.total).toBe(72);
    expect(lastPage.devices.at(-1)).toMatchObject({
      thingName: 'zz-plain-client',
      registered: false,
      connection: { connected: true },
      lastSeenMs: null,
    });
  });

  it('sends a device event on /api/live when a device connects or its shadow changes', async () => {
    const live = await openSse(`${dashboard.url}/api/live`);
    try {
      const sentAt = performance.now();
      directory.observe(...presenceMessage('connected', 'pump-10'));
      await live.waitFor((messages) =>
        messages.some(
          (m) => m.event === 'device' && m.data.thingName === 'pump-10' && m.data.connection?.connected,
        ),
      );
      const connectedAfterMs = performance.now() - sentAt;
      shadows.update('pump-10', null, { valve: 'open' });
      directory.observe(...shadowDocumentsMessage('pump-10'));
      await live.waitFor((messages) =>
        messages.some((m) => m.event === 'device' && m.data.shadow?.reported?.valve === 'open'),
      );
      expect(connectedAfterMs).toBeLessThan(1_000);
    } finally {
      live.close();
    }
  });

  it('refuses an offset that is not a whole number of devices', async () => {
    for (const offset of ['-1', '2.5', 'ten']) {
      const answer = await httpRequest(`${dashboard.url}/api/widget?id=devices&offset=${offset}`);
      expect(answer.status).toBe(400);
      expect(answer.json.error.code).toBe('BAD_OFFSET');
    }
  });
});
