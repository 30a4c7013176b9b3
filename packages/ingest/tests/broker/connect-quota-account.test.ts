// faults.md #10 at fleet scale: AWS IoT Core takes 500 CONNECT requests a second per account (adjustable;
// iot-core.html#message-broker-limits). Real mqtt.js clients against the broker with the account rate set
// low (1 a second, so a burst of 20) to keep the test short: a CONNECT over it is dropped without a CONNACK,
// whatever its client id, and the broker takes connects again as the rate refills.
import { describe, expect, it } from 'vitest';
import { connectBurstSecondsPerAccount } from '../../src/core/connect-quota.js';
import { awsBrokerLimits, mqttSpecBrokerLimits } from '../../src/local/broker.js';
import {
  connectPacket,
  RawMqttConnection,
  testBroker,
  connectOutcome,
  pause,
  recordingWarnings,
} from './broker-test-kit.js';

const burst = connectBurstSecondsPerAccount; // at 1 CONNECT a second

describe('CONNECT quota per account (faults.md #10)', () => {
  it('aws: refuses any client id once the account rate is spent, and takes connects again as it refills', async () => {
    const { logger, warnings } = recordingWarnings();
    const broker = await testBroker({ logger, limits: { maxConnectsPerSecondPerAccount: 1 } });
    const fleet = await Promise.all(
      Array.from({ length: burst }, (_, i) => connectOutcome(broker, `sensor-${i}`)),
    );
    expect(fleet.every((outcome) => outcome === 'connected')).toBe(true);

    expect(await connectOutcome(broker, 'sensor-late')).toBe('refused');
    expect(await connectOutcome(broker, 'another-device')).toBe('refused');
    expect(warnings).toContainEqual(
      expect.objectContaining({ code: 'CONNECT_THROTTLED', quota: 'perAccount', limitPerSecond: 1 }),
    );
    // The connected fleet is not harmed by the refusals.
    expect(broker.aedes.connectedClients).toBe(burst);

    await pause(1_100);
    expect(await connectOutcome(broker, 'sensor-late')).toBe('connected');
  });

  it('aws: a CONNECT over the account rate gets no CONNACK and its socket is closed', async () => {
    const broker = await testBroker({ limits: { maxConnectsPerSecondPerAccount: 1 } });
    for (let i = 0; i < burst; i++) {
      const accepted = await RawMqttConnection.open(broker);
      expect([...(await accepted.connect({ clientId: `sensor-${i}` }))]).toEqual([0x20, 0x02, 0x00, 0x00]);
    }
    const throttled = await RawMqttConnection.open(broker);
    throttled.send(connectPacket({ clientId: 'sensor-late' }));
    expect(await throttled.closedWithin(1_000)).toBe(true);
    expect(throttled.received.length).toBe(0);
  });

  it('aws: warns once a second with a count, not once per refused CONNECT', async () => {
    const { logger, warnings } = recordingWarnings();
    const broker = await testBroker({ logger, limits: { maxConnectsPerSecondPerAccount: 1 } });
    await Promise.all(Array.from({ length: burst }, (_, i) => connectOutcome(broker, `sensor-${i}`)));
    for (let i = 0; i < 5; i++) expect(await connectOutcome(broker, `late-${i}`)).toBe('refused');
    expect(warnings.filter((warning) => warning['quota'] === 'perAccount')).toHaveLength(1);
  });

  it('defaults: AWS’s 500 a second under aws, none under mqtt-3.1.1', () => {
    expect(awsBrokerLimits.maxConnectsPerSecondPerAccount).toBe(500);
    expect(mqttSpecBrokerLimits.maxConnectsPerSecondPerAccount).toBe(Number.POSITIVE_INFINITY);
  });

  // More than one second of AWS's rate: the burst lets a local fleet come up at once (simulate, benchmarks).
  it(
    'aws: 800 devices connecting at once are all admitted under the default quota',
    { timeout: 60_000 },
    async () => {
      const broker = await testBroker();
      const fleet = await Promise.all(
        // 800 handshakes in this one process can take seconds on a loaded machine: a refusal is what is
        // under test, not a slow CONNACK.
        Array.from({ length: 800 }, (_, i) => connectOutcome(broker, `fleet-${i}`, 30_000)),
      );
      expect(fleet.filter((outcome) => outcome === 'refused')).toEqual([]);
    },
  );
});
