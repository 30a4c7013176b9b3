// Clients that hold resources without doing their part: sockets that never send CONNECT are closed after
// connectTimeoutMs (faults.md #25), and a subscriber that stops reading is disconnected after
// drainTimeoutMs while the others keep receiving (faults.md #24).
import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from '../../src/core/lifecycle-events.js';
import {
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
    const broker = await testBroker({ drainTimeoutMs: 300, onLifecycleEvent: (e) => events.push(e) });
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
});
