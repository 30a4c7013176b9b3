// Broker state that survives a restart with `persistenceDir` (aedes-persistence-level in LevelDB):
// persistent sessions resume with sessionPresent=1 and get the QoS 1 messages queued for them, and
// retained messages stay (faults.md #21; mqtt.html#mqtt-persistent-sessions).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeBroker, mqttClient, nextMessage, testBroker } from './broker-test-kit.js';

let persistenceDir: string;
beforeEach(async () => {
  persistenceDir = await mkdtemp(join(tmpdir(), 'broker-persistence-'));
});
afterEach(async () => {
  await rm(persistenceDir, { recursive: true, force: true });
});

describe('durable broker state', () => {
  it('delivers a QoS 1 message queued for a persistent session after the broker restarts', async () => {
    const before = await testBroker({ persistenceDir });
    const subscriber = await mqttClient(before, { clientId: 'dashboard', clean: false });
    await subscriber.subscribeAsync('dt/pump-7/telemetry', { qos: 1 });
    await subscriber.endAsync();
    const device = await mqttClient(before, { clientId: 'pump-7' });
    await device.publishAsync('dt/pump-7/telemetry', 'queued while offline', { qos: 1 });
    await device.endAsync();
    await closeBroker(before);

    const after = await testBroker({ persistenceDir, port: 0 });
    const { default: mqtt } = await import('mqtt');
    const resumed = mqtt.connect(after.url, { clientId: 'dashboard', clean: false, reconnectPeriod: 0 });
    try {
      const message = nextMessage(resumed, 3_000);
      const [connack] = (await new Promise((resolve) =>
        resumed.once('connect', (packet) => resolve([packet])),
      )) as [{ sessionPresent: boolean }];
      expect(connack.sessionPresent).toBe(true);
      expect(await message).toMatchObject({ topic: 'dt/pump-7/telemetry', payload: 'queued while offline' });
    } finally {
      await resumed.endAsync(true);
    }
  });

  it('keeps retained messages across a restart', async () => {
    const before = await testBroker({ persistenceDir });
    const device = await mqttClient(before, { clientId: 'ops' });
    await device.publishAsync('config/pump-7', 'v2', { qos: 1, retain: true });
    await device.endAsync();
    await closeBroker(before);

    const after = await testBroker({ persistenceDir });
    const subscriber = await mqttClient(after, { clientId: 'pump-7' });
    const retained = nextMessage(subscriber, 2_000);
    await subscriber.subscribeAsync('config/pump-7', { qos: 1 });
    expect(await retained).toEqual({ topic: 'config/pump-7', payload: 'v2', retain: true });
  });

  it('keeps nothing across a restart without persistenceDir (sessionPresent=0)', async () => {
    const before = await testBroker();
    const subscriber = await mqttClient(before, { clientId: 'dashboard', clean: false });
    await subscriber.subscribeAsync('dt/#', { qos: 1 });
    await subscriber.endAsync();
    await closeBroker(before);
    const after = await testBroker();
    const { default: mqtt } = await import('mqtt');
    const resumed = mqtt.connect(after.url, { clientId: 'dashboard', clean: false, reconnectPeriod: 0 });
    try {
      const connack = (await new Promise((resolve) => resumed.once('connect', resolve))) as {
        sessionPresent: boolean;
      };
      expect(connack.sessionPresent).toBe(false);
    } finally {
      await resumed.endAsync(true);
    }
  });
});

describe('start-up failure', () => {
  it('releases the store when the port is taken, so a broker on another port can open it', async () => {
    const first = await testBroker({ persistenceDir: join(persistenceDir, 'other') });
    await expect(testBroker({ persistenceDir, port: first.port })).rejects.toThrow(/EADDRINUSE/);
    await testBroker({ persistenceDir });
  });
});
