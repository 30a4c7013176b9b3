// Clients that hold resources without doing their part: sockets that never send CONNECT are closed after
// connectTimeoutMs (faults.md #25), and a subscriber that stops reading is disconnected after
// drainTimeoutMs, or at once when more than maxUnsentBytes wait for it, while the others keep receiving
// and publishers keep getting their PUBACKs (faults.md #24).
import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'aedes';
import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../src/core/lifecycle-events.js';
import type { LocalBroker } from '../../src/local/broker.js';
import {
  closeBroker,
  mqttClient,
  nextMessage,
  RawMqttConnection,
  subscribePacket,
  testBroker,
} from './broker-test-kit.js';

describe('idle and slow clients', () => {
  it('closes sockets that send no CONNECT within connectTimeoutMs, and still admits real devices', async () => {
    const broker = await testBroker({ connectTimeoutMs: 300 });
    const idle = await Promise.all(Array.from({ length: 5 }, () => RawMqttConnection.open(broker)));
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    const closed = await Promise.all(idle.map((connection) => connection.closedWithin(2_000)));
    expect(closed).toEqual([true, true, true, true, true]);
    expect(device.connected).toBe(true);
  });

  it('disconnects a subscriber that stops reading after drainTimeoutMs; others keep receiving', async () => {
    const events: LifecycleEvent[] = [];
    const broker = await testBroker({
      drainTimeoutMs: 300,
      maxUnsentBytes: 256 * 1024 * 1024, // never reached here: the timeout drops it
      onLifecycleEvent: (e) => events.push(e),
    });
    const stalled = await RawMqttConnection.open(broker);
    await stalled.connect({ clientId: 'stalled' });
    stalled.send(subscribePacket([{ topic: 'dt/#', qos: 0 }]));
    await stalled.bytesWithin(9, 1_000); // SUBACK
    stalled.socket.pause();
    const healthy = await mqttClient(broker, { clientId: 'healthy' });
    await healthy.subscribeAsync('dt/#');
    const publisher = await mqttClient(broker, { clientId: 'pump-7' });
    const chunk = 'x'.repeat(100 * 1024);
    const stalledGone = () => events.some((e) => e.eventType === 'disconnected' && e.clientId === 'stalled');
    for (let i = 0; i < 400 && !stalledGone(); i++) {
      await publisher.publishAsync('dt/pump-7', chunk, { qos: 1 });
      if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(events.find((e) => e.eventType === 'disconnected' && e.clientId === 'stalled')).toMatchObject({
      disconnectReason: 'SERVER_INITIATED_DISCONNECT',
    });
    const stillDelivered = nextMessage(healthy, 2_000);
    await publisher.publishAsync('dt/pump-7', 'after', { qos: 1 });
    expect(healthy.connected).toBe(true);
    expect(await stillDelivered).toBeDefined();
  });

  it('while a subscriber is stalled the others get each message as it is published, and the stalled one is dropped once maxUnsentBytes wait for it', async () => {
    const events: LifecycleEvent[] = [];
    const maxUnsentBytes = 1024 * 1024;
    const broker = await testBroker({
      // Far longer than the test: it is the bound on unsent bytes that drops the stalled client.
      drainTimeoutMs: 60_000,
      maxUnsentBytes,
      limits: { maxPublishesPerSecondPerConnection: Infinity },
      onLifecycleEvent: (e) => events.push(e),
    });
    const stalled = await RawMqttConnection.open(broker);
    await stalled.connect({ clientId: 'stalled' });
    stalled.send(subscribePacket([{ topic: 'dt/#', qos: 1 }]));
    await stalled.bytesWithin(9, 1_000);
    stalled.socket.pause();
    const healthy = await mqttClient(broker, { clientId: 'healthy' });
    await healthy.subscribeAsync('dt/#', { qos: 1 });
    let receivedByHealthy = 0;
    let slowestDelivery = 0;
    const sentAt: number[] = [];
    healthy.on('message', () => {
      slowestDelivery = Math.max(slowestDelivery, Date.now() - sentAt[receivedByHealthy]!);
      receivedByHealthy++;
    });

    let maxBufferedForStalled = 0;
    const sampler = setInterval(() => {
      const buffered = brokerSocketOf(broker, 'stalled')?.writableLength ?? 0;
      maxBufferedForStalled = Math.max(maxBufferedForStalled, buffered);
    }, 2);
    const publisher = await mqttClient(broker, { clientId: 'pump-7' });
    const payload = 'x'.repeat(64 * 1024);
    const published = 160; // 10 MiB, half QoS 0 and half QoS 1
    try {
      for (let i = 0; i < published; i++) {
        sentAt.push(Date.now());
        await publisher.publishAsync('dt/pump-7', payload, { qos: (i % 2) as 0 | 1 });
      }
      await expect.poll(() => receivedByHealthy, { timeout: 5_000 }).toBe(published);
      expect(events.find(disconnectOf('stalled'))).toMatchObject({
        disconnectReason: 'SERVER_INITIATED_DISCONNECT',
      });
    } finally {
      clearInterval(sampler);
    }
    // aedes used to hold every delivery until the stalled socket drained or drainTimeoutMs (here a minute).
    expect(slowestDelivery).toBeLessThan(2_000);
    expect(maxBufferedForStalled).toBeGreaterThan(0);
    expect(maxBufferedForStalled).toBeLessThanOrEqual(maxUnsentBytes + payload.length + 16);
    expect(brokerSocketOf(broker, 'stalled')).toBeUndefined();
  });

  it('keeps acknowledging QoS 1 publishes at once on a durable broker while a subscriber is stalled', async () => {
    const persistenceDir = await mkdtemp(join(tmpdir(), 'stalled-durable-'));
    const broker = await testBroker({
      persistenceDir,
      drainTimeoutMs: 5_000,
      limits: { maxPublishesPerSecondPerConnection: Infinity },
    });
    try {
      const stalled = await RawMqttConnection.open(broker);
      await stalled.connect({ clientId: 'stalled' });
      stalled.send(subscribePacket([{ topic: 'dt/#', qos: 0 }]));
      await stalled.bytesWithin(9, 1_000);
      stalled.socket.pause();
      const publisher = await mqttClient(broker, { clientId: 'pump-7' });
      // 5 MiB: far more than the stalled socket's buffers take, so its writes wait for a drain.
      const payload = 'x'.repeat(64 * 1024);
      let slowestPuback = 0;
      for (let i = 0; i < 80; i++) {
        const sentAt = Date.now();
        await publisher.publishAsync('dt/pump-7', payload, { qos: 1 });
        slowestPuback = Math.max(slowestPuback, Date.now() - sentAt);
      }
      // The PUBACK means "stored", not "delivered to every subscriber": a stalled one must not hold the
      // publisher for drainTimeoutMs (a device would time out and publish again).
      expect(slowestPuback).toBeLessThan(2_000);
    } finally {
      await closeBroker(broker);
      await rm(persistenceDir, { recursive: true, force: true });
    }
  });
});

const disconnectOf = (clientId: string) => (e: LifecycleEvent) =>
  e.eventType === 'disconnected' && e.clientId === clientId;

/** The broker's end of a client's connection, while aedes holds it. */
function brokerSocketOf(broker: LocalBroker, clientId: string): Socket | undefined {
  return (broker.aedes as unknown as { clients: Record<string, Client> }).clients[clientId]?.conn as
    Socket | undefined;
}
