// AWS lifecycle events published by the local broker on `$aws/events/presence/...` and
// `$aws/events/subscriptions/...`, and handed to onLifecycleEvent (life-cycle-events.html; reference b-7;
// faults.md #10, #26).
import { describe, expect, it } from 'vitest';
import {
  connectedEvent,
  disconnectedEvent,
  subscriptionEvent,
  type LifecycleEvent,
} from '../../src/core/lifecycle-events.js';
import {
  closedByBroker,
  disconnectPacket,
  mqttClient,
  nextMessage,
  RawMqttConnection,
  testBroker,
} from './broker-test-kit.js';

const session = {
  clientId: 'pump-7',
  sessionIdentifier: 'abc',
  principalIdentifier: 'cert-1',
  versionNumber: 3,
};

describe('lifecycle event documents', () => {
  it('have the fields and topics of AWS lifecycle events', () => {
    expect(connectedEvent(session, '127.0.0.1', 1000)).toEqual({
      topic: '$aws/events/presence/connected/pump-7',
      event: { ...session, eventType: 'connected', timestamp: 1000, ipAddress: '127.0.0.1' },
    });
    expect(disconnectedEvent(session, 'CLIENT_INITIATED_DISCONNECT', 2000)).toEqual({
      topic: '$aws/events/presence/disconnected/pump-7',
      event: {
        ...session,
        eventType: 'disconnected',
        timestamp: 2000,
        clientInitiatedDisconnect: true,
        disconnectReason: 'CLIENT_INITIATED_DISCONNECT',
      },
    });
    expect(subscriptionEvent(session, 'subscribed', ['a/b'], 3000)).toEqual({
      topic: '$aws/events/subscriptions/subscribed/pump-7',
      event: {
        clientId: 'pump-7',
        timestamp: 3000,
        eventType: 'subscribed',
        sessionIdentifier: 'abc',
        principalIdentifier: 'cert-1',
        topics: ['a/b'],
      },
    });
  });
});

async function brokerRecordingEvents() {
  const events: LifecycleEvent[] = [];
  const broker = await testBroker({ onLifecycleEvent: (event) => events.push(event) });
  const waitFor = async (predicate: (e: LifecycleEvent) => boolean, withinMs = 3_000) => {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const found = events.find(predicate);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return undefined;
  };
  return { broker, events, waitFor };
}

const disconnectOf = (clientId: string) => (e: LifecycleEvent) =>
  e.eventType === 'disconnected' && e.clientId === clientId;

describe('presence events', () => {
  it('publishes connected and disconnected (CLIENT_INITIATED_DISCONNECT) for one session', async () => {
    const { broker, waitFor } = await brokerRecordingEvents();
    const watcher = await mqttClient(broker, { clientId: 'watcher' });
    await watcher.subscribeAsync('$aws/events/presence/+/pump-7');
    const connectedMessage = nextMessage(watcher, 2_000);
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    const connected = await connectedMessage;
    expect(connected?.topic).toBe('$aws/events/presence/connected/pump-7');
    const connectedDoc = JSON.parse(connected?.payload ?? '{}');
    expect(connectedDoc).toMatchObject({
      clientId: 'pump-7',
      eventType: 'connected',
      principalIdentifier: 'anonymous',
      ipAddress: '127.0.0.1',
    });
    expect(connectedDoc.sessionIdentifier).toMatch(/^[0-9a-f]{32}$/);
    expect(Math.abs(connectedDoc.timestamp - Date.now())).toBeLessThan(120_000);

    const disconnectedMessage = nextMessage(watcher, 2_000);
    await device.endAsync();
    const disconnectedDoc = JSON.parse((await disconnectedMessage)?.payload ?? '{}');
    expect(disconnectedDoc).toMatchObject({
      clientId: 'pump-7',
      eventType: 'disconnected',
      clientInitiatedDisconnect: true,
      disconnectReason: 'CLIENT_INITIATED_DISCONNECT',
      sessionIdentifier: connectedDoc.sessionIdentifier,
      versionNumber: connectedDoc.versionNumber,
    });
    expect(disconnectedDoc).not.toHaveProperty('ipAddress');
    expect(await waitFor(disconnectOf('pump-7'))).toEqual(disconnectedDoc);
  });

  it('reports DUPLICATE_CLIENTID for the connection a newer one took over (faults.md #10)', async () => {
    const { broker, waitFor } = await brokerRecordingEvents();
    const first = await mqttClient(broker, { clientId: 'pump-7' });
    const closed = closedByBroker(first);
    await mqttClient(broker, { clientId: 'pump-7' });
    expect(await closed).toBe(true);
    expect(await waitFor(disconnectOf('pump-7'))).toMatchObject({
      disconnectReason: 'DUPLICATE_CLIENTID',
      clientInitiatedDisconnect: false,
    });
  });

  it('reports MQTT_KEEP_ALIVE_TIMEOUT after 1.5 x the keep-alive without a packet (faults.md #26)', async () => {
    const { broker, waitFor } = await brokerRecordingEvents();
    const device = await RawMqttConnection.open(broker);
    await device.connect({ clientId: 'pump-7', keepalive: 1 });
    expect(await device.closedWithin(3_000)).toBe(true);
    expect(await waitFor(disconnectOf('pump-7'))).toMatchObject({
      disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT',
    });
  });

  it('reports CONNECTION_LOST when the socket closes without DISCONNECT', async () => {
    const { broker, waitFor } = await brokerRecordingEvents();
    const device = await RawMqttConnection.open(broker);
    await device.connect({ clientId: 'pump-7' });
    device.socket.destroy();
    expect(await waitFor(disconnectOf('pump-7'))).toMatchObject({ disconnectReason: 'CONNECTION_LOST' });
  });

  it('reports CLIENT_ERROR for a limit violation and AUTH_ERROR for a policy denial', async () => {
    const events: LifecycleEvent[] = [];
    const broker = await testBroker({
      onLifecycleEvent: (event) => events.push(event),
      authorizer: { subscribe: () => ({ allowed: false, reason: 'test' }) },
    });
    const violator = await mqttClient(broker, { clientId: 'violator' });
    const violatorClosed = closedByBroker(violator);
    violator.publish('a/b/c/d/e/f/g/h/i', 'x');
    await violatorClosed;
    const denied = await mqttClient(broker, { clientId: 'denied' });
    const deniedClosed = closedByBroker(denied);
    denied.subscribe('cmd/denied');
    await deniedClosed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reasons = Object.fromEntries(
      events
        .filter((e) => e.eventType === 'disconnected')
        .map((e) => [e.clientId, 'disconnectReason' in e && e.disconnectReason]),
    );
    expect(reasons).toEqual({ violator: 'CLIENT_ERROR', denied: 'AUTH_ERROR' });
  });

  it('sends no lifecycle events for client ids containing + or #', async () => {
    const { broker, events } = await brokerRecordingEvents();
    const device = await mqttClient(broker, { clientId: 'pump+7' });
    await device.endAsync();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual([]);
  });
});

describe('subscription events', () => {
  it('publishes subscribed and unsubscribed with the topics of the request', async () => {
    const { broker, waitFor } = await brokerRecordingEvents();
    const watcher = await mqttClient(broker, { clientId: 'watcher' });
    await watcher.subscribeAsync('$aws/events/subscriptions/+/pump-7');
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    const subscribed = nextMessage(watcher, 2_000);
    await device.subscribeAsync(['cmd/pump-7', 'config/pump-7']);
    const doc = JSON.parse((await subscribed)?.payload ?? '{}');
    expect(doc).toMatchObject({
      clientId: 'pump-7',
      eventType: 'subscribed',
      principalIdentifier: 'anonymous',
    });
    expect([...doc.topics].sort()).toEqual(['cmd/pump-7', 'config/pump-7']);
    await device.unsubscribeAsync('cmd/pump-7');
    expect(await waitFor((e) => e.eventType === 'unsubscribed')).toMatchObject({ topics: ['cmd/pump-7'] });
  });
});

/** A CONNECT (MQTT 3.1.1) with a Will: flags 0x04 (will), QoS in bits 3-4, 0x02 (clean session). */
function connectWithWillPacket(
  clientId: string,
  keepalive: number,
  will: { topic: string; payload: string; qos: 0 | 1 },
) {
  const utf8 = (text: string) => {
    const bytes = Buffer.from(text);
    return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
  };
  const body = Buffer.concat([
    utf8('MQTT'),
    Buffer.from([4, 0x02 | 0x04 | (will.qos << 3), keepalive >> 8, keepalive & 0xff]),
    utf8(clientId),
    utf8(will.topic),
    utf8(will.payload),
  ]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

describe('Will messages (faults.md #26; mqtt.html, retained-message-policy-examples.html)', () => {
  const will = { topic: 'status/pump-7', payload: 'offline', qos: 1 as const };

  async function watchWill(broker: Awaited<ReturnType<typeof testBroker>>) {
    const watcher = await mqttClient(broker, { clientId: 'watcher' });
    await watcher.subscribeAsync(will.topic, { qos: 1 });
    return new Promise<{ payload: string; qos: number; at: number } | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 4_000);
      watcher.once('message', (_topic, payload, packet) => {
        clearTimeout(timer);
        resolve({ payload: payload.toString(), qos: packet.qos, at: Date.now() });
      });
    });
  }

  it('publishes the Will with the QoS it was given when the keep-alive lapses (1.5 x keep-alive)', async () => {
    const { broker, waitFor } = await brokerRecordingEvents();
    const published = watchWill(broker);
    const device = await RawMqttConnection.open(broker);
    device.send(connectWithWillPacket('pump-7', 1, will));
    const connectedAt = Date.now();
    await device.bytesWithin(4, 2_000);
    const message = await published;
    expect(message).toMatchObject({ payload: 'offline', qos: 1 });
    expect(message!.at - connectedAt).toBeGreaterThanOrEqual(1_400);
    expect(await waitFor(disconnectOf('pump-7'))).toMatchObject({
      disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT',
    });
  });

  it('publishes no Will after a DISCONNECT', async () => {
    const broker = await testBroker();
    const published = watchWill(broker);
    const device = await RawMqttConnection.open(broker);
    device.send(connectWithWillPacket('pump-7', 60, will));
    await device.bytesWithin(4, 2_000);
    device.send(disconnectPacket);
    expect(await device.closedWithin(1_000)).toBe(true);
    expect(
      await Promise.race([published, new Promise((resolve) => setTimeout(() => resolve('none'), 800))]),
    ).toBe('none');
  });

  it('publishes no Will whose topic is not a valid topic name: empty, U+0000, wildcards (MQTT-3.1.2-9, MQTT-4.7.3)', async () => {
    const broker = await testBroker();
    const watcher = await mqttClient(broker, { clientId: 'watcher' });
    await watcher.subscribeAsync('#', { qos: 1 });
    const delivered: string[] = [];
    watcher.on('message', (topic) => delivered.push(topic));
    for (const [n, topic] of ['', 'status/\u0000', 'status/+', 'status/#'].entries()) {
      const device = await RawMqttConnection.open(broker);
      device.send(connectWithWillPacket(`pump-${n}`, 60, { ...will, topic }));
      // Refused at CONNECT or accepted: either way the Will must never be published.
      await device.bytesWithin(4, 1_000).catch(() => undefined);
      device.socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(delivered.filter((topic) => !topic.startsWith('$aws/'))).toEqual([]);
  });

  it('publishes no Will the client may not publish (iot:Publish, asked when the connection ends) and reports CONNECTION_LOST', async () => {
    const events: LifecycleEvent[] = [];
    const broker = await testBroker({
      onLifecycleEvent: (event) => events.push(event),
      authorizer: {
        publish: (context, topic) =>
          context.clientId === 'pump-7' && topic === will.topic
            ? { allowed: false, reason: 'no iot:Publish on the will topic' }
            : { allowed: true, reason: 'test' },
      },
    });
    const published = watchWill(broker);
    const device = await RawMqttConnection.open(broker);
    device.send(connectWithWillPacket('pump-7', 60, will));
    await device.bytesWithin(4, 2_000);
    device.socket.destroy();
    expect(
      await Promise.race([published, new Promise((resolve) => setTimeout(() => resolve('none'), 800))]),
    ).toBe('none');
    expect(events.find(disconnectOf('pump-7'))).toMatchObject({ disconnectReason: 'CONNECTION_LOST' });
  });
});
