// `tributary simulate --devices N --rate R [--duration D]`: a fleet of simulated devices against the running
// platform, each connecting over mutual TLS as its own thing, publishing R readings a second fleet-wide with
// labelled injected anomalies; a live line on the terminal, a summary at the end, the labels on request.
import { fleetPlanOf, nabCombinedWindowsOf, SimulationSpecError, type FleetPlan } from '@tributary/ingest';
import { startFleetDriver, type FleetDriverStats } from '@tributary/ingest/local';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { endpointsFileOf, parseConfig } from '../config.js';
import { runningPlatformEndpoints } from './local-iot-api.js';
import { provisionSimulatedFleet } from './simulated-fleet-provisioning.js';

export interface SimulateCommandOptions {
  readonly dataDir?: string;
  /** @default 10 */
  readonly devices?: string;
  /** Readings a second, fleet-wide. @default one per device */
  readonly rate?: string;
  /** `30s`, `5m`, `1h` or seconds; without it the fleet runs until Ctrl-C. */
  readonly duration?: string;
  /** Readings per message. @default 1 */
  readonly batch?: string;
  /** @default 1 */
  readonly seed?: string;
  /** Where to write the injected anomalies as NAB combined_windows.json. */
  readonly labels?: string;
}

export const simulateUsage =
  'tributary simulate --devices N --rate R [--duration 30s|5m|SECONDS] [--batch K] [--seed S] [--labels FILE] [--data-dir DIR]';

interface SimulateSettings {
  readonly devices: number;
  readonly rate: number;
  readonly durationMs: number | undefined;
  readonly batchSize: number;
  readonly seed: number;
}

export async function runSimulateCommand(options: SimulateCommandOptions): Promise<number> {
  const settings = settingsOf(options);
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
  const driver = await startFleetDriver({
    brokerUrl: endpoints.mqttsUrl,
    plan,
    credentialsFor: fleet.credentialsFor,
    batchSize: settings.batchSize,
    onDeviceConnected: (done, total) => progress.show(`connecting devices ${done}/${total}`),
  });
  const liveLineOf = liveLineWriter(settings);
  const liveLine = setInterval(() => progress.show(liveLineOf(driver.stats())), 1000);
  await untilDoneOrInterrupted(settings.durationMs);
  clearInterval(liveLine);
  progress.show('stopping: waiting for the last acknowledgements');
  const stats = await driver.stop();
  progress.clear();

  const labels = driver.labels();
  if (options.labels) {
    await writeFile(resolve(options.labels), `${JSON.stringify(nabCombinedWindowsOf(labels), null, 2)}\n`);
  }
  process.stdout.write(summaryOf(stats, settings, fleet.provisioned, labels.length, options.labels));
  return 0;
}

function settingsOf(options: SimulateCommandOptions): SimulateSettings | string {
  const devices = wholeNumber(options.devices ?? '10');
  const rate = Number(options.rate ?? devices);
  const batchSize = wholeNumber(options.batch ?? '1');
  const seed = wholeNumber(options.seed ?? '1', 0);
  const durationMs = options.duration === undefined ? undefined : durationMsOf(options.duration);
  if (devices === undefined) return `--devices needs a whole number of at least 1 (got ${options.devices})`;
  if (!(rate > 0) || !Number.isFinite(rate))
    return `--rate needs readings a second above 0 (got ${options.rate})`;
  if (batchSize === undefined) return `--batch needs a whole number of at least 1 (got ${options.batch})`;
  if (seed === undefined) return `--seed needs a whole number of at least 0 (got ${options.seed})`;
  if (durationMs === null) return `--duration takes 30s, 5m, 1h or seconds (got ${options.duration})`;
  return { devices, rate, batchSize, seed, durationMs };
}

function wholeNumber(text: string, min = 1): number | undefined {
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min ? value : undefined;
}

/** `30s`, `5m`, `1h` or a number of seconds, in ms; null when it is none of them. */
export function durationMsOf(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!match) return null;
  const unitMs = { s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  const ms = Number(match[1]) * unitMs;
  return ms > 0 ? ms : null;
}

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
  let previous = { elapsedMs: 0, acknowledged: 0 };
  const of = settings.durationMs === undefined ? '' : `/${Math.round(settings.durationMs / 1000)}s`;
  return (stats) => {
    const intervalMs = stats.elapsedMs - previous.elapsedMs;
    const rate =
      intervalMs > 0 ? ((stats.readingsAcknowledged - previous.acknowledged) * 1000) / intervalMs : 0;
    previous = { elapsedMs: stats.elapsedMs, acknowledged: stats.readingsAcknowledged };
    return (
      `${Math.round(rate)}/${settings.rate} readings/s  acked ${stats.readingsAcknowledged}  ` +
      `in flight ${stats.messagesInFlight}  failed ${stats.readingsFailed}  reconnects ${stats.reconnects}  ` +
      `${stats.devicesConnected}/${stats.devices} connected  ${Math.floor(stats.elapsedMs / 1000)}s${of}  ` +
      '(Ctrl-C stops)'
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
    `  reconnects   ${stats.reconnects}`,
    `  shadow       ${stats.shadowDeltasApplied} desired change(s) applied and reported`,
    `  anomalies    ${anomalyWindows} injected window(s)${labelsPath ? `, written to ${resolve(labelsPath)}` : ''}`,
    '',
  ].join('\n');
}
