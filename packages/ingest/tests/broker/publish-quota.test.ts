// AWS IoT Core: 100 publish requests per connection per second, not adjustable; the excess is discarded
// and the connection stays (iot-core.html#message-broker-limits).
import type { Logger } from '@tributary/contracts';
import { silentLogger } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { closedByBroker, mqttClient, recordingWarnings, testBroker } from './broker-test-kit.js';

/** Publishes `count` QoS 0 messages in one burst and counts what a subscriber receives within `waitMs`. */
async function burst(profile: 'aws' | 'mqtt-3.1.1', count: number, logger: Logger = silentLogger) {
  const broker = await testBroker({ profile, logger });
  const subscriber = await mqttClient(broker, { clientId: 'dashboard' });
  await subscriber.subscribeAsync('dt/#', { qos: 0 });
  let received = 0;
  subscriber.on('message', () => received++);
  const gateway = await mqttClient(broker, { clientId: 'gateway-1' });
  for (let i = 0; i < count; i++) gateway.publish('dt/gateway-1/telemetry', `m${i}`, { qos: 0 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { broker, gateway, received: () => received };
}

describe('publish quota per connection', () => {
  it('aws: delivers about one second’s worth of a burst (100) and discards the rest, keeping the connection', async () => {
    const { logger, warnings } = recordingWarnings();
    const { gateway, received } = await burst('aws', 300, logger);
    // 100 at once, plus what refilled (100/s) while the burst was being read.
    expect(received()).toBeGreaterThanOrEqual(100);
    expect(received()).toBeLessThan(150);
    expect(gateway.connected).toBe(true);
    expect(warnings.some((w) => w['code'] === 'PUBLISH_THROTTLED' && Number(w['dropped']) > 0)).toBe(true);
  });

  it('aws: a QoS 1 publish over the quota gets no PUBACK; under it, the same connection is acknowledged again later', async () => {
    const broker = await testBroker();
    const gateway = await mqttClient(broker, { clientId: 'gateway-1' });
    let acknowledged = 0;
    for (let i = 0; i < 130; i++) {
      // Discarded ones stay unacknowledged until the client ends, which rejects them.
      gateway.publishAsync('dt/gateway-1/telemetry', `m${i}`, { qos: 1 }).then(
        () => acknowledged++,
        () => undefined,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(acknowledged).toBeGreaterThanOrEqual(100);
    expect(acknowledged).toBeLessThan(130);
    expect(await closedByBroker(gateway, 200)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await gateway.publishAsync('dt/gateway-1/telemetry', 'after a pause', { qos: 1 });
  });

  it('mqtt-3.1.1: has no such quota', async () => {
    const { received } = await burst('mqtt-3.1.1', 300);
    expect(received()).toBe(300);
  });
});
