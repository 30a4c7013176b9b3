// Drives a simulated fleet against a broker: every device of a fleet plan connects as itself (a few TLS
// handshakes at a time; a fleet over 10,000 at AWS's 500 CONNECTs a second per account), then a tick loop publishes the plan's schedule — exactly `ratePerSecond` readings
// a second fleet-wide, one reading or a batch per QoS 1 message — while counting what the broker
// acknowledged and labelling the injected anomalies, so a detector's output can be scored afterwards.
// A device whose shadow sets its `reportingIntervalMs` publishes on its own clock; one with `maxInFlight`
// messages unacknowledged skips its due readings (counted as held back) until the broker catches up.
import { silentLogger, type Logger } from '@tributary/contracts';
import {
  SimulationSpecError,
  awsConnectPacing,
  connectDelayMsOf,
  maxReadingsPerBatch,
  type AnomalyLabel,
  type ConnectPacing,
  type FleetPlan,
} from '../core/index.js';
import {
  connectFleetDevice,
  defaultMaxInFlight,
  type FleetCounters,
  type FleetDevice,
  type FleetDeviceOptions,
} from './fleet-device.js';
import { fleetScheduleOf, type FleetSchedule } from './fleet-schedule.js';
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
  /**
   * How fast a large fleet sends its CONNECTs, for a broker whose account quota is not AWS's.
   * @default awsConnectPacing: at once up to 10,000 devices, else 500 a second
   */
  readonly connectPacing?: ConnectPacing;
  /** How long a dropped device waits before it reconnects (mqtt.js `reconnectPeriod`). @default 1000 */
  readonly reconnectPeriodMs?: number;
  /**
   * Unacknowledged QoS 1 telemetry messages one device may have; at the cap it skips due readings.
   * @default 100, AWS IoT Core's in-flight limit per connection
   */
  readonly maxInFlight?: number;
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
  /** Readings that came due while their device was at its in-flight cap, and were skipped. */
  readonly readingsHeldBack: number;
  /** Devices at their in-flight cap now. */
  readonly devicesHeldBack: number;
  readonly maxInFlight: number;
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
  /** Milliseconds between two readings of a device: the plan's, or what its shadow set. */
  reportingIntervalMsOf(thingName: string): number | undefined;
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
  const maxInFlight = options.maxInFlight ?? defaultMaxInFlight;
  validate(batchSize, connectConcurrency, maxInFlight, options.connectPacing ?? awsConnectPacing);
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
  const indexOf = new Map(plan.devices.map((device) => [device.thingName, device.index]));
  // A shadow may change a device's interval while the others still connect, before the schedule exists.
  const late: { schedule?: FleetSchedule } = {};
  let startedAt = Date.now();
  const onReportingIntervalChanged = (thingName: string, intervalMs: number): void =>
    late.schedule?.setDeviceIntervalMs(indexOf.get(thingName)!, intervalMs, Date.now() - startedAt);
  const devices = await connectAll(
    options,
    { counters, maxInFlight, onReportingIntervalChanged },
    connectConcurrency,
    logger,
  );
  startedAt = Date.now();
  let stoppedAt: number | undefined;
  const schedule = fleetScheduleOf({
    plan,
    startedAt,
    batchSize,
    send: (device, message) => devices[device]!.publish(message),
    isHeldBack: (device) => devices[device]!.isHeldBack(),
  });
  for (const [index, device] of devices.entries()) {
    const intervalMs = device.reportingIntervalMs();
    if (intervalMs !== plan.deviceIntervalMs) schedule.setDeviceIntervalMs(index, intervalMs, 0);
  }
  late.schedule = schedule;
  const running = schedule;
  const publishDue = () => running.publishDue(Date.now() - startedAt);
  publishDue();
  const ticker = setInterval(publishDue, options.tickMs ?? 50);
  logger.info('fleet driver started', { devices: plan.devices.length, ratePerSecond: plan.ratePerSecond });

  const stats = (): FleetDriverStats => ({
    ...counters,
    devices: devices.length,
    devicesConnected: devices.filter((device) => device.client.connected).length,
    readingsGenerated: running.readingsGenerated(),
    readingsBuffered: running.readingsBuffered(),
    readingsHeldBack: running.readingsHeldBack(),
    devicesHeldBack: devices.filter((device) => device.isHeldBack()).length,
    maxInFlight,
    elapsedMs: (stoppedAt ?? Date.now()) - startedAt,
  });
  let stopping: Promise<FleetDriverStats> | undefined;
  const deviceNamed = (thingName: string): FleetDevice | undefined => {
    const index = indexOf.get(thingName);
    return index === undefined ? undefined : devices[index];
  };

  return {
    thingNames: devices.map((device) => device.thingName),
    stats,
    labels: () => running.labels(),
    settingsOf: (thingName) => deviceNamed(thingName)?.settings,
    reportingIntervalMsOf: (thingName) => deviceNamed(thingName)?.reportingIntervalMs(),
    stop(stopOptions) {
      stopping ??= (async () => {
        clearInterval(ticker);
        publishDue();
        stoppedAt = Date.now();
        running.flush();
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

/**
 * Connects every device, at most `concurrency` handshakes at a time and no faster than the pacing lets
 * CONNECTs go; one failure ends them all.
 */
async function connectAll(
  options: FleetDriverOptions,
  shared: Pick<FleetDeviceOptions, 'counters' | 'maxInFlight' | 'onReportingIntervalChanged'>,
  concurrency: number,
  logger: Logger,
): Promise<FleetDevice[]> {
  const { plan, brokerUrl } = options;
  const pacing = options.connectPacing ?? awsConnectPacing;
  const connected: FleetDevice[] = new Array<FleetDevice>(plan.devices.length);
  const firstConnectAt = Date.now();
  let next = 0;
  let count = 0;
  let failed = false;
  const connectNext = async (): Promise<void> => {
    while (!failed && next < plan.devices.length) {
      const position = next++;
      const waitMs = firstConnectAt + connectDelayMsOf(position, plan.devices.length, pacing) - Date.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      if (failed) return; // another device failed while this one waited
      const { index, thingName } = plan.devices[position]!;
      try {
        connected[index] = await connectFleetDevice({
          thingName,
          brokerUrl,
          credentials: await options.credentialsFor?.(thingName),
          reconnectPeriodMs: options.reconnectPeriodMs ?? 1000,
          reportingIntervalMs: plan.deviceIntervalMs,
          ...shared,
          onDeviceError: (thing, error) =>
            logger.warn('simulated device error', { thingName: thing, error: error.message }),
        });
      } catch (error) {
        failed = true; // the other workers stop taking devices
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

function validate(
  batchSize: number,
  connectConcurrency: number,
  maxInFlight: number,
  pacing: ConnectPacing,
): void {
  const problems: string[] = [];
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > maxReadingsPerBatch) {
    problems.push(`batchSize: a whole number from 1 to ${maxReadingsPerBatch}, not ${batchSize}`);
  }
  if (!Number.isInteger(connectConcurrency) || connectConcurrency < 1) {
    problems.push(`connectConcurrency: a whole number of at least 1, not ${connectConcurrency}`);
  }
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    problems.push(`maxInFlight: a whole number of at least 1, not ${maxInFlight}`);
  }
  if (!(pacing.connectsPerSecond > 0)) {
    problems.push(`connectPacing.connectsPerSecond: above 0, not ${pacing.connectsPerSecond}`);
  }
  if (problems.length > 0) throw new SimulationSpecError('fleet driver options', problems);
}
