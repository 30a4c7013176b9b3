// One simulated device of the fleet driver: a real mqtt.js client that connects as its thing (its own
// certificate over mutual TLS when given one), publishes at QoS 1, reconnects after a dropped connection,
// and keeps its shadow: it applies the desired settings the shadow service sends and reports them back, as
// device-shadow-comms-device.html describes (subscribe to update/delta; on (re)connect, get the shadow to
// catch up on changes made while offline). A desired `reportingIntervalMs` changes how often it publishes,
// and its reported state says the interval it now runs. Like a device on AWS IoT Core (at most 100
// unacknowledged QoS 1 messages per client, iot-core service quotas), it keeps at most `maxInFlight`
// telemetry messages unacknowledged; the driver holds it back from new readings until PUBACKs come.
import { ShadowDeltaMessage, ShadowDocument, topics } from '@tributary/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import {
  applyDesiredState,
  reportingIntervalMsOf,
  reportingIntervalSetting,
  type TelemetryPublish,
} from '../core/index.js';
import type { DeviceCredentials } from './fleet-simulator.js';

/** What the driver counts across devices; a device adds to it as its broker answers. */
export interface FleetCounters {
  messagesPublished: number;
  messagesAcknowledged: number;
  readingsAcknowledged: number;
  /** Publishes mqtt.js gave up on (the client ended before the PUBACK). */
  messagesFailed: number;
  readingsFailed: number;
  /** Messages sent and not yet acknowledged or failed. */
  messagesInFlight: number;
  reconnects: number;
  /** Desired-state changes applied and reported back. */
  shadowDeltasApplied: number;
}

/** AWS IoT Core's limit on unacknowledged QoS 1 messages per client connection. */
export const defaultMaxInFlight = 100;

export interface FleetDeviceOptions {
  readonly thingName: string;
  readonly brokerUrl: string;
  readonly credentials?: DeviceCredentials;
  readonly reconnectPeriodMs: number;
  readonly counters: FleetCounters;
  /** The interval the fleet plan gives the device until its shadow says otherwise. */
  readonly reportingIntervalMs: number;
  /** Unacknowledged telemetry messages at which the device is held back. @default defaultMaxInFlight */
  readonly maxInFlight?: number;
  /** The device now publishes every `intervalMs` (its shadow's desired `reportingIntervalMs`). */
  readonly onReportingIntervalChanged?: (thingName: string, intervalMs: number) => void;
  /** A connection error, a shadow message the device could not read or a report it could not send. */
  readonly onDeviceError: (thingName: string, error: Error) => void;
}

export interface FleetDevice {
  readonly thingName: string;
  readonly client: MqttClient;
  /** The settings the device runs with: every desired value it has applied. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Milliseconds between two of its readings, as it last reported. */
  reportingIntervalMs(): number;
  /** Telemetry messages sent and not yet acknowledged or failed. */
  inFlight(): number;
  /** Whether `maxInFlight` messages are unacknowledged: it takes no new reading until one is. */
  isHeldBack(): boolean;
  publish(message: TelemetryPublish): void;
  /** Closes the connection; `force` fails what is unacknowledged instead of waiting for it. */
  end(force: boolean): Promise<void>;
}

export async function connectFleetDevice(options: FleetDeviceOptions): Promise<FleetDevice> {
  const { thingName, counters, credentials } = options;
  const shadowTopic = topics.shadow(thingName);
  const settings: Record<string, unknown> = {};
  const maxInFlight = options.maxInFlight ?? defaultMaxInFlight;
  let reportingIntervalMs = options.reportingIntervalMs;
  // No retries on the first connect: a broker that refuses a certificate or client id closes the
  // connection (as AWS IoT Core does), and retrying would hide that until a timeout.
  const allowRetries = false;
  const client = await mqtt.connectAsync(
    options.brokerUrl,
    {
      clientId: thingName,
      reconnectPeriod: options.reconnectPeriodMs,
      connectTimeout: 30_000,
      ...(credentials && {
        ca: credentials.caCertificatePem,
        cert: credentials.certificatePem,
        key: credentials.privateKeyPem,
      }),
    },
    allowRetries,
  );
  // Without a listener a socket error after the first connect would crash the process; mqtt.js reconnects.
  client.on('error', (error) => options.onDeviceError(thingName, error));
  // Registered after the first connect, so each 'connect' is a reconnect. mqtt.js resubscribes after it;
  // the get catches up on desired changes made while the device was offline.
  client.on('connect', () => {
    counters.reconnects++;
    requestShadow();
  });
  client.on('message', (topic, payload) => {
    try {
      if (topic === `${shadowTopic}/update/delta`) {
        applyDesired(ShadowDeltaMessage.parse(JSON.parse(payload.toString())).state);
      } else if (topic === `${shadowTopic}/get/accepted`) {
        catchUp(ShadowDocument.parse(JSON.parse(payload.toString())));
      }
    } catch (error) {
      options.onDeviceError(thingName, error as Error);
    }
  });
  await client.subscribeAsync([`${shadowTopic}/update/delta`, `${shadowTopic}/get/accepted`], { qos: 1 });
  requestShadow();

  function requestShadow(): void {
    client.publish(`${shadowTopic}/get`, '{}', { qos: 1 }, reportError);
  }

  /**
   * The whole shadow, on (re)connect: an interval desired and already reported (the device ran it before
   * a restart) is taken up again without a report; what differs from reported comes as the delta.
   */
  function catchUp(shadow: ShadowDocument): void {
    const { desired, delta } = shadow.state;
    const runBefore = reportingIntervalMsOf(desired?.[reportingIntervalSetting]);
    const reportedAlready = !(delta && reportingIntervalSetting in delta);
    if (runBefore !== undefined && runBefore !== reportingIntervalMs && reportedAlready) {
      settings[reportingIntervalSetting] = runBefore;
      runEvery(runBefore);
    }
    if (delta) applyDesired(delta);
  }

  function applyDesired(delta: Record<string, unknown>): void {
    const applied = applyDesiredState(delta, reportingIntervalMs);
    Object.assign(settings, applied.reported);
    // A value it cannot run with is reported as the interval it keeps; its clock stays as it was.
    if (applied.reportingIntervalMs !== reportingIntervalMs) runEvery(applied.reportingIntervalMs);
    counters.shadowDeltasApplied++;
    const report = JSON.stringify({ state: { reported: applied.reported } });
    client.publish(`${shadowTopic}/update`, report, { qos: 1 }, reportError);
  }

  function runEvery(intervalMs: number): void {
    reportingIntervalMs = intervalMs;
    options.onReportingIntervalChanged?.(thingName, intervalMs);
  }

  function reportError(error?: Error): void {
    if (error && !client.disconnecting) options.onDeviceError(thingName, error);
  }

  const unacknowledged = new Set<TelemetryPublish>();
  const settle = (message: TelemetryPublish, acknowledged: boolean): void => {
    counters.messagesInFlight--;
    if (acknowledged) {
      counters.messagesAcknowledged++;
      counters.readingsAcknowledged += message.readings;
    } else {
      counters.messagesFailed++;
      counters.readingsFailed += message.readings;
    }
  };

  return {
    thingName,
    client,
    settings,
    reportingIntervalMs: () => reportingIntervalMs,
    inFlight: () => unacknowledged.size,
    isHeldBack: () => unacknowledged.size >= maxInFlight,
    publish(message) {
      counters.messagesPublished++;
      counters.messagesInFlight++;
      unacknowledged.add(message);
      client.publish(message.topic, message.payload, { qos: 1 }, (error) => {
        if (unacknowledged.delete(message)) settle(message, !error);
      });
    },
    async end(force) {
      await client.endAsync(force);
      // mqtt.js keeps a forced end's QoS 1 messages in its store without calling back: they failed.
      for (const message of unacknowledged) settle(message, false);
      unacknowledged.clear();
    },
  };
}
