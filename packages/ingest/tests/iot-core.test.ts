// The Ingest stage composed as a device and an operator meet it: @aws-sdk/client-iot provisions a thing
// against the local control plane exactly as against AWS, then the device connects over mutual TLS and the
// default device policy decides what it may do (iot-policies.html, thing-policy-variables.html).
import * as iot from '@aws-sdk/client-iot';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startLocalIotCoreFixture,
  type LocalIotCoreFixture,
  type ProvisionedThing,
} from './local-iot-core-fixture.js';

let fixture: LocalIotCoreFixture;
type Device = ProvisionedThing;
const provision = (thingName: string) => fixture.provision(thingName);

/** The connected client, or 'refused' when the endpoint closes the connection before CONNACK. */
function tryConnect(device: Device, clientId: string): Promise<MqttClient | 'refused'> {
  const connection = mqtt.connect(fixture.core.mqttsUrl, {
    clientId,
    ca: fixture.caCertificatePem,
    cert: device.certificatePem,
    key: device.privateKeyPem,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  connection.on('error', () => undefined);
  return new Promise((resolve) => {
    connection.once('connect', () => resolve(connection));
    connection.once('close', () => {
      connection.end(true);
      resolve('refused');
    });
  });
}

async function connectDevice(device: Device, clientId: string): Promise<MqttClient> {
  const connection = await tryConnect(device, clientId);
  if (connection === 'refused') throw new Error(`${clientId} was refused`);
  return connection;
}

const closeOf = (connection: MqttClient) =>
  new Promise<void>((resolve) => connection.once('close', () => resolve()));

/** What IoT Core published itself and handed to the rules engine. */
const serviceMessages: { topic: string; payload: unknown }[] = [];

beforeAll(async () => {
  fixture = await startLocalIotCoreFixture({
    onServiceMessage: async (topic, payload) =>
      void serviceMessages.push({ topic, payload: JSON.parse(payload.toString()) }),
  });
});

afterAll(() => fixture?.close());

describe('a thing provisioned with @aws-sdk/client-iot', () => {
  it('connects over mutual TLS as itself and publishes its telemetry with QoS 1', async () => {
    const device = await connectDevice(await provision('pump-1'), 'pump-1');
    await device.publishAsync('dt/tributary/pump-1/telemetry', '{"metrics":{"t":1}}', { qos: 1 });
    await device.endAsync();
  });

  it('cannot connect with another thing’s client id: AWS drops the CONNECT (faults #9)', async () => {
    const device = await provision('pump-2');
    expect(await tryConnect(device, 'pump-3')).toBe('refused');
    // The certificate itself is fine: as itself the device gets in.
    await (await connectDevice(device, 'pump-2')).endAsync();
  });

  it('is disconnected for publishing on another thing’s topic (faults #6)', async () => {
    const device = await connectDevice(await provision('pump-4'), 'pump-4');
    const closed = closeOf(device);
    device.publish('dt/tributary/pump-1/telemetry', '{"metrics":{"t":1}}', { qos: 1 });
    await closed;
    device.end(true);
  });

  it('is disconnected for subscribing to # (faults #7)', async () => {
    const device = await connectDevice(await provision('pump-5'), 'pump-5');
    const closed = closeOf(device);
    device.subscribe('#', { qos: 1 });
    await closed;
    device.end(true);
  });

  it('updates its own shadow over MQTT and reads it back over the Device Shadow REST API', async () => {
    const device = await connectDevice(await provision('pump-6'), 'pump-6');
    await device.subscribeAsync('$aws/things/pump-6/shadow/update/accepted', { qos: 1 });
    const accepted = new Promise<Buffer>((resolve) =>
      device.once('message', (_topic, payload) => resolve(payload)),
    );
    await device.publishAsync(
      '$aws/things/pump-6/shadow/update',
      JSON.stringify({ state: { reported: { firmware: '1.2.0' } } }),
      { qos: 1 },
    );
    expect(JSON.parse((await accepted).toString())).toMatchObject({
      state: { reported: { firmware: '1.2.0' } },
      version: 1,
    });
    await device.endAsync();
    const response = await fetch(`${fixture.core.controlPlaneUrl}/things/pump-6/shadow`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ state: { reported: { firmware: '1.2.0' } } });
  });

  it('is cut off at once when its certificate is made INACTIVE through UpdateCertificate', async () => {
    const provisioned = await provision('pump-7');
    const device = await connectDevice(provisioned, 'pump-7');
    const closed = closeOf(device);
    const certificateId = provisioned.certificateArn.split('/').pop();
    await fixture.client.send(new iot.UpdateCertificateCommand({ certificateId, newStatus: 'INACTIVE' }));
    await closed;
    device.end(true);
    expect(await tryConnect(provisioned, 'pump-7')).toBe('refused');
  });

  it('describes its certificate as AWS does', async () => {
    const { certificateArn } = await provision('pump-8');
    const certificateId = certificateArn.split('/').pop();
    const { certificateDescription } = await fixture.client.send(
      new iot.DescribeCertificateCommand({ certificateId }),
    );
    expect(certificateDescription).toMatchObject({ certificateId, certificateArn, status: 'ACTIVE' });
    const { principals } = await fixture.client.send(
      new iot.ListThingPrincipalsCommand({ thingName: 'pump-8' }),
    );
    expect(principals).toEqual([certificateArn]);
  });

  it('hands its lifecycle events and shadow responses to the rules engine, as AWS rules see them', async () => {
    const device = await connectDevice(await provision('pump-9'), 'pump-9');
    await device.publishAsync(
      '$aws/things/pump-9/shadow/update',
      JSON.stringify({ state: { desired: { interval: 5 } } }),
      { qos: 1 },
    );
    await device.endAsync();
    const topics = () => serviceMessages.map((message) => message.topic);
    await expect
      .poll(topics)
      .toEqual(
        expect.arrayContaining([
          '$aws/events/presence/disconnected/pump-9',
          '$aws/events/presence/connected/pump-9',
          '$aws/things/pump-9/shadow/update/accepted',
          '$aws/things/pump-9/shadow/update/delta',
        ]),
      );
    const connected = serviceMessages.find((m) => m.topic === '$aws/events/presence/connected/pump-9');
    expect(connected?.payload).toMatchObject({ clientId: 'pump-9', eventType: 'connected' });
  });
});
