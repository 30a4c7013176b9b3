// AWS IoT Device SDK for JavaScript v1 (aws-iot-device-sdk), unchanged, against the local IoT Core: a
// device built from the SDK README's own options connects over mutual TLS, publishes telemetry, and keeps
// its device shadow with thingShadow exactly as it would against AWS
// (https://github.com/aws/aws-iot-device-sdk-js#api-documentation, device-shadow-mqtt.html).
import awsIot from 'aws-iot-device-sdk';
import type { AedesPublishPacket, Client as AedesClient } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startLocalIotCoreFixture,
  type LocalIotCoreFixture,
  type ProvisionedThing,
} from '../local-iot-core-fixture.js';

let fixture: LocalIotCoreFixture;

beforeAll(async () => {
  fixture = await startLocalIotCoreFixture();
});

afterAll(async () => {
  await fixture?.close();
});

/** The options the SDK README shows, with the certificates as Buffers instead of file paths. */
function deviceOptions(thing: ProvisionedThing, clientId: string) {
  return {
    host: '127.0.0.1',
    port: fixture.mqttsPort,
    protocol: 'mqtts' as const,
    clientId,
    caCert: Buffer.from(fixture.caCertificatePem),
    clientCert: Buffer.from(thing.certificatePem),
    privateKey: Buffer.from(thing.privateKeyPem),
    // A refused CONNECT must not turn into a reconnect loop while a test looks at it.
    baseReconnectTimeMs: 60_000,
    minimumConnectionTimeMs: 60_000,
    maximumReconnectTimeMs: 60_000,
  };
}

/** Resolves with the client once connected, or 'refused' when the endpoint closes before CONNACK. */
function connected<T extends InstanceType<typeof awsIot.device> | InstanceType<typeof awsIot.thingShadow>>(
  client: T,
): Promise<T | 'refused'> {
  client.on('error', () => undefined);
  return new Promise((resolve) => {
    client.once('connect', () => resolve(client));
    client.once('close', () => {
      client.end(true);
      resolve('refused');
    });
  });
}

async function connectDevice(thing: ProvisionedThing, clientId = thing.thingName) {
  const device = await connected(new awsIot.device(deviceOptions(thing, clientId)));
  if (device === 'refused') throw new Error(`${clientId} was refused`);
  return device;
}

async function connectShadowClient(thing: ProvisionedThing) {
  const shadow = await connected(new awsIot.thingShadow(deviceOptions(thing, thing.thingName)));
  if (shadow === 'refused') throw new Error(`${thing.thingName} was refused`);
  return shadow;
}

type ShadowClient = InstanceType<typeof awsIot.thingShadow>;
type ShadowStatus = { status: 'accepted' | 'rejected'; stateObject: Record<string, unknown> };

function register(shadow: ShadowClient, thingName: string, options: object = {}): Promise<void> {
  return new Promise((resolve, reject) =>
    shadow.register(thingName, options, (error) => (error ? reject(new Error(String(error))) : resolve())),
  );
}

/** Runs one shadow operation and resolves with the 'status' event that answers its clientToken. */
function statusOf(shadow: ShadowClient, start: () => string | null): Promise<ShadowStatus> {
  return new Promise((resolve, reject) => {
    let clientToken: string | null = null;
    const onStatus = (
      _thing: string,
      status: ShadowStatus['status'],
      token: string,
      stateObject: Record<string, unknown>,
    ) => {
      if (token !== clientToken) return;
      shadow.off('status', onStatus);
      shadow.off('timeout', onTimeout);
      resolve({ status, stateObject });
    };
    const onTimeout = (_thing: string, token: string) => {
      if (token === clientToken) reject(new Error(`shadow operation ${token} timed out`));
    };
    shadow.on('status', onStatus);
    shadow.on('timeout', onTimeout);
    clientToken = start();
    if (clientToken === null)
      reject(new Error('the SDK refused to start the operation (one already in flight)'));
  });
}

const end = (client: { end(force?: boolean, callback?: () => void): void }) =>
  new Promise<void>((resolve) => client.end(false, () => resolve()));

describe('aws-iot-device-sdk v1 device', () => {
  it('connects over mutual TLS with its thing name as client id and publishes telemetry at QoS 1 (mqtt.html)', async () => {
    const thing = await fixture.provision('sdk1-pump-1');
    const received = new Promise<{ packet: AedesPublishPacket; clientId: string | undefined }>((resolve) => {
      const onPublish = (packet: AedesPublishPacket, client: AedesClient | null) => {
        if (packet.topic !== 'dt/tributary/sdk1-pump-1/telemetry') return;
        fixture.core.broker.aedes.off('publish', onPublish);
        resolve({ packet, clientId: client?.id });
      };
      fixture.core.broker.aedes.on('publish', onPublish);
    });
    const device = await connectDevice(thing);
    await new Promise<void>((resolve, reject) =>
      device.publish('dt/tributary/sdk1-pump-1/telemetry', '{"metrics":{"t":21.5}}', { qos: 1 }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    const { packet, clientId } = await received;
    expect(clientId).toBe('sdk1-pump-1');
    expect(packet.qos).toBe(1);
    expect(JSON.parse(packet.payload.toString())).toEqual({ metrics: { t: 21.5 } });
    await end(device);
  });

  it('is refused when it presents another thing’s client id, and that thing stays connected (faults #9, thing-policy-variables.html)', async () => {
    const spoofer = await fixture.provision('sdk1-pump-2');
    const victim = await fixture.provision('sdk1-pump-3');
    const victimDevice = await connectDevice(victim);
    let victimClosed = false;
    victimDevice.on('close', () => (victimClosed = true));

    expect(await connected(new awsIot.device(deviceOptions(spoofer, 'sdk1-pump-3')))).toBe('refused');

    // Still connected as itself: its own QoS 1 publish is acknowledged on the same connection.
    await new Promise<void>((resolve, reject) =>
      victimDevice.publish(
        'dt/tributary/sdk1-pump-3/telemetry',
        '{"metrics":{"t":1}}',
        { qos: 1 },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    expect(victimClosed).toBe(false);
    await end(victimDevice);
  });
});

describe('aws-iot-device-sdk v1 thingShadow (device-shadow-mqtt.html)', () => {
  it('updates its reported state (accepted, version 1) and gets it back', async () => {
    const thing = await fixture.provision('sdk1-valve-1');
    const shadow = await connectShadowClient(thing);
    await register(shadow, thing.thingName);

    const updated = await statusOf(shadow, () =>
      shadow.update(thing.thingName, { state: { reported: { open: true, firmware: '1.2.0' } } }),
    );
    expect(updated.status).toBe('accepted');
    expect(updated.stateObject).toMatchObject({
      state: { reported: { open: true, firmware: '1.2.0' } },
      version: 1,
    });

    const fetched = await statusOf(shadow, () => shadow.get(thing.thingName));
    expect(fetched.status).toBe('accepted');
    expect(fetched.stateObject).toMatchObject({
      state: { reported: { open: true, firmware: '1.2.0' } },
      version: 1,
    });
    await end(shadow);
  });

  it('has an update with a stale version rejected with 409 "Version conflict" and the state kept (faults #17, device-shadow-error-messages.html)', async () => {
    const thing = await fixture.provision('sdk1-valve-2');
    const shadow = await connectShadowClient(thing);
    // Subscribed only while an operation is in flight, so the SDK does not learn of the other writer's
    // update and sends the version it last saw (1) with its next update, as a device offline for a while would.
    await register(shadow, thing.thingName, { persistentSubscribe: false, ignoreDeltas: true });
    const first = await statusOf(shadow, () =>
      shadow.update(thing.thingName, { state: { reported: { open: true } } }),
    );
    expect(first.stateObject).toMatchObject({ version: 1 });

    // The second writer: an app using the Device Shadow REST API (device-shadow-rest-api.html).
    const byApp = await fetch(`${fixture.core.controlPlaneUrl}/things/${thing.thingName}/shadow`, {
      method: 'POST',
      body: JSON.stringify({ state: { reported: { open: false } } }),
    });
    expect(byApp.status).toBe(200);

    const stale = await statusOf(shadow, () =>
      shadow.update(thing.thingName, { state: { reported: { open: true } } }),
    );
    expect(stale.status).toBe('rejected');
    expect(stale.stateObject).toMatchObject({ code: 409, message: 'Version conflict' });

    const kept = await statusOf(shadow, () => shadow.get(thing.thingName));
    expect(kept.stateObject).toMatchObject({ state: { reported: { open: false } }, version: 2 });
    await end(shadow);
  });

  it('receives a delta event when the desired state differs from the reported state', async () => {
    const thing = await fixture.provision('sdk1-valve-3');
    const shadow = await connectShadowClient(thing);
    await register(shadow, thing.thingName);
    await statusOf(shadow, () => shadow.update(thing.thingName, { state: { reported: { open: false } } }));

    const delta = new Promise<{ thingName: string; stateObject: Record<string, unknown> }>((resolve) =>
      shadow.once('delta', (thingName: string, stateObject: Record<string, unknown>) =>
        resolve({ thingName, stateObject }),
      ),
    );
    const desired = await statusOf(shadow, () =>
      shadow.update(thing.thingName, { state: { desired: { open: true } } }),
    );
    expect(desired.status).toBe('accepted');
    expect(await delta).toMatchObject({
      thingName: 'sdk1-valve-3',
      stateObject: { state: { open: true }, version: 2 },
    });
    await end(shadow);
  });
});
