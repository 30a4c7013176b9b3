// AWS IoT's CA certificate registry against the local IoT Core, through @aws-sdk/client-iot and real mqtt.js
// devices over mutual TLS. Behaviour mirrored: a CA registered with RegisterCACertificate (proof of key by a
// verification certificate) lets devices whose certificates it signed connect once registered with
// RegisterCertificate; a CA set INACTIVE blocks every certificate under it, at connect and while connected
// (faults.md #13); DeleteCACertificate needs the CA INACTIVE
// (https://docs.aws.amazon.com/iot/latest/developerguide/manage-your-CA-certs.html).
import * as iot from '@aws-sdk/client-iot';
import type { MqttClient } from 'mqtt';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { devicePolicyName } from '../../src/core/index.js';
import { LocalRegistry, startLocalIotCore, type LocalIotCore } from '../../src/local/index.js';
import { certificateIdOf } from '../../src/local/pki/certificate-id.js';
import {
  createSelfSignedCa,
  generateKeyPair,
  privateKeyToPem,
  signLeafCertificate,
  type SigningIdentity,
} from '../../src/local/pki/x509-signing.js';
import { closed, connectDevice, connectionOutcome, RecordingLogger } from './tls-test-kit.js';

const location = { region: 'us-east-1', account: '000000000000' };
const validity = () => ({
  notBefore: new Date(Date.now() - 3_600_000),
  notAfter: new Date(Date.now() + 30 * 86_400_000),
});

interface TestCa {
  readonly identity: SigningIdentity;
  readonly certificatePem: string;
}

interface Device {
  readonly thingName: string;
  readonly certificateId: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

let dataDir: string;
let registry: LocalRegistry;
let core: LocalIotCore;
let client: iot.IoTClient;
let logger: RecordingLogger;
let mqttsPort: number;
const clients: MqttClient[] = [];

async function createCa(commonName: string): Promise<TestCa> {
  const keys = await generateKeyPair();
  const certificate = await createSelfSignedCa(commonName, keys, validity());
  return {
    identity: { certificate, privateKey: keys.privateKey },
    certificatePem: certificate.toString('pem'),
  };
}

async function signLeaf(
  ca: TestCa,
  commonName: string,
): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const keys = await generateKeyPair();
  const certificate = await signLeafCertificate({
    issuer: ca.identity,
    commonName,
    publicKey: keys.publicKey,
    validity: validity(),
    role: 'client',
  });
  return {
    certificatePem: certificate.toString('pem'),
    privateKeyPem: await privateKeyToPem(keys.privateKey),
  };
}

/** RegisterCACertificate with a verification certificate for the account's registration code. */
async function registerCa(ca: TestCa, setAsActive = true): Promise<string> {
  const { registrationCode } = await client.send(new iot.GetRegistrationCodeCommand({}));
  const verification = await signLeaf(ca, registrationCode ?? '');
  const registered = await client.send(
    new iot.RegisterCACertificateCommand({
      caCertificate: ca.certificatePem,
      verificationCertificate: verification.certificatePem,
      setAsActive,
    }),
  );
  return registered.certificateId ?? '';
}

/** A thing with a device certificate the CA signed, registered with RegisterCertificate and set up to connect. */
async function provisionUnder(ca: TestCa, thingName: string): Promise<Device> {
  const leaf = await signLeaf(ca, thingName);
  await client.send(new iot.CreateThingCommand({ thingName }));
  const registered = await client.send(
    new iot.RegisterCertificateCommand({
      certificatePem: leaf.certificatePem,
      caCertificatePem: ca.certificatePem,
      status: 'ACTIVE',
    }),
  );
  const principal = registered.certificateArn ?? '';
  await client.send(new iot.AttachPolicyCommand({ policyName: devicePolicyName, target: principal }));
  await client.send(new iot.AttachThingPrincipalCommand({ thingName, principal }));
  return { thingName, certificateId: registered.certificateId ?? '', ...leaf };
}

/** As `aws iot create-keys-and-certificate`: a device under the platform's own CA. */
async function provisionUnderPlatformCa(thingName: string): Promise<Device> {
  await client.send(new iot.CreateThingCommand({ thingName }));
  const created = await client.send(new iot.CreateKeysAndCertificateCommand({ setAsActive: true }));
  const principal = created.certificateArn ?? '';
  await client.send(new iot.AttachPolicyCommand({ policyName: devicePolicyName, target: principal }));
  await client.send(new iot.AttachThingPrincipalCommand({ thingName, principal }));
  return {
    thingName,
    certificateId: created.certificateId ?? '',
    certificatePem: created.certificatePem ?? '',
    privateKeyPem: created.keyPair?.PrivateKey ?? '',
  };
}

const connect = async (device: Device): Promise<MqttClient> => {
  const connected = await connectDevice(mqttsPort, core.ca.caCertificatePem, device, device.thingName);
  clients.push(connected);
  return connected;
};
const outcome = (device: Device) =>
  connectionOutcome(mqttsPort, core.ca.caCertificatePem, device, device.thingName);
const setCaStatus = (certificateId: string, newStatus: 'ACTIVE' | 'INACTIVE') =>
  client.send(new iot.UpdateCACertificateCommand({ certificateId, newStatus }));

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ca-certificates-'));
  registry = await LocalRegistry.open(':memory:', { region: location.region, accountId: location.account });
  logger = new RecordingLogger();
  core = await startLocalIotCore({
    dataDir,
    registry,
    logger,
    location,
    mqttsPort: 0,
    mqttPort: null,
    controlPlanePort: 0,
  });
  mqttsPort = Number(new URL(core.mqttsUrl).port);
  client = new iot.IoTClient({
    endpoint: core.controlPlaneUrl,
    region: location.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((device) => device.endAsync(true)));
});
afterAll(async () => {
  client.destroy();
  await core.close();
  registry.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('CA certificates', () => {
  it('lists the platform CA as registered and ACTIVE from the first start', async () => {
    const listed = await client.send(new iot.ListCACertificatesCommand({}));
    expect(listed.certificates).toEqual([
      expect.objectContaining({ certificateId: core.ca.caCertificateId, status: 'ACTIVE' }),
    ]);
    const described = await client.send(
      new iot.DescribeCACertificateCommand({ certificateId: core.ca.caCertificateId }),
    );
    expect(described.certificateDescription).toMatchObject({
      certificatePem: core.ca.caCertificatePem,
      status: 'ACTIVE',
      certificateMode: 'DEFAULT',
      ownedBy: location.account,
    });
  });

  it('refuses a CA whose verification certificate another key signed, or that has none', async () => {
    const ca = await createCa('unproven CA');
    const impostor = await createCa('impostor CA');
    const { registrationCode } = await client.send(new iot.GetRegistrationCodeCommand({}));
    const forged = await signLeaf(impostor, registrationCode ?? '');
    await expect(
      client.send(
        new iot.RegisterCACertificateCommand({
          caCertificate: ca.certificatePem,
          verificationCertificate: forged.certificatePem,
        }),
      ),
    ).rejects.toBeInstanceOf(iot.CertificateValidationException);
    await expect(
      client.send(new iot.RegisterCACertificateCommand({ caCertificate: ca.certificatePem })),
    ).rejects.toBeInstanceOf(iot.CertificateValidationException);
    const listed = await client.send(new iot.ListCACertificatesCommand({}));
    expect(listed.certificates?.map((c) => c.certificateId)).not.toContain(
      certificateIdOf(ca.certificatePem),
    );
  });

  it('refuses RegisterCertificate for a certificate that no registered CA signed', async () => {
    const unregistered = await createCa('unregistered CA');
    const leaf = await signLeaf(unregistered, 'orphan');
    await expect(
      client.send(new iot.RegisterCertificateCommand({ certificatePem: leaf.certificatePem })),
    ).rejects.toBeInstanceOf(iot.CertificateValidationException);
    await expect(
      client.send(
        new iot.RegisterCertificateCommand({
          certificatePem: leaf.certificatePem,
          caCertificatePem: unregistered.certificatePem,
        }),
      ),
    ).rejects.toBeInstanceOf(iot.CertificateValidationException);
  });

  it('lets a device signed by a second registered CA connect, and blocks it while that CA is INACTIVE', async () => {
    const fleetCa = await createCa('fleet CA');
    const caId = await registerCa(fleetCa);
    const device = await provisionUnder(fleetCa, 'fleet-sensor-1');
    const described = await client.send(
      new iot.DescribeCertificateCommand({ certificateId: device.certificateId }),
    );
    expect(described.certificateDescription?.caCertificateId).toBe(caId);

    const live = await connect(device);
    expect(live.connected).toBe(true);

    // INACTIVE: the live connection is cut at once, and a new one is refused with the reason logged.
    const cut = closed(live);
    await setCaStatus(caId, 'INACTIVE');
    await cut;
    expect(await outcome(device)).toBe('refused');
    const refusal = await logger.waitFor(
      (entry) =>
        entry.message === 'device connection refused' &&
        entry.fields['certificateId'] === device.certificateId,
    );
    expect(refusal.fields['reason']).toContain(`CA certificate ${caId} that signed it is INACTIVE`);
    // Devices under the platform CA are not affected.
    expect(await outcome(await provisionUnderPlatformCa('platform-sensor-1'))).toBe('connected');

    // ACTIVE again lets the device back in.
    await setCaStatus(caId, 'ACTIVE');
    expect(await outcome(device)).toBe('connected');
  });

  it('refuses DeleteCACertificate while the CA is ACTIVE and deletes it once INACTIVE', async () => {
    const retiredCa = await createCa('retired CA');
    const caId = await registerCa(retiredCa);
    const device = await provisionUnder(retiredCa, 'retired-sensor-1');
    expect(await outcome(device)).toBe('connected');

    await expect(
      client.send(new iot.DeleteCACertificateCommand({ certificateId: caId })),
    ).rejects.toBeInstanceOf(iot.CertificateStateException);
    await setCaStatus(caId, 'INACTIVE');
    await client.send(new iot.DeleteCACertificateCommand({ certificateId: caId }));

    await expect(
      client.send(new iot.DescribeCACertificateCommand({ certificateId: caId })),
    ).rejects.toBeInstanceOf(iot.ResourceNotFoundException);
    const listed = await client.send(new iot.ListCACertificatesCommand({}));
    expect(listed.certificates?.map((c) => c.certificateId)).not.toContain(caId);
    // Its devices no longer pass the TLS handshake: the CA has left the trust store.
    expect(await outcome(device)).toBe('refused');
  });

  it('blocks devices of the platform CA while it is INACTIVE, and never deletes it', async () => {
    const device = await provisionUnderPlatformCa('platform-sensor-2');
    const live = await connect(device);
    const cut = closed(live);
    await setCaStatus(core.ca.caCertificateId, 'INACTIVE');
    try {
      await cut;
      expect(await outcome(device)).toBe('refused');
      await expect(
        client.send(new iot.DeleteCACertificateCommand({ certificateId: core.ca.caCertificateId })),
      ).rejects.toBeInstanceOf(iot.CertificateStateException);
    } finally {
      await setCaStatus(core.ca.caCertificateId, 'ACTIVE');
    }
    expect(await outcome(device)).toBe('connected');
  });
});
