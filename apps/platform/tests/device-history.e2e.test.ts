// Shadow history and lifecycle events end to end: the real CLI starts the platform, `tributary thing create`
// registers a device, mqtt.js connects as it over mutual TLS, subscribes, updates its classic shadow twice
// and a named shadow once, and disconnects; the topic rules AWS would run put one row per update in
// shadow_history and one per event in lifecycle_events, which SQL reads back.
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { connectAsThing, eventually, runCli, sqlOver, usePlatformProcess } from './platform-process.js';

const thingName = 'e2e-history-pump';
const shadowTopic = `$aws/things/${thingName}/shadow`;
const running = usePlatformProcess('device-history');

const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
  sqlOver<T>(running.platform.dashboardUrl, query, params);

/** Publishes a shadow update and resolves with the version the shadow service accepted it as. */
async function updateShadow(device: MqttClient, prefix: string, state: object): Promise<number> {
  const accepted = new Promise<number>((resolve) => {
    const onMessage = (topic: string, payload: Buffer) => {
      if (topic !== `${prefix}/update/accepted`) return;
      device.off('message', onMessage);
      resolve((JSON.parse(payload.toString()) as { version: number }).version);
    };
    device.on('message', onMessage);
  });
  await device.publishAsync(`${prefix}/update`, JSON.stringify({ state }), { qos: 1 });
  return accepted;
}

describe('shadow history and lifecycle events, end to end', () => {
  it('lands each shadow update and each connection event of a device in the lake, once', async () => {
    const deviceDir = join(running.dataDir, 'device');
    const created = await runCli([
      ...['thing', 'create', thingName, '--type', 'environment-sensor'],
      ...['--out', deviceDir, '--data-dir', running.dataDir],
    ]);
    const device = await connectAsThing(running.platform.mqttsUrl, deviceDir, thingName);
    await device.subscribeAsync(
      [`${shadowTopic}/update/accepted`, `${shadowTopic}/name/config/update/accepted`],
      { qos: 1 },
    );
    const first = await updateShadow(device, shadowTopic, { reported: { firmware: '3.1.0' } });
    const second = await updateShadow(device, shadowTopic, {
      reported: { firmware: '3.2.0' },
      desired: { mode: 'eco' },
    });
    await updateShadow(device, `${shadowTopic}/name/config`, { reported: { interval_s: 5 } });
    await device.endAsync();
    expect([first, second]).toEqual([1, 2]);

    const updates = await eventually(async () => {
      const rows = await sql<Record<string, unknown>>(
        'SELECT shadow_name, version, previous_version, reported, desired, updated_at, received_at ' +
          'FROM shadow_history WHERE thing_name = ? ORDER BY shadow_name NULLS FIRST, version',
        [thingName],
      );
      return rows.length === 3 ? rows : undefined;
    }, 15_000);
    expect(updates.map((r) => [r['shadow_name'], r['version'], r['previous_version']])).toEqual([
      [null, 1, null],
      [null, 2, 1],
      ['config', 1, null],
    ]);
    expect(JSON.parse(updates[1]!['reported'] as string)).toEqual({ firmware: '3.2.0' });
    expect(JSON.parse(updates[1]!['desired'] as string)).toEqual({ mode: 'eco' });
    expect(updates[0]!['desired']).toBeNull();

    const events = await eventually(async () => {
      const rows = await sql<Record<string, unknown>>(
        'SELECT event_type, principal_identifier, session_identifier, version_number, disconnect_reason, ' +
          'client_initiated_disconnect, topics FROM lifecycle_events WHERE client_id = ? ORDER BY event_timestamp',
        [thingName],
      );
      return rows.some((r) => r['event_type'] === 'disconnected') ? rows : undefined;
    }, 15_000);
    expect(events.map((r) => r['event_type'])).toEqual(['connected', 'subscribed', 'disconnected']);
    const [connected, subscribed, disconnected] = events;
    expect(JSON.parse(subscribed!['topics'] as string)).toEqual([
      `${shadowTopic}/update/accepted`,
      `${shadowTopic}/name/config/update/accepted`,
    ]);
    expect(disconnected).toMatchObject({
      disconnect_reason: 'CLIENT_INITIATED_DISCONNECT',
      client_initiated_disconnect: true,
      session_identifier: connected!['session_identifier'],
      version_number: connected!['version_number'],
    });
    // The principal is the id of the certificate the device connected with, as on AWS.
    const certificateId = /:cert\/([0-9a-f]+)/.exec(created.stdout)?.[1];
    expect(certificateId).toBeDefined();
    expect(events.map((r) => r['principal_identifier'])).toEqual([
      certificateId,
      certificateId,
      certificateId,
    ]);
  });
});
