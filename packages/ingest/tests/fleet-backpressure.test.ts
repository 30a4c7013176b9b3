// The fleet driver against a broker that is slow to acknowledge: each device keeps at most `maxInFlight`
// QoS 1 messages unacknowledged (AWS IoT Core allows 100 per connection), skips the readings that come due
// meanwhile and counts them as held back, so a slow platform shows as backpressure rather than as memory
// growing in the simulator; once PUBACKs flow again, the fleet is back at its rate with nothing lost.
import type { PublishPacket } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import { fleetPlanOf } from '../src/core/index.js';
import { startFleetDriver, type FleetDriver } from '../src/local/fleet-driver.js';
import { testBroker } from './broker/broker-test-kit.js';

let driver: FleetDriver | undefined;
afterEach(async () => {
  await driver?.stop({ drainTimeoutMs: 1000 });
  driver = undefined;
});

const runFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A broker that withholds every telemetry PUBACK until `release()`. */
async function slowBroker() {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const broker = await testBroker({
    beforeAcknowledge: (packet: PublishPacket) => (packet.topic.startsWith('dt/') ? held : Promise.resolve()),
  });
  return { url: broker.url, release };
}

describe('the fleet driver under a broker slow to acknowledge', () => {
  it('holds each device at its in-flight cap and counts the readings held back, then recovers', async () => {
    const broker = await slowBroker();
    const plan = fleetPlanOf({ devices: 4, ratePerSecond: 100, seed: 3 });
    driver = await startFleetDriver({ brokerUrl: broker.url, plan, maxInFlight: 3 });

    await runFor(600);
    const held = driver.stats();
    // 4 devices × 3 unacknowledged, not the ~60 readings that came due.
    expect(held).toMatchObject({
      messagesInFlight: 12,
      readingsGenerated: 12,
      devicesHeldBack: 4,
      maxInFlight: 3,
    });
    expect(held.readingsHeldBack).toBeGreaterThanOrEqual(40);

    broker.release();
    await runFor(500);
    const flowing = driver.stats();
    expect(flowing.devicesHeldBack).toBe(0);
    expect(flowing.readingsGenerated - held.readingsGenerated).toBeGreaterThanOrEqual(40); // 100/s again
    const stats = await driver.stop();
    expect(stats).toMatchObject({ readingsFailed: 0, messagesInFlight: 0 });
    expect(stats.readingsAcknowledged).toBe(stats.readingsGenerated);
  });

  it('allows 100 unacknowledged messages per device by default, as AWS IoT Core does', async () => {
    const broker = await slowBroker();
    const plan = fleetPlanOf({ devices: 1, ratePerSecond: 500, seed: 3 });
    driver = await startFleetDriver({ brokerUrl: broker.url, plan });

    await runFor(400);
    expect(driver.stats()).toMatchObject({ messagesInFlight: 100, devicesHeldBack: 1, maxInFlight: 100 });
    broker.release();
  });

  it('refuses an in-flight cap below 1', async () => {
    const plan = fleetPlanOf({ devices: 1, ratePerSecond: 1, seed: 3 });
    await expect(startFleetDriver({ brokerUrl: 'mqtt://127.0.0.1:1', plan, maxInFlight: 0 })).rejects.toThrow(
      /maxInFlight: a whole number of at least 1, not 0/,
    );
  });
});
