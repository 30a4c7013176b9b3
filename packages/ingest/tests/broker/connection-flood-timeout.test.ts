// faults.md #25, slowloris under the connection caps: sockets that open and never send CONNECT hold the
// per-address cap only until connectTimeoutMs (aedes `connectTimeout`), so a flood of silent opens cannot
// lock devices out for long — the broker closes them itself, and a real device connects with nothing else
// closed by the test.
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { RawMqttConnection, testBroker } from './broker-test-kit.js';

describe('silent sockets under the connection caps (faults.md #25)', () => {
  it('refuses the socket over the cap at once, closes the silent ones after connectTimeoutMs, then admits a device', async () => {
    const connectTimeoutMs = 400;
    const broker = await testBroker({ connectTimeoutMs, limits: { maxConnectionsPerAddress: 3 } });
    const openedAt = Date.now();
    const silent = await Promise.all([1, 2, 3].map(() => RawMqttConnection.open(broker)));

    const overCap = await RawMqttConnection.open(broker);
    expect(await overCap.closedWithin(200)).toBe(true);
    expect(Date.now() - openedAt).toBeLessThan(connectTimeoutMs);
    expect(silent.some((connection) => connection.closed)).toBe(false);

    // The broker, not the test, ends the slowloris sockets; they get no byte.
    const closedByTimeout = await Promise.all(silent.map((connection) => connection.closedWithin(2_000)));
    expect(closedByTimeout).toEqual([true, true, true]);
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(connectTimeoutMs - 50);
    expect(silent.map((connection) => connection.received.length)).toEqual([0, 0, 0]);

    const device = await mqtt.connectAsync(broker.url, { clientId: 'pump-7', reconnectPeriod: 0 });
    try {
      expect(device.connected).toBe(true);
    } finally {
      await device.endAsync(true);
    }
  });
});
