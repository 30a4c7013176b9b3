// AWS IoT Device SDK for JavaScript v2 (aws-iot-device-sdk-v2, on the aws-crt native client), unchanged,
// against the local IoT Core: the SDK's mTLS connection builder reaches the local endpoint over MQTT 3.1.1,
// publishes at QoS 1 and uses the device shadow through the SDK's own IotShadowClient
// (https://aws.github.io/aws-iot-device-sdk-js-v2/node/, device-shadow-mqtt.html).
import { iot, iotshadow, mqtt } from 'aws-iot-device-sdk-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startLocalIotCoreFixture,
  type LocalIotCoreFixture,
  type ProvisionedThing,
} from '../local-iot-core-fixture.js';

let fixture: LocalIotCoreFixture;
const client = new mqtt.MqttClient();
/** Every connection a test opens, disconnected after it so the native client lets the worker exit. */
const openConnections = new Set<mqtt.MqttClientConnection>();

beforeAll(async () => {
  fixture = await startLocalIotCoreFixture();
});

afterEach(async () => {
  for (const connection of openConnections) {
    // disconnect() also releases the native connection; a refused one is released already.
    await connection.disconnect().catch(() => undefined);
  }
  openConnections.clear();
});

afterAll(async () => {
  await fixture?.close();
});

/** The configuration the SDK's pub_sub sample builds, pointed at the local endpoint. */
function connectionFor(thing: ProvisionedThing, clientId: string): mqtt.MqttClientConnection {
  const config = iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(
    thing.certificatePem,
    thing.privateKeyPem,
  )
    .with_certificate_authority(fixture.caCertificatePem)
    .with_endpoint('127.0.0.1')
    .with_port(fixture.mqttsPort)
    .with_client_id(clientId)
    .with_clean_session(true)
    .build();
  const connection = client.new_connection(config);
  connection.on('error', () => undefined);
  openConnections.add(connection);
  return connection;
}

async function connect(
  thing: ProvisionedThing,
  clientId = thing.thingName,
): Promise<mqtt.MqttClientConnection> {
  const connection = connectionFor(thing, clientId);
  await connection.connect();
  return connection;
}

describe('aws-iot-device-sdk-v2 MQTT 3.1.1 connection', () => {
  it('connects over mutual TLS as its thing and has a QoS 1 telemetry publish acknowledged (mqtt.html)', async () => {
    const thing = await fixture.provision('sdk2-pump-1');
    const received = new Promise<string>((resolve) => {
      const onPublish = (packet: { topic: string; payload: Buffer | string }) => {
        if (packet.topic !== 'dt/tributary/sdk2-pump-1/telemetry') return;
        fixture.core.broker.aedes.off('publish', onPublish);
        resolve(packet.payload.toString());
      };
      fixture.core.broker.aedes.on('publish', onPublish);
    });
    const connection = await connect(thing);

    const request = await connection.publish(
      'dt/tributary/sdk2-pump-1/telemetry',
      JSON.stringify({ metrics: { t: 19.5 } }),
      mqtt.QoS.AtLeastOnce,
    );
    // The SDK resolves a QoS 1 publish when the PUBACK arrives, with the packet id it used.
    expect(request.packet_id).toBeGreaterThan(0);
    expect(JSON.parse(await received)).toEqual({ metrics: { t: 19.5 } });
  });

  it('is refused when it presents another thing’s client id, and that thing stays connected (faults #9, thing-policy-variables.html)', async () => {
    const spoofer = await fixture.provision('sdk2-pump-2');
    const victim = await fixture.provision('sdk2-pump-3');
    const victimConnection = await connect(victim);
    let victimInterrupted = false;
    victimConnection.on('interrupt', () => (victimInterrupted = true));

    await expect(connect(spoofer, 'sdk2-pump-3')).rejects.toThrow();

    await victimConnection.publish(
      'dt/tributary/sdk2-pump-3/telemetry',
      '{"metrics":{"t":1}}',
      mqtt.QoS.AtLeastOnce,
    );
    expect(victimInterrupted).toBe(false);
  });
});

describe('aws-iot-device-sdk-v2 IotShadowClient (device-shadow-mqtt.html)', () => {
  it('subscribes to update/accepted and receives the accepted document for its reported state', async () => {
    const thing = await fixture.provision('sdk2-valve-1');
    const shadow = new iotshadow.IotShadowClient(await connect(thing));
    type Accepted = iotshadow.model.UpdateShadowResponse;
    let settle: { resolve(response: Accepted): void; reject(error: Error): void } | undefined;
    const accepted = new Promise<Accepted>((resolve, reject) => (settle = { resolve, reject }));
    // The SDK resolves the subscription on SUBACK; publishing only after it is what the shadow docs advise.
    await shadow.subscribeToUpdateShadowAccepted(
      { thingName: thing.thingName },
      mqtt.QoS.AtLeastOnce,
      (error, response) => {
        if (response) settle?.resolve(response);
        else settle?.reject(error ?? new Error('update/accepted carried no document'));
      },
    );
    await shadow.publishUpdateShadow(
      { thingName: thing.thingName, state: { reported: { open: true } }, clientToken: 'sdk2-token-1' },
      mqtt.QoS.AtLeastOnce,
    );

    const response = await accepted;
    expect(response).toMatchObject({
      state: { reported: { open: true } },
      version: 1,
      clientToken: 'sdk2-token-1',
    });
    // Epoch seconds on the wire (device-shadow-document.html); the SDK model passes the number through.
    expect(Math.abs(Number(response.timestamp) - Date.now() / 1000)).toBeLessThan(60);
  });
});
