// `tributary simulate --devices N --rate R [--duration D]`: a fleet of simulated devices against the running
// platform, each connecting over mutual TLS as its own thing, publishing R readings a second fleet-wide with
// labelled injected anomalies; a live line on the terminal, a summary at the end, the labels on request.
// Each device keeps at most --max-in-flight QoS 1 messages unacknowledged (AWS IoT Core allows 100 per
// connection), so a slow platform shows on the live line as backpressure. Exits 1 when a publish failed
// or a device could not connect, 2 on options it cannot read, 0 when all went well.
import { fleetPlanOf, nabCombinedWindowsOf, SimulationSpecError, type FleetPlan } from '@tributary/ingest';
import { FleetConnectError, startFleetDriver, type FleetDriverStats } from '@tributary/ingest/local';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { endpointsFileOf, parseConfig } from '../config.js';
import { runningPlatformEndpoints } from './local-iot-api.js';
import { provisionSimulatedFleet } from './simulated-fleet-provisioning.js';
import {
  simulateSettingsOf,
  type SimulateCommandOptions,
  type SimulateSettings,
} from './simulate-settings.js';
import { simulationOutcomeOf } from './simulate-summary.js';

export const simulateUsage =
  'tributary simulate --devices N --rate R [--duration 30s|5m|SECONDS] [--batch K] [--max-in-flight K] [--seed S] [--labels FILE] [--data-dir DIR]';

export async function runSimulateCommand(options: SimulateCommandOptions): Promise<number> {
  const settings = simulateSettingsOf(options);
  if (typeof settings === 'string') {
    process.stderr.write(`${settings}\nUsage: ${simulateUsage}\n`);
    return 2;
  }
  let plan: FleetPlan;
  try {
    plan = simulatedFleetPlanOf(settings);
  } catch (error) {
    if (!(error instanceof SimulationSpecError)) throw error;
    process.stderr.write(`${error.message}\nUsage: ${simulateUsage}\n`);
    return 2;
  }
  const config = parseConfig(options.dataDir ? { dataDir: options.dataDir } : {});
  const endpoints = await runningPlatformEndpoints(endpointsFileOf(config));
  if (!endpoints) {
    process.stderr.write(
      `No platform is running on ${config.dataDir}: start it with \`tributary start\` (the simulated devices ` +
        'connect to its broker and are onboarded through its IoT API), or pass the --data-dir it runs on.\n',
    );
    return 1;
  }
  const progress = terminalProgress();
  const fleet = await provisionSimulatedFleet(
    plan.devices,
    endpoints,
    resolve(config.dataDir, 'simulate'),
    (done, total) => progress.show(`onboarding devices ${done}/${total}`),
  );
  let driver;
  try {
    driver = await startFleetDriver({
      brokerUrl: endpoints.mqttsUrl,
      plan,
      credentialsFor: fleet.credentialsFor,
      batchSize: settings.batchSize,
      maxInFlight: settings.maxInFlight,
      onDeviceConnected: (done, total) => progress.show(`connecting devices ${done}/${total}`),
    });
  } catch (error) {
    if (!(error instanceof FleetConnectError)) throw error;
    progress.clear();
    const outcome = simulationOutcomeOf({
      stats: { ...noRun, devices: settings.devices },
      targetRatePerSecond: settings.rate,
      connectFailure: error.message,
    });
    process.stdout.write(`${outcome.summaryLine}\n`);
    return outcome.exitCode;
  }
  const running = driver;
  const liveLineOf = liveLineWriter(settings);
  const liveLine = setInterval(() => progress.show(liveLineOf(running.stats())), 1000);
  await untilDoneOrInterrupted(settings.durationMs);
  clearInterval(liveLine);
  const { devices, devicesConnected } = driver.stats();
  progress.show('stopping: waiting for the last acknowledgements');
  const stats = await driver.stop();
  progress.clear();

  const labels = driver.labels();
  if (options.labels) {
    await writeFile(resolve(options.labels), `${JSON.stringify(nabCombinedWindowsOf(labels), null, 2)}\n`);
  }
  process.stdout.write(summaryOf(stats, settings, fleet.provisioned, labels.length, options.labels));
  const outcome = simulationOutcomeOf({
    stats,
    targetRatePerSecond: settings.rate,
    devicesDisconnected: devices - devicesConnected,
  });
  process.stdout.write(`${outcome.summaryLine}\n`);
  return outcome.exitCode;
}

/** The counters of a fleet that never started. */
const noRun = {
  readingsGenerated: 0,
  messagesPublished: 0,
  readingsAcknowledged: 0,
  readingsFailed: 0,
  readingsHeldBack: 0,
  reconnects: 0,
  elapsedMs: 0,
};

/** The plan's devices named after the seed (`sim-<seed>-0001`…), so fleets of different seeds coexist. */
function simulatedFleetPlanOf(settings: SimulateSettings): FleetPlan {
  const plan = fleetPlanOf({ devices: settings.devices, ratePerSecond: settings.rate, seed: settings.seed });
  const width = Math.max(4, String(settings.devices).length);
  return {
    ...plan,
    devices: plan.devices.map((device) => ({
      ...device,
      thingName: `sim-${settings.seed}-${String(device.index + 1).padStart(width, '0')}`,
    })),
  };
}

function untilDoneOrInterrupted(durationMs: number | undefined): Promise<void> {
  return new Promise((resolveDone) => {
    const done = () => {
      clearTimeout(timer);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolveDone();
    };
    const timer = durationMs === undefined ? undefined : setTimeout(done, durationMs);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/** One status line rewritten in place on stderr — only on a terminal, so logs and pipes stay clean. */
function terminalProgress(): { show(line: string): void; clear(): void } {
  const tty = process.stderr.isTTY;
  return {
    show: (line) => tty && process.stderr.write(`\r\u001b[2K${line}`),
    clear: () => tty && process.stderr.write('\r\u001b[2K'),
  };
}

/** The live line's text from the driver's counters; the rate is over the last interval, not the whole run. */
function liveLineWriter(settings: SimulateSettings): (stats: FleetDriverStats) => string {
  let previous = { elapsedMs: 0, acknowledged: 0, heldBack: 0 };
  const of = settings.durationMs === undefined ? '' : `/${Math.round(settings.durationMs / 1000)}s`;
  return (stats) => {
    const intervalMs = stats.elapsedMs - previous.elapsedMs;
    const rate =
      intervalMs > 0 ? ((stats.readingsAcknowledged - previous.acknowledged) * 1000) / intervalMs : 0;
    const heldBackNow = stats.readingsHeldBack - previous.heldBack;
    previous = {
      elapsedMs: stats.elapsedMs,
      acknowledged: stats.readingsAcknowledged,
      heldBack: stats.readingsHeldBack,
    };
    // The platform acknowledges slower than the fleet sends: devices wait at their in-flight cap.
    const backpressure =
      heldBackNow > 0 || stats.devicesHeldBack > 0
        ? `  BACKPRESSURE ${stats.devicesHeldBack}/${stats.devices} devices at ${stats.maxInFlight} in flight, ` +
          `${heldBackNow} readings held back`
        : '';
    return (
      `${Math.round(rate)}/${settings.rate} readings/s  acked ${stats.readingsAcknowledged}  ` +
      `in flight ${stats.messagesInFlight}  failed ${stats.readingsFailed}  reconnects ${stats.reconnects}  ` +
      `${stats.devicesConnected}/${stats.devices} connected  ${Math.floor(stats.elapsedMs / 1000)}s${of}` +
      `${backpressure}  (Ctrl-C stops)`
    );
  };
}

function summaryOf(
  stats: FleetDriverStats,
  settings: SimulateSettings,
  provisioned: number,
  anomalyWindows: number,
  labelsPath: string | undefined,
): string {
  const seconds = stats.elapsedMs / 1000;
  const achieved = seconds > 0 ? stats.readingsAcknowledged / seconds : 0;
  return [
    `Simulated ${stats.devices} devices (seed ${settings.seed}, ${provisioned} newly onboarded) for ${seconds.toFixed(1)} s:`,
    `  readings     ${stats.readingsGenerated} generated, ${stats.readingsAcknowledged} acknowledged, ${stats.readingsFailed} failed`,
    `  rate         ${achieved.toFixed(1)} acknowledged readings/s (asked for ${settings.rate})`,
    `  messages     ${stats.messagesAcknowledged} acknowledged (${settings.batchSize} reading(s) per message)`,
    `  held back    ${stats.readingsHeldBack} reading(s) skipped at the in-flight cap of ${stats.maxInFlight}`,
    `  reconnects   ${stats.reconnects}`,
    `  shadow       ${stats.shadowDeltasApplied} desired change(s) applied and reported`,
    `  anomalies    ${anomalyWindows} injected window(s)${labelsPath ? `, written to ${resolve(labelsPath)}` : ''}`,
    '',
  ].join('\n');
}
