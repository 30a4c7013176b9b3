// Simulated devices: real MQTT clients that connect as their thing — over mutual TLS with their own
// certificate when given credentials, as a device meets AWS IoT Core — and publish telemetry at QoS 1,
// with daily-cycle values, noise and a rare spike so the anomaly detector has something to find.
import { topics, type Logger, type TelemetryReading } from '@tributary/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import type { LocalRegistry } from './registry.js';

/** What a device presents over mutual TLS: its certificate and key, and the CA it trusts, as PEM. */
export interface DeviceCredentials {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly caCertificatePem: string;
}

export interface FleetSimulatorOptions {
  /** `mqtts://…` with `credentialsFor`, or the plain development listener's `mqtt://…`. */
  readonly brokerUrl: string;
  /** Each device's certificate (e.g. provisioned on first start); without it devices connect in plain MQTT. */
  readonly credentialsFor?: (thingName: string) => Promise<DeviceCredentials>;
  readonly registry: LocalRegistry;
  readonly logger: Logger;
  /** @default 5 */
  readonly devices?: number;
  /** Milliseconds between two readings of one device. @default 1000 */
  readonly intervalMs?: number;
  /** Chance that a reading is a spike. @default 0.01 */
  readonly spikeProbability?: number;
  /** @default Math.random */
  readonly random?: () => number;
}

export interface FleetSimulator {
  readonly thingNames: readonly string[];
  /** Readings acknowledged by the broker so far (QoS 1 PUBACK received). */
  readonly acknowledged: () => number;
  stop(): Promise<void>;
}

const sites = ['plant-north', 'plant-south'];

export async function startFleetSimulator(options: FleetSimulatorOptions): Promise<FleetSimulator> {
  const count = options.devices ?? 5;
  const intervalMs = options.intervalMs ?? 1000;
  const random = options.random ?? Math.random;
  const thingNames = Array.from({ length: count }, (_, i) => `sim-sensor-${String(i + 1).padStart(3, '0')}`);
  let acknowledged = 0;

  // As in AWS, a thing's type must exist before the thing names it (CreateThingType is idempotent).
  await options.registry.createThingType({ thingTypeName: 'environment-sensor' });
  for (const [i, thingName] of thingNames.entries()) {
    await options.registry.createThing({
      thingName,
      thingTypeName: 'environment-sensor',
      attributes: { site: sites[i % sites.length] ?? 'plant-north', simulated: 'true' },
    });
  }
  const clients: MqttClient[] = await Promise.all(
    thingNames.map(async (thingName) => {
      const credentials = await options.credentialsFor?.(thingName);
      return mqtt.connectAsync(options.brokerUrl, {
        clientId: thingName,
        reconnectPeriod: 1000,
        ...(credentials
          ? {
              ca: credentials.caCertificatePem,
              cert: credentials.certificatePem,
              key: credentials.privateKeyPem,
            }
          : {}),
      });
    }),
  );
  const timers = clients.map((client, i) => {
    const thingName = thingNames[i] as string;
    return setInterval(() => {
      const reading = readingAt(Date.now(), i, random() < (options.spikeProbability ?? 0.01), random);
      client.publish(
        topics.telemetry(thingName),
        JSON.stringify({ messageId: `${thingName}-${reading.ts}`, ...reading }),
        { qos: 1 },
        (error) => {
          if (error) options.logger.warn('simulated publish failed', { thingName, error: error.message });
          else acknowledged++;
        },
      );
    }, intervalMs);
  });
  options.logger.info('fleet simulator started', { devices: count, intervalMs });

  return {
    thingNames,
    acknowledged: () => acknowledged,
    async stop() {
      timers.forEach(clearInterval);
      await Promise.all(clients.map((c) => c.endAsync()));
    },
  };
}

function readingAt(
  ts: number,
  device: number,
  spike: boolean,
  random: () => number,
): TelemetryReading & { ts: number } {
  const dayFraction = (ts % 86_400_000) / 86_400_000;
  const cycle = Math.sin(2 * Math.PI * dayFraction + device);
  const temperature = 21 + 3 * cycle + (random() - 0.5) * 0.4 + (spike ? 15 : 0);
  const humidity = 45 - 5 * cycle + (random() - 0.5);
  return {
    ts,
    metrics: { temperature: round(temperature), humidity: round(humidity) },
  };
}

const round = (value: number): number => Math.round(value * 100) / 100;
