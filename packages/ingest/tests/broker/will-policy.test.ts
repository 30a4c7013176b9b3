// A device's Will under mutual TLS and its IoT policy (faults.md #26): AWS IoT Core publishes a Will
// only where the device's policy grants iot:Publish on the Will topic, and iot:RetainPublish too for a
// retained Will (retained-message-policy-examples.html, "Policy to connect and publish retained Will
// messages"). Devices are provisioned with @aws-sdk/client-iot and carry the default device policy, which
// grants iot:Publish on their own telemetry topic and nothing else outside the shadow topics.
import type { AedesPublishPacket } from 'aedes';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@tributary/contracts';
import {
  startLocalIotCoreFixture,
  type LocalIotCoreFixture,
  type ProvisionedThing,
} from '../local-iot-core-fixture.js';

let fixture: LocalIotCoreFixture;
/** Every message the broker routed, seen from inside it (no device may subscribe outside its shadow). */
const routed: { topic: string; payload: string; qos: number; retain: boolean }[] = [];

beforeAll(async () => {
  fixture = await startLocalIotCoreFixture();
  await new Promise<void>((resolve) =>
    fixture.core.broker.aedes.subscribe(
      '#',
      (packet: AedesPublishPacket, done: () => void) => {
        routed.push({
          topic: packet.topic,
          payload: packet.payload.toString(),
          qos: packet.qos,
          retain: packet.retain,
        });
        done();
      },
      resolve,
    ),
  );
});

afterAll(() => fixture?.close());

async function connectWithWill(device: ProvisionedThing, will: IClientOptions['will']): Promise<MqttClient> {
  const client = mqtt.connect(fixture.core.mqttsUrl, {
    clientId: device.thingName,
    ca: fixture.caCertificatePem,
    cert: device.certificatePem,
    key: device.privateKeyPem,
    protocolVersion: 4,
    reconnectPeriod: 0,
    will,
  });
  client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('close', () => reject(new Error(`${device.thingName} was refused`)));
  });
  return client;
}

/** Drops the TCP connection without DISCONNECT, as a device losing power does. */
async function loseConnection(client: MqttClient): Promise<void> {
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  client.stream.destroy();
  await closed;
  client.end(true);
}

const willsOn = (topic: string) => () => routed.filter((message) => message.topic === topic);
const quietFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Will messages under an IoT policy (mTLS)', () => {
  it('publishes the Will, with its QoS, on a topic the policy grants iot:Publish on', async () => {
    const device = await fixture.provision('will-pump-1');
    const topic = topics.telemetry(device.thingName);
    const client = await connectWithWill(device, { topic, payload: Buffer.from('{"gone":true}'), qos: 1 });
    await loseConnection(client);
    await expect
      .poll(willsOn(topic), { timeout: 3_000 })
      .toEqual([{ topic, payload: '{"gone":true}', qos: 1, retain: false }]);
  });

  it('publishes no Will on a topic the policy does not grant iot:Publish on', async () => {
    const device = await fixture.provision('will-pump-2');
    const topic = `status/${device.thingName}`;
    const client = await connectWithWill(device, { topic, payload: Buffer.from('offline'), qos: 1 });
    await loseConnection(client);
    // The allowed Will of the previous test arrives well within this time.
    await quietFor(800);
    expect(willsOn(topic)()).toEqual([]);
  });

  it('publishes no retained Will without iot:RetainPublish, even where iot:Publish is granted', async () => {
    const device = await fixture.provision('will-pump-3');
    const topic = topics.telemetry(device.thingName);
    const client = await connectWithWill(device, {
      topic,
      payload: Buffer.from('{"gone":true}'),
      qos: 1,
      retain: true,
    });
    await loseConnection(client);
    await quietFor(800);
    expect(willsOn(topic)()).toEqual([]);
  });
});
