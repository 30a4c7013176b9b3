// faults.md #10, reconnect storm: AWS IoT Core takes 1 CONNECT a second per client id, not adjustable
// (iot-core.html#message-broker-limits). Real mqtt.js clients against the broker; a CONNECT over the
// quota is dropped without a CONNACK, and the id connects again once the second has passed.
import { describe, expect, it } from 'vitest';
import {
  connectPacket,
  RawMqttConnection,
  testBroker,
  connectOutcome,
  pause,
  recordingWarnings,
} from './broker-test-kit.js';

describe('CONNECT quota per client id (faults.md #10)', () => {
  it('aws: refuses a client id reconnecting faster than 1/s, leaves other ids alone, and lets it back after a second', async () => {
    const { logger, warnings } = recordingWarnings();
    const broker = await testBroker({ logger });
    // A takeover (the newest connection wins) is within the burst of 2.
    expect(await connectOutcome(broker, 'pump-7')).toBe('connected');
    expect(await connectOutcome(broker, 'pump-7')).toBe('connected');
    expect(await connectOutcome(broker, 'pump-7')).toBe('refused');
    expect(warnings).toContainEqual(
      expect.objectContaining({ code: 'CONNECT_THROTTLED', clientId: 'pump-7' }),
    );
    expect(await connectOutcome(broker, 'pump-8')).toBe('connected');
    await pause(1_100);
    expect(await connectOutcome(broker, 'pump-7')).toBe('connected');
  });

  it('aws: answers a throttled CONNECT with no CONNACK and closes the connection', async () => {
    const broker = await testBroker();
    for (let i = 0; i < 2; i++) {
      const accepted = await RawMqttConnection.open(broker);
      expect([...(await accepted.connect({ clientId: 'pump-7' }))]).toEqual([0x20, 0x02, 0x00, 0x00]);
    }
    const throttled = await RawMqttConnection.open(broker);
    throttled.send(connectPacket({ clientId: 'pump-7' }));
    expect(await throttled.closedWithin(1_000)).toBe(true);
    expect(throttled.received.length).toBe(0);
  });

  it('aws: the limit is a broker option, for tests that reconnect one id quickly', async () => {
    const broker = await testBroker({
      limits: { maxConnectsPerSecondPerClientId: Number.POSITIVE_INFINITY },
    });
    for (let i = 0; i < 4; i++) expect(await connectOutcome(broker, 'pump-7')).toBe('connected');
  });

  it('mqtt-3.1.1: has no such quota', async () => {
    const broker = await testBroker({ profile: 'mqtt-3.1.1' });
    for (let i = 0; i < 4; i++) expect(await connectOutcome(broker, 'pump-7')).toBe('connected');
  });
});
