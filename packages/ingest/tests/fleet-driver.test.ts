// The fleet driver against the local IoT Core over mutual TLS: each simulated device connects with its own
// certificate as its thing, the fleet keeps its publish rate, batches carry the same readings in fewer
// messages, devices apply desired shadow settings (a new reporting interval changes how often that device
// publishes) and report back what they now do, a dropped device reconnects, and a large fleet paces its
// CONNECTs.
import type { Client, PublishPacket } from 'aedes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fleetPlanOf, type FleetPlan } from '../src/core/index.js';
import { startFleetDriver, type FleetDriver, type FleetDriverOptions } from '../src/local/fleet-driver.js';
import type { DeviceCredentials } from '../src/local/fleet-simulator.js';
import { startLocalIotCoreFixture, type LocalIotCoreFixture } from './local-iot-core-fixture.js';

let fixture: LocalIotCoreFixture;
let driver: FleetDriver | undefined;
const plan: FleetPlan = fleetPlanOf({ devices: 4, ratePerSecond: 50, seed: 7 });
const credentials = new Map<string, DeviceCredentials>();

/** Telemetry the broker received, by the client id that sent it. */
const telemetrySeen: Array<{ clientId: string; topic: string; readings: number; ts?: number }> = [];
const recordTelemetry = (packet: PublishPacket, client: Client | null): void => {
  if (!client || !packet.topic.startsWith('dt/')) return;
  const body = JSON.parse(packet.payload.toString()) as { readings?: unknown[]; ts?: number };
  const readings = body.readings?.length ?? 1;
  telemetrySeen.push({ clientId: client.id, topic: packet.topic, readings, ts: body.ts });
};
/** The device-time gaps between one device's readings, in the order the broker received them. */
const gapsOf = (thingName: string, fromTs: number): number[] => {
  const times = telemetrySeen
    .filter((seen) => seen.clientId === thingName && seen.ts! >= fromTs)
    .map((seen) => seen.ts!);
  return times.slice(1).map((ts, i) => ts - times[i]!);
};

beforeAll(async () => {
  fixture = await startLocalIotCoreFixture();
  for (const device of plan.devices) {
    const thing = await fixture.provision(device.thingName);
    credentials.set(device.thingName, { ...thing, caCertificatePem: fixture.caCertificatePem });
  }
  fixture.core.broker.aedes.on('publish', recordTelemetry);
}, 30_000);

afterEach(async () => {
  await driver?.stop({ drainTimeoutMs: 1000 });
  driver = undefined;
  // AWS IoT Core takes one CONNECT a second per client ID: the next test's devices reuse these IDs.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  telemetrySeen.length = 0;
});

afterAll(async () => {
  fixture.core.broker.aedes.removeListener('publish', recordTelemetry);
  await fixture?.close();
});

const startDriver = (options: Partial<FleetDriverOptions> = {}): Promise<FleetDriver> =>
  startFleetDriver({
    brokerUrl: fixture.core.mqttsUrl,
    plan,
    credentialsFor: async (thingName) => credentials.get(thingName)!,
    reconnectPeriodMs: 100,
    ...options,
  });

async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const runFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const shadowUrl = (thingName: string) => `${fixture.core.controlPlaneUrl}/things/${thingName}/shadow`;
async function updateDesired(thingName: string, desired: Record<string, unknown>): Promise<void> {
  const response = await fetch(shadowUrl(thingName), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ state: { desired } }),
  });
  expect(response.status).toBe(200);
}
async function reportedOf(thingName: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(shadowUrl(thingName));
  if (response.status !== 200) return undefined;
  const shadow = (await response.json()) as { state: { reported?: Record<string, unknown> } };
  return shadow.state.reported;
}

describe('the fleet driver', () => {
  it('keeps the fleet rate over mutual TLS, each device publishing as its own thing', async () => {
    driver = await startDriver();
    await runFor(2000);
    const stats = await driver.stop();

    // 50 readings a second for ~2 s (the stop lands a tick or so after 2 s).
    expect(stats.readingsGenerated).toBeGreaterThanOrEqual(100);
    expect(stats.readingsGenerated).toBeLessThanOrEqual(115);
    expect(stats.readingsAcknowledged).toBe(stats.readingsGenerated);
    expect(stats).toMatchObject({ readingsFailed: 0, messagesInFlight: 0, devices: 4 });
    expect(telemetrySeen).toHaveLength(stats.messagesAcknowledged);
    for (const seen of telemetrySeen) expect(seen.topic).toBe(`dt/tributary/${seen.clientId}/telemetry`);
    expect(new Set(telemetrySeen.map((seen) => seen.clientId))).toEqual(
      new Set(plan.devices.map((device) => device.thingName)),
    );
  });

  it('sends the same readings in fewer messages when batching', async () => {
    driver = await startDriver({ batchSize: 5 });
    await runFor(1000);
    const stats = await driver.stop();

    expect(stats.readingsAcknowledged).toBe(stats.readingsGenerated);
    expect(stats.readingsGenerated).toBeGreaterThanOrEqual(50);
    // Full batches of 5, plus at most one partial batch per device sent at stop.
    expect(stats.messagesAcknowledged).toBeLessThanOrEqual(Math.ceil(stats.readingsGenerated / 5) + 4);
    expect(telemetrySeen).toHaveLength(stats.messagesAcknowledged);
    expect(telemetrySeen.reduce((sum, seen) => sum + seen.readings, 0)).toBe(stats.readingsGenerated);
  });

  it('applies a desired shadow setting and reports it back, including one set while it was offline', async () => {
    const [online, offline] = plan.devices.map((device) => device.thingName) as [string, string];
    await updateDesired(offline, { firmware: '2.1.0' });
    driver = await startDriver();
    await updateDesired(online, { firmwareChannel: 'beta' });

    await eventually(async () => (await reportedOf(online))?.firmwareChannel === 'beta');
    await eventually(async () => (await reportedOf(offline))?.firmware === '2.1.0');
    expect(driver.settingsOf(online)).toMatchObject({ firmwareChannel: 'beta' });
    expect(driver.settingsOf(offline)).toMatchObject({ firmware: '2.1.0' });
    expect(driver.stats().shadowDeltasApplied).toBeGreaterThanOrEqual(2);
  });

  it('publishes at the reporting interval its shadow desires, while the others keep theirs', async () => {
    const [slowed, other, refusing] = plan.devices.map((device) => device.thingName) as [
      string,
      string,
      string,
    ];
    driver = await startDriver();
    expect(driver.reportingIntervalMsOf(slowed)).toBe(80); // 4 devices at 50 readings/s
    await runFor(300);
    await updateDesired(slowed, { reportingIntervalMs: 250 });
    await updateDesired(refusing, { reportingIntervalMs: 0 });

    await eventually(async () => (await reportedOf(slowed))?.reportingIntervalMs === 250);
    expect(driver.reportingIntervalMsOf(slowed)).toBe(250);
    // A value it cannot run with is answered with the interval it keeps.
    await eventually(async () => (await reportedOf(refusing))?.reportingIntervalMs === 80);
    expect(driver.reportingIntervalMsOf(refusing)).toBe(80);
    const changedAt = Date.now();
    await runFor(1200);
    await driver.stop();

    const slowedGaps = gapsOf(slowed, changedAt);
    expect(slowedGaps.length).toBeGreaterThanOrEqual(3);
    expect(new Set(slowedGaps)).toEqual(new Set([250]));
    const otherGaps = gapsOf(other, changedAt);
    expect(otherGaps.length).toBeGreaterThanOrEqual(12);
    for (const gap of otherGaps) expect(gap).toBeGreaterThanOrEqual(79); // 80 ms, whole-ms slot offsets
    for (const gap of otherGaps) expect(gap).toBeLessThanOrEqual(81);
    await updateDesired(slowed, { reportingIntervalMs: null });
    await updateDesired(refusing, { reportingIntervalMs: null });
  });

  it('reconnects a device whose connection dropped, and its readings still arrive', async () => {
    driver = await startDriver();
    await runFor(300);
    const dropped = plan.devices[1]!.thingName;
    const { clients } = fixture.core.broker.aedes as unknown as { clients: Record<string, Client> };
    const brokerSide = clients[dropped];
    expect(brokerSide).toBeDefined();
    brokerSide!.close();

    await eventually(() => driver!.stats().reconnects >= 1 && driver!.stats().devicesConnected === 4);
    await runFor(300);
    const stats = await driver.stop();
    expect(stats.readingsFailed).toBe(0);
    expect(stats.readingsAcknowledged).toBe(stats.readingsGenerated);
    expect(telemetrySeen.filter((seen) => seen.clientId === dropped).length).toBeGreaterThan(0);
  });

  it('paces the CONNECTs of a fleet larger than the pacing lets connect at once', async () => {
    // 10 a second from the first device on: device i may send its CONNECT 100 ms × i after the first.
    const connectedAt: number[] = [];
    const startedAt = Date.now();
    driver = await startDriver({
      connectPacing: { connectsPerSecond: 10, unpacedFleetSize: 1 },
      onDeviceConnected: () => connectedAt.push(Date.now() - startedAt),
    });
    expect(connectedAt).toHaveLength(4);
    connectedAt.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(i * 100));
  });

  it('refuses to start when a device cannot connect, naming the device', async () => {
    await expect(
      startDriver({
        credentialsFor: async (thingName) => ({ ...credentials.get(plan.devices[0]!.thingName)!, thingName }),
      }),
    ).rejects.toMatchObject({
      code: 'FLEET_CONNECT_FAILED',
      message: expect.stringMatching(/^Simulated device sim-sensor-00[234] could not connect/),
    });
  });
});
