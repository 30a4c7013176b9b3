// Simulated devices: real MQTT clients that connect as their thing — over mutual TLS with their own
// certificate when given credentials, as a device meets AWS IoT Core — and publish telemetry at QoS 1,
// with the seeded signals `tributary simulate` sends (daily cycle, noise, drift, and injected spikes,
// steps and drifts) so the anomaly detector has something to find.
import type { Logger } from '@tributary/contracts';
import mqtt, { type MqttClient } from 'mqtt';
import { deviceSignalsOf, fleetPlanOf, telemetryPayloadOf } from '../core/simulation/index.js';
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
  /** Seeds the devices' signals and injected anomalies. @default 1 */
  readonly seed?: number;
}

export interface FleetSimulator {
  readonly thingNames: readonly string[];
  /** Readings acknowledged by the broker so far (QoS 1 PUBACK received). */
  readonly acknowledged: () => number;
  stop(): Promise<void>;
}

export async function startFleetSimulator(options: FleetSimulatorOptions): Promise<FleetSimulator> {
  const count = options.devices ?? 5;
  const intervalMs = options.intervalMs ?? 1000;
  const plan = fleetPlanOf({
    devices: count,
    ratePerSecond: (count * 1000) / intervalMs,
    seed: options.seed ?? 1,
  });
  const thingNames = plan.devices.map((device) => device.thingName);
  let acknowledged = 0;

  // As in AWS, a thing's type must exist before the thing names it (CreateThingType is idempotent).
  await options.registry.createThingType({ thingTypeName: 'environment-sensor' });
  for (const device of plan.devices) {
    await options.registry.createThing({
      thingName: device.thingName,
      thingTypeName: 'environment-sensor',
      attributes: { site: device.site, simulated: 'true' },
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
    const device = plan.devices[i]!;
    const signals = deviceSignalsOf(device);
    return setInterval(() => {
      const message = telemetryPayloadOf(signals.next(Date.now()));
      client.publish(message.topic, message.payload, { qos: 1 }, (error) => {
        if (error) {
          options.logger.warn('simulated publish failed', {
            thingName: device.thingName,
            error: error.message,
          });
        } else acknowledged++;
      });
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
