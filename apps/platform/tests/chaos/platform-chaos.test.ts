// The crash test: the whole local platform (`tributary start`) under sustained QoS 1 load from devices,
// SIGKILLed at seeded random moments — while it serves, and while it starts and recovers — and restarted
// on the same data directory and ports. Then, Jepsen-style, every message a device got a PUBACK for must
// be in the lake's telemetry table exactly once (DESIGN.md §4: the PUBACK waits for the fsync'd stream,
// the stream checkpoints after the lake write, the lake drops copies by (thing, message id, metric)).
// CHAOS_KILLS, CHAOS_SECONDS, CHAOS_SEED, CHAOS_DEVICES, CHAOS_RATE: see chaos-settings.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniformRandomOf } from '@tributary/ingest';
import { expect, it } from 'vitest';
import { eventually, freePorts, sqlOver } from '../platform-process.js';
import { AtLeastOnceDevice } from './at-least-once-device.js';
import { chaosSettingsFrom, testTimeoutMsFor } from './chaos-settings.js';
import { CrashingPlatform } from './crashing-platform.js';
import { deliveryAnomaliesOf, type DeliveryLedger } from './delivery-anomalies.js';
import { lakeCopiesByMessageId } from './lake-copies.js';
import { DuplicatesSkippedTally, pipelineStatusOf } from './platform-status.js';

const settings = chaosSettingsFrom(process.env);
const thingNamePrefix = 'chaos-';

it(
  `loses no acknowledged message and duplicates none across ${settings.kills}+ SIGKILLs of the platform`,
  async () => {
    console.log(`crash test seed ${settings.seed} (CHAOS_SEED=${settings.seed} repeats this kill schedule)`);
    const dataDir = await mkdtemp(join(tmpdir(), 'tributary-chaos-'));
    // Fixed up front, so devices reconnect to the same port after every restart.
    const [mqttPort, mqttsPort, iotPort, httpPort] = (await freePorts(4)) as [number, number, number, number];
    const dashboardUrl = `http://127.0.0.1:${httpPort}`;
    const devices = Array.from(
      { length: settings.devices },
      (_, index) =>
        new AtLeastOnceDevice({
          thingName: `${thingNamePrefix}${index + 1}`,
          brokerUrl: `mqtt://127.0.0.1:${mqttPort}`,
          messagesPerSecond: settings.messagesPerSecondPerDevice,
          maxUnacknowledged: 20,
        }),
    );
    const duplicatesSkipped = new DuplicatesSkippedTally(dashboardUrl);
    const platform = new CrashingPlatform(
      [
        ...['--data-dir', dataDir, '--devices', '0'],
        ...['--mqtt-port', String(mqttPort), '--mqtts-port', String(mqttsPort)],
        ...['--iot-port', String(iotPort), '--http-port', String(httpPort)],
      ],
      uniformRandomOf(settings.seed),
      () => duplicatesSkipped.bank(),
    );
    const startedAt = Date.now();
    let passed = false;
    try {
      await platform.start();
      for (const device of devices) device.start();
      await platform.killRepeatedly(
        () => platform.kills < settings.kills || Date.now() - startedAt < settings.minimumSeconds * 1000,
      );

      const ledger = await ledgerOnceDevicesSettle(devices);
      const copies = await lakeCopiesOnceDrained(dashboardUrl, ledger);
      const anomalies = deliveryAnomaliesOf(ledger, copies);
      console.log(
        `crash test: seed ${settings.seed}, ${platform.kills} kills (${platform.killsWhileStarting} while starting), ` +
          `${ledger.acknowledged.size} acked of ${ledger.sent.size} sent by ${devices.length} devices ` +
          `(${devices.reduce((sum, d) => sum + d.resends, 0)} resent after a reconnect), ` +
          `${copies.size} in the lake: lost ${anomalies.lost.length}, duplicated ${anomalies.duplicated.length}, ` +
          `unexpected ${anomalies.unexpected.length} (unacked but stored ${anomalies.unacknowledgedButStored}, ` +
          `redelivered copies the lake dropped ≥ ${await duplicatesSkipped.total()}, ` +
          `quarantined ${await quarantinedCount(dashboardUrl)}), ${Math.round((Date.now() - startedAt) / 1000)} s`,
      );
      expect(platform.kills).toBeGreaterThanOrEqual(settings.kills);
      expect(ledger.acknowledged.size).toBeGreaterThan(0);
      expect(anomalies.lost.slice(0, 20), `lost: ${anomalies.lost.length}`).toEqual([]);
      expect(anomalies.duplicated.slice(0, 20), `duplicated: ${anomalies.duplicated.length}`).toEqual([]);
      expect(anomalies.unexpected.slice(0, 20), `unexpected: ${anomalies.unexpected.length}`).toEqual([]);
      // After all that, a clean stop still drains and exits 0.
      expect(await platform.stop(), platform.output().slice(-2_000)).toBe(0);
      passed = true;
    } finally {
      duplicatesSkipped.stop();
      await Promise.all(devices.map((device) => device.close()));
      await platform.killIfRunning();
      // A failed run keeps its data directory (stream segments, checkpoints, lake, log) to investigate.
      if (passed) await rm(dataDir, { recursive: true, force: true });
      else console.log(`crash test data directory kept: ${dataDir}`);
    }
  },
  testTimeoutMsFor(settings),
);

/**
 * Stops new messages, gives the devices time to get their PUBACKs for what they still hold, and returns
 * their ledger. A message still unacknowledged after that may or may not land: the check allows both.
 */
async function ledgerOnceDevicesSettle(devices: readonly AtLeastOnceDevice[]): Promise<DeliveryLedger> {
  for (const device of devices) device.stopProducing();
  await eventually(
    async () => (devices.every((device) => device.unacknowledgedCount === 0) ? true : undefined),
    30_000,
  ).catch(() => undefined);
  return {
    sent: new Set(devices.flatMap((device) => [...device.sent])),
    acknowledged: new Set(devices.flatMap((device) => [...device.acknowledged])),
  };
}

/** The lake's copies per message id once the stream and the lake writer hold nothing more for it. */
async function lakeCopiesOnceDrained(
  dashboardUrl: string,
  ledger: DeliveryLedger,
): Promise<Map<string, number>> {
  await eventually(async () => {
    if ((await pipelineStatusOf(dashboardUrl)).recordsInFlight > 0) return undefined;
    const copies = await lakeCopiesByMessageId(dashboardUrl, thingNamePrefix);
    return [...ledger.acknowledged].every((messageId) => copies.has(messageId)) ? true : undefined;
  }, 60_000).catch(() => undefined); // what is missing by then is lost, and reported as such
  // Past the lake writer's flush interval (500 ms), so that a late duplicate shows too.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return lakeCopiesByMessageId(dashboardUrl, thingNamePrefix);
}

/** Quarantined messages of this test's devices: a lost message that was quarantined shows here. */
async function quarantinedCount(dashboardUrl: string): Promise<number> {
  const [row] = await sqlOver<{ messages: number }>(
    dashboardUrl,
    'SELECT count(*) AS messages FROM quarantine WHERE starts_with(client_id, ?)',
    [thingNamePrefix],
  );
  return Number(row?.messages);
}
