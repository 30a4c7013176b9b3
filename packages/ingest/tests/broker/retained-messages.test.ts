// Retained messages as AWS IoT Core stores them: one per topic, counted against the retained-message
// quota (AWS: "Maximum number of retained messages per account", 500,000; iot-core.html#message-broker-limits).
// At the quota a retained publish with a payload is throttled — not stored, not routed, no PUBACK, the
// connection kept — and an empty retained payload deletes its topic's message and frees a place
// (mqtt.html#mqtt-retain; faults.md #16).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { awsBrokerLimits, mqttSpecBrokerLimits, type LocalBroker } from '../../src/local/broker.js';
import { closeBroker, mqttClient, nextMessage, testBroker } from './broker-test-kit.js';

/** Every retained message the broker's store holds, topic → payload. */
async function retainedStore(broker: LocalBroker): Promise<Map<string, string>> {
  const store = (broker.aedes as unknown as { persistence: RetainedStore }).persistence;
  const retained = new Map<string, string>();
  for await (const packet of store.createRetainedStream('#'))
    retained.set(packet.topic, packet.payload.toString());
  return retained;
}
interface RetainedStore {
  createRetainedStream(pattern: string): AsyncIterable<{ topic: string; payload: Buffer }>;
}

/** Resolves true if the broker acknowledged a QoS 1 publish within `withinMs`. */
function acknowledged(client: MqttClient, topic: string, payload: string, withinMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), withinMs);
    client.publish(topic, payload, { qos: 1, retain: true }, (error) => {
      clearTimeout(timer);
      resolve(!error);
    });
  });
}

/** What a new subscriber to `topic` gets as its retained message (an exact filter, as AWS requires). */
async function retainedFor(
  broker: LocalBroker,
  topic: string,
  clientId: string,
): Promise<string | undefined> {
  const subscriber = await mqttClient(broker, { clientId });
  const message = nextMessage(subscriber, 300);
  await subscriber.subscribeAsync(topic, { qos: 1 });
  const received = await message;
  await subscriber.endAsync();
  return received?.payload;
}

describe('retained-message quota (faults.md #16)', () => {
  it('defaults to AWS quota under aws and to no limit under mqtt-3.1.1', () => {
    expect(awsBrokerLimits.maxRetainedMessages).toBe(500_000);
    expect(mqttSpecBrokerLimits.maxRetainedMessages).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps one message per topic: a newer retained message replaces the older one', async () => {
    const broker = await testBroker();
    const ops = await mqttClient(broker, { clientId: 'ops' });
    await ops.publishAsync('config/pump-7', 'v1', { qos: 1, retain: true });
    await ops.publishAsync('config/pump-7', 'v2', { qos: 1, retain: true });
    expect(await retainedStore(broker)).toEqual(new Map([['config/pump-7', 'v2']]));
    expect(await retainedFor(broker, 'config/pump-7', 'pump-7')).toBe('v2');
  });

  it('throttles a retained publish beyond the quota: no PUBACK, not stored, not delivered, connection kept', async () => {
    const broker = await testBroker({ limits: { maxRetainedMessages: 3 } });
    const watcher = await mqttClient(broker, { clientId: 'watcher' });
    await watcher.subscribeAsync('config/#', { qos: 1 });
    const delivered: string[] = [];
    watcher.on('message', (_topic, payload) => delivered.push(payload.toString()));
    const ops = await mqttClient(broker, { clientId: 'ops' });
    for (const n of [1, 2, 3]) expect(await acknowledged(ops, `config/pump-${n}`, `v${n}`)).toBe(true);

    expect(await acknowledged(ops, 'config/pump-4', 'v4')).toBe(false);
    // AWS: "all retained publishes with payloads greater than 0 bytes are throttled", a replacement too.
    expect(await acknowledged(ops, 'config/pump-1', 'v1-new')).toBe(false);
    expect(delivered).toEqual(['v1', 'v2', 'v3']);
    expect(ops.connected).toBe(true);
    expect([...(await retainedStore(broker)).keys()].sort()).toEqual([
      'config/pump-1',
      'config/pump-2',
      'config/pump-3',
    ]);
    // Publishes without the retain flag are not held to the quota.
    await ops.publishAsync('config/pump-4', 'not retained', { qos: 1 });
  });

  it('deletes a retained message on an empty retained payload, which frees a place in the quota', async () => {
    const broker = await testBroker({ limits: { maxRetainedMessages: 2 } });
    const ops = await mqttClient(broker, { clientId: 'ops' });
    await ops.publishAsync('config/pump-1', 'v1', { qos: 1, retain: true });
    await ops.publishAsync('config/pump-2', 'v2', { qos: 1, retain: true });
    expect(await acknowledged(ops, 'config/pump-3', 'v3')).toBe(false);

    expect(await acknowledged(ops, 'config/pump-1', '')).toBe(true);
    expect(await retainedFor(broker, 'config/pump-1', 'pump-1')).toBeUndefined();
    expect(await acknowledged(ops, 'config/pump-3', 'v3')).toBe(true);
    expect(await retainedFor(broker, 'config/pump-3', 'pump-3')).toBe('v3');
  });

  it('holds a retained flood from one client to the quota (the store, and so memory, stays bounded)', async () => {
    const broker = await testBroker({
      limits: { maxRetainedMessages: 50, maxPublishesPerSecondPerConnection: Infinity },
    });
    const flooder = await mqttClient(broker, { clientId: 'flooder' });
    const payload = 'x'.repeat(1024);
    for (let n = 0; n < 2_000; n++) flooder.publish(`flood/${n}`, payload, { qos: 0, retain: true });
    await flooder.publishAsync('flood/last', payload, { qos: 1 }); // not retained: marks the end of the flood
    const stored = (await retainedStore(broker)).size;
    // Checked on arrival, counted once stored: the publishes of one socket read (≤ 64 KiB) may pass together.
    expect(stored).toBeGreaterThanOrEqual(50);
    expect(stored).toBeLessThanOrEqual(50 + Math.ceil((64 * 1024) / payload.length));
    expect(flooder.connected).toBe(true);
  });

  it('counts the retained messages kept in LevelDB across a restart', async () => {
    const persistenceDir = await mkdtemp(join(tmpdir(), 'broker-retained-'));
    try {
      const limits = { maxRetainedMessages: 2 };
      const before = await testBroker({ persistenceDir, limits });
      const ops = await mqttClient(before, { clientId: 'ops' });
      await ops.publishAsync('config/pump-1', 'v1', { qos: 1, retain: true });
      await ops.publishAsync('config/pump-2', 'v2', { qos: 1, retain: true });
      await ops.endAsync();
      await closeBroker(before);

      const after = await testBroker({ persistenceDir, limits });
      const device = await mqttClient(after, { clientId: 'ops' });
      expect(await acknowledged(device, 'config/pump-3', 'v3')).toBe(false);
      expect(await acknowledged(device, 'config/pump-2', '')).toBe(true);
      expect(await acknowledged(device, 'config/pump-3', 'v3')).toBe(true);
      expect([...(await retainedStore(after)).keys()].sort()).toEqual(['config/pump-1', 'config/pump-3']);
    } finally {
      await rm(persistenceDir, { recursive: true, force: true });
    }
  });
});
