// Drives a simulated fleet against a broker: every device of a fleet plan connects as itself (a few TLS
// handshakes at a time), then a tick loop publishes the plan's schedule — exactly `ratePerSecond` readings
// a second fleet-wide, one reading or a batch per QoS 1 message — while counting what the broker
// acknowledged and labelling the injected anomalies, so a detector's output can be scored afterwards.
import { silentLogger, type Logger } from '@tributary/contracts';
import {
  SimulationSpecError,
  maxReadingsPerBatch,
  type AnomalyLabel,
  type FleetPlan,
} from '../core/index.js';
import { connectFleetDevice, type FleetCounters, type FleetDevice } from './fleet-device.js';
import { fleetScheduleOf } from './fleet-schedule.js';
import type { DeviceCredentials } from './fleet-simulator.js';

export interface FleetDriverOptions {
  /** `mqtts://…` with `credentialsFor`, or a plain `mqtt://…` listener without. */
  readonly brokerUrl: string;
  /** Who the devices are and when each publishes (`fleetPlanOf`). */
  readonly plan: FleetPlan;
  /** Each device's certificate and key; without it devices connect without a certificate. */
  readonly credentialsFor?: (thingName: string) => Promise<DeviceCredentials>;
  /** Readings per message: a device sends a batch once it holds this many. @default 1 */
  readonly batchSize?: number;
  /** Devices connecting at once: each costs a TLS handshake, which is CPU-bound. @default 50 */
  readonly connectConcurrency?: number;
  /** How long a dropped device waits before it reconnects (mqtt.js `reconnectPeriod`). @default 1000 */
  readonly reconnectPeriodMs?: number;
  /** How often the schedule is caught up with the clock. @default 50 */
  readonly tickMs?: number;
  /** Called as devices come up, before the first reading is sent. */
  readonly onDeviceConnected?: (connected: number, total: number) => void;
  /** @default silentLogger */
  readonly logger?: Logger;
}

export interface FleetDriverStats extends Readonly<FleetCounters> {
  readonly devices: number;
  /** Devices whose connection is up now. */
  readonly devicesConnected: number;
  readonly readingsGenerated: number;
  /** Readings generated and waiting for their batch to fill. */
  readonly readingsBuffered: number;
  /** Since the first slot of the schedule. */
  readonly elapsedMs: number;
}

export interface FleetDriver {
  readonly thingNames: readonly string[];
  stats(): FleetDriverStats;
  /** The anomaly windows injected into every reading generated so far. */
  labels(): AnomalyLabel[];
  /** The settings a device applied from its shadow's desired state. */
  settingsOf(thingName: string): Readonly<Record<string, unknown>> | undefined;
  /**
   * Stops the schedule, sends the partial batches, waits up to `drainTimeoutMs` (default 5000) for the
   * outstanding PUBACKs, then disconnects every device; what was still unacknowledged counts as failed.
   */
  stop(options?: { readonly drainTimeoutMs?: number }): Promise<FleetDriverStats>;
}

/** A device could not connect, so the fleet did not start. */
export class FleetConnectError extends Error {
  readonly code = 'FLEET_CONNECT_FAILED';
  constructor(
    readonly thingName: string,
    readonly brokerUrl: string,
    cause: unknown,
  ) {
    super(
      `Simulated device ${thingName} could not connect to ${brokerUrl}: ` +
        `${cause instanceof Error ? cause.message : String(cause)}. Check the platform is running and the ` +
        `device's certificate is ACTIVE, attached to ${thingName} and under a policy that lets it connect`,
      { cause },
    );
  }
}

export async function startFleetDriver(options: FleetDriverOptions): Promise<FleetDriver> {
  const { plan } = options;
  const batchSize = options.batchSize ?? 1;
  const connectConcurrency = options.connectConcurrency ?? 50;
  validate(batchSize, connectConcurrency);
  const logger = options.logger ?? silentLogger;
  const counters: FleetCounters = {
    messagesPublished: 0,
    messagesAcknowledged: 0,
    readingsAcknowledged: 0,
    messagesFailed: 0,
    readingsFailed: 0,
    messagesInFlight: 0,
    reconnects: 0,
    shadowDeltasApplied: 0,
  };
  const devices = await connectAll(options, counters, connectConcurrency, logger);
  const startedAt = Date.now();
  let stoppedAt: number | undefined;
  const schedule = fleetScheduleOf(plan, startedAt, batchSize, (device, message) =>
    devices[device]!.publish(message),
  );
  const publishDue = () => schedule.publishDue(Date.now() - startedAt);
  publishDue();
  const ticker = setInterval(publishDue, options.tickMs ?? 50);
  logger.info('fleet driver started', { devices: plan.devices.length, ratePerSecond: plan.ratePerSecond });

  const stats = (): FleetDriverStats => ({
    ...counters,
    devices: devices.length,
    devicesConnected: devices.filter((device) => device.client.connected).length,
    readingsGenerated: schedule.readingsGenerated(),
    readingsBuffered: schedule.readingsBuffered(),
    elapsedMs: (stoppedAt ?? Date.now()) - startedAt,
  });
  let stopping: Promise<FleetDriverStats> | undefined;

  return {
    thingNames: devices.map((device) => device.thingName),
    stats,
    labels: () => schedule.labels(),
    settingsOf: (thingName) => devices.find((device) => device.thingName === thingName)?.settings,
    stop(stopOptions) {
      stopping ??= (async () => {
        clearInterval(ticker);
        publishDue();
        stoppedAt = Date.now();
        schedule.flush();
        await drained(counters, stopOptions?.drainTimeoutMs ?? 5000);
        // A forced end fails what the drain left unacknowledged instead of waiting on it forever.
        await Promise.all(devices.map((device) => device.end(counters.messagesInFlight > 0)));
        logger.info('fleet driver stopped', { ...counters });
        return stats();
      })();
      return stopping;
    },
  };
}

/** Connects every device, at most `concurrency` handshakes at a time; one failure ends them all. */
async function connectAll(
  options: FleetDriverOptions,
  counters: FleetCounters,
  concurrency: number,
  logger: Logger,
): Promise<FleetDevice[]> {
  const { plan, brokerUrl } = options;
  const connected: FleetDevice[] = new Array<FleetDevice>(plan.devices.length);
  let next = 0;
  let count = 0;
  const connectNext = async (): Promise<void> => {
    while (next < plan.devices.length) {
      const { index, thingName } = plan.devices[next++]!;
      try {
        connected[index] = await connectFleetDevice({
          thingName,
          brokerUrl,
          credentials: await options.credentialsFor?.(thingName),
          reconnectPeriodMs: options.reconnectPeriodMs ?? 1000,
          counters,
          onDeviceError: (thing, error) =>
            logger.warn('simulated device error', { thingName: thing, error: error.message }),
        });
      } catch (error) {
        next = plan.devices.length; // the other workers stop taking devices
        throw new FleetConnectError(thingName, brokerUrl, error);
      }
      options.onDeviceConnected?.(++count, plan.devices.length);
    }
  };
  const workers = Array.from({ length: Math.min(concurrency, plan.devices.length) }, connectNext);
  const outcomes = await Promise.allSettled(workers);
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) {
    await Promise.all(connected.filter(Boolean).map((device) => device.end(true)));
    throw failure.reason;
  }
  return connected;
}

/** Resolves once nothing is in flight, or after `timeoutMs` with whatever is left. */
async function drained(counters: FleetCounters, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (counters.messagesInFlight > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function validate(batchSize: number, connectConcurrency: number): void {
  const problems: string[] = [];
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maxReadingsPerBatch) {
    problems.push(`batchSize: a whole number from 1 to ${maxReadingsPerBatch}, not ${batchSize}`);
  }
  if (!Number.isInteger(connectConcurrency) || connectConcurrency < 1) {
    problems.push(`connectConcurrency: a whole number of at least 1, not ${connectConcurrency}`);
  }
  if (problems.length > 0) throw new SimulationSpecError('fleet driver options', problems);
}
