// The bench's devices: one mqtt.js connection each, publishing QoS 1 telemetry on its own topic as an
// AWS IoT device must — under the broker's quota of publishes per connection per second (a publish over
// it is discarded and never acknowledged) and with a cap on unacknowledged messages. The same fleet loads
// the platform over mutual TLS and bare aedes over plain TCP, so the two runs differ only in the broker.
import mqtt, { type MqttClient } from 'mqtt';
import type { DeviceCertificate } from './fleet-onboarding.js';

/**
 * Publishes a device sends per second at most: under AWS IoT Core's 100 per connection (which the local
 * broker enforces), with room for the two clocks' jitter.
 */
export const maxMessagesPerSecondPerDevice = 90;
/** Credit a device may bank while it waits: a short burst, so the broker's one-second bucket never empties. */
const burstMessages = 10;
const tickMs = 10;

export interface BrokerTarget {
  readonly url: string;
  /** For mqtts://: the CA the broker's certificate chains to; each device then presents its own. */
  readonly caCertificatePem?: string;
}

export interface FleetLoad {
  /**
   * Messages a second per device: at most maxMessagesPerSecondPerDevice for a broker that enforces AWS IoT's
   * quota, or `unpaced` for one that has none (bare aedes): each device then sends as fast as
   * maxInFlightPerDevice lets it, which measures that broker's ceiling.
   */
  readonly messagesPerSecondPerDevice: number | 'unpaced';
  /** Unacknowledged QoS 1 messages a device may have; at the cap it waits. */
  readonly maxInFlightPerDevice: number;
  /** The payload of a device's next message, built when it is sent. */
  readonly payloadOf: (device: number, sequence: number, sentAtEpochMs: number) => string;
}

export interface FleetCounters {
  /** Messages whose PUBACK arrived. */
  readonly acknowledged: number;
  /** Publishes that failed (the connection closed before the PUBACK). */
  readonly failed: number;
  readonly inFlight: number;
}

export interface DeviceFleet {
  readonly size: number;
  /** Starts publishing `load`; the previous load, if any, stops sending first. */
  run(load: FleetLoad): void;
  /**
   * Stops sending and waits (up to `timeoutMs`) for the messages in flight to be acknowledged; resolves
   * with how many still were not.
   */
  pause(timeoutMs?: number): Promise<number>;
  counters(): FleetCounters;
  /**
   * Times each publish → PUBACK from now on, of messages sent from now on; the returned function stops
   * timing and gives the times (ms) of those acknowledged by then.
   */
  timeAcknowledgements(): () => number[];
  close(): Promise<void>;
}

export const epochMs = (): number => performance.timeOrigin + performance.now();
export const telemetryTopicOf = (thingName: string): string => `dt/tributary/${thingName}/telemetry`;

/** Connects every device (a few TLS handshakes at a time); rejects if one cannot connect. */
export async function connectFleet(
  target: BrokerTarget,
  devices: readonly DeviceCertificate[],
): Promise<DeviceFleet> {
  const clients: MqttClient[] = [];
  for (let from = 0; from < devices.length; from += 50) {
    clients.push(...(await Promise.all(devices.slice(from, from + 50).map((d) => connectDevice(target, d)))));
  }
  return new Fleet(
    clients,
    devices.map((d) => telemetryTopicOf(d.thingName)),
  );
}

const connectDevice = (target: BrokerTarget, device: DeviceCertificate): Promise<MqttClient> =>
  mqtt.connectAsync(target.url, {
    clientId: device.thingName,
    reconnectPeriod: 0,
    keepalive: 0,
    ...(target.caCertificatePem
      ? { ca: target.caCertificatePem, cert: device.certificatePem, key: device.privateKeyPem }
      : {}),
  });

class Fleet implements DeviceFleet {
  private load: FleetLoad | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private lastTickAt = 0;
  private readonly credit: number[];
  private readonly inFlightOf: number[];
  private readonly sequenceOf: number[];
  private acknowledged = 0;
  private failed = 0;
  private inFlight = 0;
  /** publish → PUBACK times while timeAcknowledgements runs: none are kept otherwise (a soak sends millions). */
  private acknowledgeMs: number[] | null = null;

  constructor(
    private readonly clients: readonly MqttClient[],
    private readonly topics: readonly string[],
  ) {
    this.credit = clients.map(() => 0);
    this.inFlightOf = clients.map(() => 0);
    this.sequenceOf = clients.map(() => 0);
  }

  get size(): number {
    return this.clients.length;
  }

  run(load: FleetLoad): void {
    if (
      load.messagesPerSecondPerDevice !== 'unpaced' &&
      load.messagesPerSecondPerDevice > maxMessagesPerSecondPerDevice
    ) {
      throw new Error(
        `${load.messagesPerSecondPerDevice} messages/s per device is over the broker's per-connection quota: ` +
          `use at most ${maxMessagesPerSecondPerDevice}, and more devices`,
      );
    }
    this.load = load;
    this.credit.fill(0);
    this.lastTickAt = performance.now();
    this.ticker ??= setInterval(() => this.tick(), tickMs);
  }

  async pause(timeoutMs = 30_000): Promise<number> {
    clearInterval(this.ticker);
    this.ticker = undefined;
    const deadline = performance.now() + timeoutMs;
    while (this.inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return this.inFlight;
  }

  counters(): FleetCounters {
    return { acknowledged: this.acknowledged, failed: this.failed, inFlight: this.inFlight };
  }

  timeAcknowledgements(): () => number[] {
    const times: number[] = [];
    this.acknowledgeMs = times;
    return () => {
      if (this.acknowledgeMs === times) this.acknowledgeMs = null;
      return times;
    };
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    await Promise.all(this.clients.map((client) => client.endAsync(true)));
  }

  /** Tops up every device's credit for the time since the last tick and sends what it allows. */
  private tick(): void {
    const load = this.load!;
    const now = performance.now();
    const earned =
      load.messagesPerSecondPerDevice === 'unpaced'
        ? burstMessages
        : ((now - this.lastTickAt) / 1000) * load.messagesPerSecondPerDevice;
    this.lastTickAt = now;
    for (let device = 0; device < this.clients.length; device++) {
      let credit = Math.min(burstMessages, this.credit[device]! + earned);
      while (credit >= 1 && this.inFlightOf[device]! < load.maxInFlightPerDevice) {
        credit -= 1;
        this.send(device, load);
      }
      this.credit[device] = credit;
    }
  }

  private send(device: number, load: FleetLoad): void {
    const sequence = ++this.sequenceOf[device]!;
    const payload = load.payloadOf(device, sequence, epochMs());
    this.inFlightOf[device]!++;
    this.inFlight++;
    const timed = this.acknowledgeMs;
    const sentAt = timed ? performance.now() : 0;
    this.clients[device]!.publish(this.topics[device]!, payload, { qos: 1 }, (error) => {
      this.inFlightOf[device]!--;
      this.inFlight--;
      if (error) this.failed++;
      else this.acknowledged++;
      if (!error && timed && timed === this.acknowledgeMs) timed.push(performance.now() - sentAt);
    });
  }
}
