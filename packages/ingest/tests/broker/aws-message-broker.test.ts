// AWS IoT Core's differences from MQTT 3.1.1 and its broker quotas, under the default `aws` profile, each
// beside what the strict `mqtt-3.1.1` profile does instead. Sources: mqtt.html#mqtt-differences,
// iot-core.html#message-broker-limits, reserved-topics.html (reference b-6; faults.md #8, #10, #11, #15, #30).
import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../src/core/lifecycle-events.js';
import { InvalidBrokerOptionsError } from '../../src/local/broker.js';
import {
  closedByBroker,
  mqttClient,
  nextMessage,
  packetsIn,
  pubackPacket,
  publishPacket,
  publishPacketId,
  RawMqttConnection,
  subscribePacket,
  testBroker,
} from './broker-test-kit.js';

describe('QoS 2 (mqtt.html: "AWS IoT does not support QoS 2"; faults.md #15)', () => {
  it('aws: ignores a QoS 2 PUBLISH — no PUBREC, nothing delivered, connection kept', async () => {
    const broker = await testBroker();
    const subscriber = await mqttClient(broker, { clientId: 'dashboard' });
    await subscriber.subscribeAsync('dt/a', { qos: 1 });
    const device = await RawMqttConnection.open(broker);
    expect([...(await device.connect({ clientId: 'pump-7' }))]).toEqual([0x20, 0x02, 0x00, 0x00]);
    const delivered = nextMessage(subscriber, 400);
    device.send(publishPacket('dt/a', 'qos2', 2, 7));
    expect(await delivered).toBeUndefined();
    expect(device.received.length).toBe(4); // only the CONNACK
    expect(await device.closedWithin(100)).toBe(false);
  });

  it('aws: sends no SUBACK for a SUBSCRIBE asking for QoS 2 and does not subscribe', async () => {
    const broker = await testBroker();
    const device = await RawMqttConnection.open(broker);
    await device.connect({ clientId: 'pump-7' });
    device.send(subscribePacket([{ topic: 'cmd/pump-7', qos: 2 }]));
    const bytes = await device.bytesWithin(5, 300);
    expect(bytes.length).toBe(4);
    const publisher = await mqttClient(broker, { clientId: 'ops' });
    await publisher.publishAsync('cmd/pump-7', 'x', { qos: 1 });
    expect((await device.bytesWithin(5, 200)).length).toBe(4);
  });

  it('mqtt-3.1.1: disconnects a QoS 2 PUBLISH and grants QoS 1 for a QoS 2 SUBSCRIBE', async () => {
    const broker = await testBroker({ profile: 'mqtt-3.1.1' });
    const subscriber = await mqttClient(broker, { clientId: 'dashboard' });
    const granted = await subscriber.subscribeAsync('dt/a', { qos: 2 });
    expect(granted[0]?.qos).toBe(1);
    const device = await RawMqttConnection.open(broker);
    await device.connect({ clientId: 'pump-7' });
    device.send(publishPacket('dt/a', 'qos2', 2, 7));
    expect(await device.closedWithin(1_000)).toBe(true);
  });
});

describe('topic names (iot-core.html#message-broker-limits, reserved-topics.html; faults.md #8)', () => {
  it('aws: disconnects a publish to a topic with more than 7 forward slashes', async () => {
    const broker = await testBroker();
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    await device.publishAsync('a/b/c/d/e/f/g/h', 'seven slashes are fine', { qos: 1 });
    const closed = closedByBroker(device);
    device.publish('a/b/c/d/e/f/g/h/i', 'eight are not', { qos: 1 });
    expect(await closed).toBe(true);
  });

  it('aws: does not count the Basic Ingest prefix $aws/rules/<rule>/ toward the slash limit', async () => {
    const broker = await testBroker();
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    await device.publishAsync('$aws/rules/telemetry/a/b/c/d/e/f/g/h', '{}', { qos: 1 });
    expect(device.connected).toBe(true);
  });

  it('aws: disconnects a publish to a topic longer than 256 bytes', async () => {
    const broker = await testBroker();
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    await device.publishAsync('t'.repeat(256), 'x', { qos: 1 });
    const closed = closedByBroker(device);
    device.publish('t'.repeat(257), 'x', { qos: 1 });
    expect(await closed).toBe(true);
  });

  it('aws: disconnects a publish to a $ topic that is not $aws/...; mqtt-3.1.1 delivers it', async () => {
    const aws = await testBroker();
    const device = await mqttClient(aws, { clientId: 'pump-7' });
    const closed = closedByBroker(device);
    device.publish('$foo/bar', 'x', { qos: 1 });
    expect(await closed).toBe(true);

    const spec = await testBroker({ profile: 'mqtt-3.1.1' });
    const subscriber = await mqttClient(spec, { clientId: 'dashboard' });
    await subscriber.subscribeAsync('$foo/bar');
    const delivered = nextMessage(subscriber);
    const publisher = await mqttClient(spec, { clientId: 'pump-7' });
    await publisher.publishAsync('$foo/bar', 'x', { qos: 1 });
    expect((await delivered)?.topic).toBe('$foo/bar');
  });

  it('disconnects a PUBLISH whose topic has a wildcard (MQTT-3.3.2-2)', async () => {
    const broker = await testBroker();
    const device = await RawMqttConnection.open(broker);
    await device.connect({ clientId: 'pump-7' });
    device.send(publishPacket('a/+/b', 'x', 1));
    expect(await device.closedWithin(1_000)).toBe(true);
  });

  it('disconnects a PUBLISH with an empty topic name or a U+0000 in it, unanswered and undelivered (MQTT-4.7.3-1/-2)', async () => {
    for (const profile of ['aws', 'mqtt-3.1.1'] as const) {
      const events: LifecycleEvent[] = [];
      const broker = await testBroker({ profile, onLifecycleEvent: (event) => events.push(event) });
      const subscriber = await mqttClient(broker, { clientId: 'dashboard' });
      await subscriber.subscribeAsync('a/#', { qos: 1 });
      const delivered = nextMessage(subscriber, 300);
      for (const [n, topic] of ['', 'a/\u0000/b'].entries()) {
        const clientId = `pump-${n}`;
        const device = await RawMqttConnection.open(broker);
        await device.connect({ clientId });
        device.send(publishPacket(topic, 'x', 1, 5));
        const label = `${profile} ${JSON.stringify(topic)}`;
        expect(await device.closedWithin(1_000), label).toBe(true);
        expect(device.received.length, 'no PUBACK after the CONNACK').toBe(4);
        // A protocol error is the client's: AWS reports it as CLIENT_ERROR (life-cycle-events.html).
        await expect
          .poll(() => events.find((e) => e.eventType === 'disconnected' && e.clientId === clientId), {
            timeout: 1_000,
          })
          .toMatchObject({ disconnectReason: 'CLIENT_ERROR' });
      }
      expect(await delivered, profile).toBeUndefined();
    }
  });
});

describe('subscriptions (iot-core.html#message-broker-limits; faults.md #7)', () => {
  it('aws: disconnects a SUBSCRIBE with more than 8 topic filters', async () => {
    const broker = await testBroker();
    const device = await RawMqttConnection.open(broker);
    await device.connect({ clientId: 'pump-7' });
    const nine = Array.from({ length: 9 }, (_, i) => ({ topic: `cmd/${i}`, qos: 1 as const }));
    device.send(subscribePacket(nine));
    expect(await device.closedWithin(1_000)).toBe(true);
    expect(device.received.length).toBe(4);
  });

  it('aws: refuses the 51st subscription of one connection', async () => {
    const broker = await testBroker();
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    for (let batch = 0; batch < 50; batch += 10) {
      await device.subscribeAsync(Array.from({ length: 10 }, (_, i) => `cmd/${batch + i}`).slice(0, 8));
      await device.subscribeAsync([`cmd/${batch + 8}`, `cmd/${batch + 9}`]);
    }
    await device.subscribeAsync('cmd/0'); // re-subscribing an existing filter is not a new subscription
    const closed = closedByBroker(device);
    device.subscribe('cmd/50');
    expect(await closed).toBe(true);
  });

  it('mqtt-3.1.1: answers SUBACK 0x80 for a filter the profile refuses and keeps the connection', async () => {
    const broker = await testBroker({ profile: 'mqtt-3.1.1', limits: { maxSubscriptionsPerConnection: 1 } });
    const device = await RawMqttConnection.open(broker);
    await device.connect({ clientId: 'pump-7' });
    device.send(subscribePacket([{ topic: 'cmd/a', qos: 1 }], 9));
    device.send(subscribePacket([{ topic: 'cmd/b', qos: 1 }], 10));
    const bytes = await device.bytesWithin(14, 1_000);
    expect([...bytes.subarray(4)]).toEqual([0x90, 0x03, 0x00, 0x09, 0x01, 0x90, 0x03, 0x00, 0x0a, 0x80]);
    expect(await device.closedWithin(100)).toBe(false);
  });

  it('aws: refuses subscribing to a Basic Ingest topic (iot-basic-ingest.html)', async () => {
    const broker = await testBroker();
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    const closed = closedByBroker(device);
    device.subscribe('$aws/rules/telemetry/#');
    expect(await closed).toBe(true);
  });
});

describe('topic matching and retained messages (mqtt.html#mqtt-differences)', () => {
  it('aws: `sensor/#` does not match `sensor`; mqtt-3.1.1: it does (MQTT 4.7.1.2)', async () => {
    for (const [profile, expected] of [
      ['aws', undefined],
      ['mqtt-3.1.1', 'sensor'],
    ] as const) {
      const broker = await testBroker({ profile });
      const subscriber = await mqttClient(broker, { clientId: 'dashboard' });
      await subscriber.subscribeAsync('sensor/#', { qos: 1 });
      const publisher = await mqttClient(broker, { clientId: 'pump-7' });
      const delivered = nextMessage(subscriber, 300);
      await publisher.publishAsync('sensor', 'x', { qos: 1 });
      expect((await delivered)?.topic, profile).toBe(expected);
      const child = nextMessage(subscriber, 1_000);
      await publisher.publishAsync('sensor/temp', 'x', { qos: 1 });
      expect((await child)?.topic, profile).toBe('sensor/temp');
    }
  });

  it('aws: sends a retained message only to a subscription without wildcards; mqtt-3.1.1: to both', async () => {
    for (const [profile, viaWildcard] of [
      ['aws', undefined],
      ['mqtt-3.1.1', true],
    ] as const) {
      const broker = await testBroker({ profile });
      const publisher = await mqttClient(broker, { clientId: 'ops' });
      await publisher.publishAsync('config/pump-7', 'v2', { qos: 1, retain: true });
      const wildcard = await mqttClient(broker, { clientId: 'wildcard' });
      const wildcardDelivery = nextMessage(wildcard, 300);
      await wildcard.subscribeAsync('config/+', { qos: 1 });
      expect((await wildcardDelivery)?.retain, profile).toBe(viaWildcard);
      const exact = await mqttClient(broker, { clientId: 'exact' });
      const exactDelivery = nextMessage(exact, 1_000);
      await exact.subscribeAsync('config/pump-7', { qos: 1 });
      expect(await exactDelivery, profile).toEqual({ topic: 'config/pump-7', payload: 'v2', retain: true });
    }
  });
});

describe('connections (mqtt.html; faults.md #10, #11, #30)', () => {
  it('a second connection with the same client id takes over and the first is disconnected', async () => {
    const broker = await testBroker();
    const first = await mqttClient(broker, { clientId: 'pump-7' });
    const firstClosed = closedByBroker(first);
    const second = await mqttClient(broker, { clientId: 'pump-7' });
    expect(await firstClosed).toBe(true);
    expect(second.connected).toBe(true);
    expect(broker.aedes.connectedClients).toBe(1);
  });

  it('answers CONNACK 0x02 to an empty client id with clean session 0 (MQTT-3.1.3-8)', async () => {
    for (const profile of ['aws', 'mqtt-3.1.1'] as const) {
      const broker = await testBroker({ profile });
      const device = await RawMqttConnection.open(broker);
      expect([...(await device.connect({ clientId: '', clean: false }))], profile).toEqual([
        0x20, 0x02, 0x00, 0x02,
      ]);
      expect(await device.closedWithin(1_000)).toBe(true);
    }
  });

  it('accepts an empty client id with clean session 1 (the broker assigns one)', async () => {
    const broker = await testBroker();
    const device = await RawMqttConnection.open(broker);
    expect([...(await device.connect({ clientId: '', clean: true }))]).toEqual([0x20, 0x02, 0x00, 0x00]);
  });

  it('answers CONNACK 0x02 to a client id longer than 128 bytes (aws)', async () => {
    const broker = await testBroker();
    const device = await RawMqttConnection.open(broker);
    expect([...(await device.connect({ clientId: 'c'.repeat(129) }))]).toEqual([0x20, 0x02, 0x00, 0x02]);
  });

  it('refuses MQTT 5 with CONNACK 0x01 in both profiles, and MQTT 3.1 under aws', async () => {
    for (const [profile, level, code] of [
      ['aws', 5, 1],
      ['mqtt-3.1.1', 5, 1],
      ['aws', 3, 1],
      ['mqtt-3.1.1', 3, 0],
    ] as const) {
      const broker = await testBroker({ profile });
      const device = await RawMqttConnection.open(broker);
      const connack = await device.connect({ clientId: 'pump-7', level });
      expect(connack[3], `${profile} level ${level}`).toBe(code);
      if (code !== 0) expect(await device.closedWithin(1_000)).toBe(true);
    }
  });
});

describe('in-flight QoS 1 messages (iot-core.html#message-broker-limits: 100 per client)', () => {
  it('aws: sends at most 100 unacknowledged QoS 1 messages, and sends again after a PUBACK', async () => {
    // The publisher sends 121 messages as fast as it can: the per-second publish quota is not under test.
    const broker = await testBroker({ limits: { maxPublishesPerSecondPerConnection: Infinity } });
    const consumer = await RawMqttConnection.open(broker);
    await consumer.connect({ clientId: 'consumer' });
    consumer.send(subscribePacket([{ topic: 'dt/#', qos: 1 }]));
    await consumer.bytesWithin(9, 1_000);
    const publisher = await mqttClient(broker, { clientId: 'pump-7' });
    const publishesReceived = () => packetsIn(consumer.received).filter((p) => p.type === 3);
    for (let i = 0; i < 120; i++) await publisher.publishAsync('dt/pump-7', `m${i}`, { qos: 1 });
    await consumer.bytesWithin(Number.MAX_SAFE_INTEGER, 300);
    expect(publishesReceived()).toHaveLength(100);

    consumer.send(pubackPacket(publishPacketId(publishesReceived()[0]!.body)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await publisher.publishAsync('dt/pump-7', 'after ack', { qos: 1 });
    await consumer.bytesWithin(Number.MAX_SAFE_INTEGER, 300);
    expect(publishesReceived()).toHaveLength(101);
  });
});

describe('options', () => {
  it('refuses to start with a limit that is not a positive number, naming it', async () => {
    const start = testBroker({ limits: { maxSubscriptionsPerConnection: 0 } });
    await expect(start).rejects.toBeInstanceOf(InvalidBrokerOptionsError);
    await expect(start).rejects.toThrow(/limits\.maxSubscriptionsPerConnection/);
  });
});
