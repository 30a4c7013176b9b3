// The dashboard's device list end to end: the real CLI starts the platform, `tributary thing create`
// registers a device, mqtt.js connects as it over mutual TLS, updates its shadow and publishes a reading,
// and the device list endpoint (GET /api/widget?id=devices) and the live feed (/api/live) show its
// registration, connection, reported shadow and last reading; then its disconnect.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeviceListData, DeviceRow, DirectoryDevice } from '@tributary/insights';
import { connectAsThing, eventually, runCli, usePlatformProcess } from './platform-process.js';

const thingName = 'e2e-listed-device';
const running = usePlatformProcess('device-list');

/** The device's row in the device list, once `holds` is true of it. */
const listedDevice = (holds: (device: DeviceRow) => boolean): Promise<DeviceRow> =>
  eventually(async () => {
    const response = await fetch(`${running.platform.dashboardUrl}/api/widget?id=devices`);
    const list = (await response.json()) as DeviceListData;
    const device = list.devices.find((d) => d.thingName === thingName);
    return device && holds(device) ? device : undefined;
  }, 10_000);

/** Resolves with the first `device` event of the thing that `holds`, from the dashboard's live feed. */
async function liveDeviceEvent(holds: (device: DirectoryDevice) => boolean, timeoutMs = 5_000) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`${running.platform.dashboardUrl}/api/live`, { signal: controller.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const [eventLine, dataLine] = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        if (eventLine !== 'event: device') continue;
        const device = JSON.parse(dataLine!.slice('data: '.length)) as DirectoryDevice;
        if (device.thingName === thingName && holds(device)) return device;
      }
    }
    throw new Error('the live feed ended');
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

describe('the device list, end to end', () => {
  it('shows a registered device connecting over mutual TLS, its reported shadow and reading, then its disconnect', async () => {
    const deviceDir = join(running.dataDir, 'device');
    await runCli([
      ...['thing', 'create', thingName, '--type', 'environment-sensor', '--attr', 'site=plant-list'],
      ...['--out', deviceDir, '--data-dir', running.dataDir],
    ]);
    const listedAsRegistered = await listedDevice((d) => d.registered);
    expect(listedAsRegistered).toMatchObject({
      thingTypeName: 'environment-sensor',
      attributes: { site: 'plant-list' },
      connection: null,
      shadow: null,
      lastSeenMs: null,
    });

    const connectedLive = liveDeviceEvent((d) => d.connection?.connected === true);
    const device = await connectAsThing(running.platform.mqttsUrl, deviceDir, thingName);
    expect((await connectedLive).connection?.connected).toBe(true);

    const shadowLive = liveDeviceEvent((d) => d.shadow?.reported?.['firmware'] === '3.1.0');
    await device.publishAsync(
      `$aws/things/${thingName}/shadow/update`,
      JSON.stringify({ state: { reported: { firmware: '3.1.0', mode: 'eco' } } }),
      { qos: 1 },
    );
    expect((await shadowLive).shadow).toEqual({
      version: 1,
      reported: { firmware: '3.1.0', mode: 'eco' },
      delta: null,
    });
    await device.publishAsync(
      `dt/tributary/${thingName}/telemetry`,
      JSON.stringify({ messageId: 'list-1', metrics: { temperature: 21.25 } }),
      { qos: 1 },
    );

    const listed = await listedDevice((d) => d.lastSeenMs !== null && d.shadow !== null);
    expect(listed).toMatchObject({
      connection: { connected: true, disconnectReason: null },
      shadow: { version: 1, reported: { firmware: '3.1.0', mode: 'eco' } },
      latestValues: { temperature: 21.25 },
    });
    expect(Date.now() - listed.connection!.sinceMs).toBeLessThan(60_000);

    await device.endAsync();
    const disconnected = await listedDevice((d) => d.connection?.connected === false);
    expect(disconnected.connection).toMatchObject({ disconnectReason: 'CLIENT_INITIATED_DISCONNECT' });
    expect(disconnected.connection!.sinceMs).toBeGreaterThanOrEqual(listed.connection!.sinceMs);
  });
});
