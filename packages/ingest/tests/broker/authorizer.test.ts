// The authorization hooks the IoT policy engine plugs into, one per policy action (iot-policy-actions.html):
// iot:Connect, iot:Publish, iot:RetainPublish, iot:Subscribe and iot:Receive (checked on every delivery).
// A denial disconnects under the aws profile (MQTT 3.1.1 on AWS; faults.md #6, #7) and answers
// CONNACK 0x05 / SUBACK 0x80 under the mqtt-3.1.1 profile.
import { connect, createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { AuthorizationContext, BrokerAuthorizer } from '../../src/local/broker.js';
import {
  closedByBroker,
  connectPacket,
  mqttClient,
  nextMessage,
  publishPacket,
  RawMqttConnection,
  subscribePacket,
  testBroker,
} from './broker-test-kit.js';

const allow = { allowed: true, reason: 'allowed by test policy' };
const deny = { allowed: false, reason: 'denied by test policy' };

describe('iot:Connect', () => {
  it('aws: drops an unauthorized connection without a CONNACK (reference b-6, floci live probe)', async () => {
    const broker = await testBroker({
      authorizer: { connect: (c) => (c.clientId === 'pump-7' ? allow : deny) },
    });
    const refused = await RawMqttConnection.open(broker);
    refused.send(connectPacket({ clientId: 'pump-8' }));
    expect(await refused.closedWithin(1_000)).toBe(true);
    expect(refused.received.length).toBe(0);
    const admitted = await RawMqttConnection.open(broker);
    expect([...(await admitted.connect({ clientId: 'pump-7' }))]).toEqual([0x20, 0x02, 0x00, 0x00]);
  });

  it('mqtt-3.1.1: answers CONNACK 0x05 not authorized', async () => {
    const broker = await testBroker({ profile: 'mqtt-3.1.1', authorizer: { connect: async () => deny } });
    const device = await RawMqttConnection.open(broker);
    expect([...(await device.connect({ clientId: 'pump-8' }))]).toEqual([0x20, 0x02, 0x00, 0x05]);
    expect(await device.closedWithin(1_000)).toBe(true);
  });
});

describe('iot:Publish and iot:RetainPublish', () => {
  it('disconnects a publish the policy denies and delivers nothing (faults.md #6)', async () => {
    const broker = await testBroker({
      authorizer: { publish: (c, topic) => (topic.startsWith(`dt/${c.clientId}/`) ? allow : deny) },
    });
    const subscriber = await mqttClient(broker, { clientId: 'dashboard' });
    await subscriber.subscribeAsync('dt/#', { qos: 1 });
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    await device.publishAsync('dt/pump-7/telemetry', 'own', { qos: 1 });
    expect((await nextMessage(subscriber, 1_000))?.payload).toBe('own');
    const closed = closedByBroker(device);
    const delivered = nextMessage(subscriber, 400);
    device.publish('dt/pump-8/telemetry', 'spoofed', { qos: 1 });
    expect(await closed).toBe(true);
    expect(await delivered).toBeUndefined();
  });

  it('asks retainPublish for a retained message and refuses it without iot:RetainPublish (faults.md #16)', async () => {
    const asked: { topic: string; retain: boolean; qos: number }[] = [];
    const broker = await testBroker({
      authorizer: {
        publish: (_c, topic, message) => (asked.push({ topic, ...message }), allow),
        retainPublish: async () => deny,
      },
    });
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    await device.publishAsync('config/pump-7', 'plain', { qos: 1 });
    const closed = closedByBroker(device);
    device.publish('config/pump-7', 'retained', { qos: 1, retain: true });
    expect(await closed).toBe(true);
    expect(asked).toEqual([
      { topic: 'config/pump-7', retain: false, qos: 1 },
      { topic: 'config/pump-7', retain: true, qos: 1 },
    ]);
    const late = await mqttClient(broker, { clientId: 'late' });
    const retained = nextMessage(late, 300);
    await late.subscribeAsync('config/pump-7');
    expect(await retained).toBeUndefined();
  });

  it('acknowledges a QoS 1 publish only after the policy allowed it and beforeAcknowledge resolved', async () => {
    const order: string[] = [];
    const broker = await testBroker({
      authorizer: { publish: async () => (order.push('authorized'), allow) },
      beforeAcknowledge: async () => void order.push('recorded'),
    });
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    await device.publishAsync('dt/pump-7/telemetry', '{}', { qos: 1 });
    order.push('acknowledged');
    expect(order).toEqual(['authorized', 'recorded', 'acknowledged']);
  });

  it('closes the connection without a PUBACK when beforeAcknowledge fails to record the message', async () => {
    const broker = await testBroker({
      beforeAcknowledge: async () => {
        throw new Error('stream unavailable');
      },
    });
    const device = await RawMqttConnection.open(broker);
    await device.connect({ clientId: 'pump-7' });
    device.send(publishPacket('dt/pump-7/telemetry', '{}', 1, 5));
    expect(await device.closedWithin(1_000)).toBe(true);
    expect(device.received.length).toBe(4); // the CONNACK only
  });

  it('refuses the same way, and keeps serving others, when beforeAcknowledge throws instead of rejecting', async () => {
    const broker = await testBroker({
      beforeAcknowledge: (packet) => {
        if (packet.topic.startsWith('dt/pump-7/')) throw new Error('metering failed');
        return Promise.resolve();
      },
    });
    const device = await RawMqttConnection.open(broker);
    await device.connect({ clientId: 'pump-7' });
    device.send(publishPacket('dt/pump-7/telemetry', '{}', 1, 5));
    expect(await device.closedWithin(1_000)).toBe(true);
    expect(device.received.length).toBe(4); // the CONNACK only
    const other = await mqttClient(broker, { clientId: 'pump-8' });
    await other.publishAsync('dt/pump-8/telemetry', '{}', { qos: 1 });
  });
});

describe('iot:Subscribe', () => {
  it('aws: disconnects a subscription the policy denies (faults.md #7)', async () => {
    const broker = await testBroker({
      authorizer: { subscribe: (_c, filter) => (filter === '#' ? deny : allow) },
    });
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    await device.subscribeAsync('cmd/pump-7');
    const closed = closedByBroker(device);
    device.subscribe('#');
    expect(await closed).toBe(true);
  });

  it('mqtt-3.1.1: answers SUBACK 0x80 for the denied filter only (Paho test_subscribe_failure)', async () => {
    const broker = await testBroker({
      profile: 'mqtt-3.1.1',
      authorizer: { subscribe: async (_c, filter) => (filter === '#' ? deny : allow) },
    });
    const device = await RawMqttConnection.open(broker);
    await device.connect({ clientId: 'pump-7' });
    device.send(
      subscribePacket(
        [
          { topic: 'cmd/pump-7', qos: 1 },
          { topic: '#', qos: 0 },
        ],
        3,
      ),
    );
    const bytes = await device.bytesWithin(10, 1_000);
    expect([...bytes.subarray(4, 10)]).toEqual([0x90, 0x04, 0x00, 0x03, 0x01, 0x80]);
  });
});

describe('iot:Receive', () => {
  it('is checked on every delivery: revoking it stops delivery on the next message (faults.md #7)', async () => {
    let receiveAllowed = true;
    const broker = await testBroker({ authorizer: { receive: () => (receiveAllowed ? allow : deny) } });
    const subscriber = await mqttClient(broker, { clientId: 'dashboard' });
    await subscriber.subscribeAsync('dt/#', { qos: 1 });
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    const first = nextMessage(subscriber, 1_000);
    await device.publishAsync('dt/pump-7', 'one', { qos: 1 });
    expect((await first)?.payload).toBe('one');
    receiveAllowed = false;
    const second = nextMessage(subscriber, 300);
    await device.publishAsync('dt/pump-7', 'two', { qos: 1 });
    expect(await second).toBeUndefined();
    expect(subscriber.connected).toBe(true);
  });
});

describe('principals handed in by another listener', () => {
  it('reach every hook for connections served through handleConnection', async () => {
    const seen: { action: string; context: AuthorizationContext }[] = [];
    const record =
      (action: string) =>
      (context: AuthorizationContext): { allowed: boolean; reason: string } => (
        seen.push({ action, context }),
        allow
      );
    const authorizer: BrokerAuthorizer = {
      connect: record('connect'),
      publish: record('publish'),
      subscribe: record('subscribe'),
      receive: record('receive'),
    };
    const broker = await testBroker({ authorizer });
    const principal = { certificateId: 'c0ffee', thingName: 'pump-7' };
    const front = createServer((socket) => broker.handleConnection(socket, principal, 'c0ffee'));
    front.listen(0, '127.0.0.1');
    await once(front, 'listening');
    try {
      const mqtt = (await import('mqtt')).default;
      const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${(front.address() as AddressInfo).port}`, {
        clientId: 'pump-7',
        reconnectPeriod: 0,
      });
      await device.subscribeAsync('cmd/pump-7', { qos: 1 });
      const echoed = nextMessage(device, 1_000);
      await device.publishAsync('cmd/pump-7', 'x', { qos: 1 });
      expect(await echoed).toBeDefined();
      await device.endAsync();
      expect(seen.map((s) => s.action)).toEqual(['connect', 'subscribe', 'publish', 'receive']);
      for (const { context } of seen) expect(context).toEqual({ clientId: 'pump-7', principal });
    } finally {
      front.close();
    }
    // A plain-socket connection has no principal.
    const plain = connect(broker.port, broker.host);
    plain.write(connectPacket({ clientId: 'anon' }));
    await once(plain, 'data');
    plain.destroy();
    expect(seen.at(-1)?.context).toEqual({ clientId: 'anon', principal: undefined });
  });
});

describe('a broker without its plain listener (listen: false)', () => {
  it('serves only the connections handed to handleConnection', async () => {
    const broker = await testBroker({ listen: false });
    expect(broker.url).toBe('');
    const front = createServer((socket) =>
      broker.handleConnection(socket, { certificateId: 'c0ffee' }, 'c0ffee'),
    );
    front.listen(0, '127.0.0.1');
    await once(front, 'listening');
    try {
      const socket = connect((front.address() as AddressInfo).port, '127.0.0.1');
      socket.write(connectPacket({ clientId: 'pump-7' }));
      const [connack] = (await once(socket, 'data')) as [Buffer];
      expect([...connack]).toEqual([0x20, 0x02, 0x00, 0x00]);
      socket.destroy();
    } finally {
      front.close();
    }
  });
});
