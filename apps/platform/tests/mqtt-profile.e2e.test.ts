// `tributary start --mqtt-profile mqtt-3.1.1`: the broker as the MQTT 3.1.1 spec has it rather than as AWS IoT
// Core behaves (DESIGN.md §5: a behaviour switch AWS has is an explicit option, AWS's the default).
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { anyFreePorts, startPlatformProcess } from './platform-process.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('tributary start --mqtt-profile mqtt-3.1.1', () => {
  it('says so, and its broker delivers `lab` to a `lab/#` subscriber, as AWS IoT Core does not', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-mqtt-profile-'));
    const platform = await startPlatformProcess([
      '--data-dir',
      dataDir,
      ...anyFreePorts,
      '--devices',
      '0',
      '--mqtt-profile',
      'mqtt-3.1.1',
    ]);
    try {
      expect(platform.output()).toMatch(/MQTT broker \(MQTT 3\.1\.1\)\s+mqtts:\/\//);
      const client = await mqtt.connectAsync(platform.mqttUrl, {
        clientId: 'spec-device',
        reconnectPeriod: 0,
      });
      try {
        // MQTT 3.1.1 §4.7.1.2: `lab/#` matches `lab` itself; AWS IoT Core does not deliver it there.
        await client.subscribeAsync('lab/#', { qos: 1 });
        const received = new Promise<string>((resolve) => client.once('message', (topic) => resolve(topic)));
        await client.publishAsync('lab', 'to the parent level', { qos: 1 });
        const notDelivered = new Promise<string>((resolve) =>
          setTimeout(() => resolve('not delivered'), 5_000),
        );
        expect(await Promise.race([received, notDelivered])).toBe('lab');
      } finally {
        await client.endAsync();
      }
    } finally {
      expect(await platform.stop()).toBe(0);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
