// The mutual-TLS device endpoint in front of a real aedes broker, with real mqtt.js and mosquitto clients.
// Behaviour mirrored: AWS IoT authenticates devices by X.509 client certificate and only ACTIVE certificates
// connect (https://docs.aws.amazon.com/iot/latest/developerguide/x509-client-certs.html); setting a
// certificate INACTIVE or REVOKED disconnects it (https://docs.aws.amazon.com/iot/latest/apireference/API_UpdateCertificate.html).
import { silentLogger } from '@tributary/contracts';
import type { MqttClient } from 'mqtt';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type LocalBroker } from '../../src/local/broker.js';
import {
  LocalCertificateAuthority,
  type IssuedDeviceCertificate,
} from '../../src/local/pki/certificate-authority.js';
import { CertificateStateError } from '../../src/local/pki/certificate-errors.js';
import { CertificateRegistry } from '../../src/local/pki/certificate-registry.js';
import type { DevicePrincipal } from '../../src/local/pki/device-principal.js';
import { provisionThing } from '../../src/local/provision-thing.js';
import { LocalRegistry } from '../../src/local/registry.js';
import { startTlsListener, type TlsListener } from '../../src/local/tls-listener.js';
import {
  connectDevice,
  closed,
  connectionOutcome,
  nextMessage,
  RecordingLogger,
  type DeviceCredentials,
  type LogEntry,
} from './tls-test-kit.js';

const runFile = promisify(execFile);
const dayMs = 86_400_000;

let dir: string;
let ca: LocalCertificateAuthority;
let certificates: CertificateRegistry;
let things: LocalRegistry;
let broker: LocalBroker;
let listener: TlsListener;
let logger: RecordingLogger;
const admitted: DevicePrincipal[] = [];
const clients: MqttClient[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tls-listener-'));
  ca = await LocalCertificateAuthority.loadOrCreate(join(dir, 'ca'));
  certificates = await CertificateRegistry.open(':memory:');
  things = await LocalRegistry.open(':memory:');
  broker = await startBroker({ port: 0, logger: silentLogger });
  logger = new RecordingLogger();
  listener = await startTlsListener({
    port: 0,
    ca,
    certificates,
    logger,
    onConnection: (socket, principal) => {
      admitted.push(principal);
      broker.aedes.handle(socket);
    },
  });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true)));
  admitted.length = 0;
  logger.entries.length = 0;
});
afterAll(async () => {
  await listener.close();
  await broker.close();
  certificates.close();
  things.close();
  await rm(dir, { recursive: true, force: true });
});

async function activeDevice(
  commonName: string,
  validity: { notBefore?: Date; validityDays?: number } = {},
): Promise<IssuedDeviceCertificate> {
  const device = await ca.issueDeviceCertificate({ commonName, ...validity });
  await certificates.registerCertificate({ certificatePem: device.certificatePem, status: 'ACTIVE' });
  return device;
}

async function connected(device: DeviceCredentials, clientId: string): Promise<MqttClient> {
  const client = await connectDevice(listener.port, ca.caCertificatePem, device, clientId);
  clients.push(client);
  return client;
}

const refusedAtHandshake = (entry: LogEntry) => entry.message === 'TLS connection refused';
const refusedAfterHandshake = (entry: LogEntry) => entry.message === 'device connection refused';

describe('mutual-TLS device endpoint (x509-client-certs.html)', () => {
  it('admits an ACTIVE device certificate and carries its thing, policy and subject to the broker', async () => {
    const provisioned = await provisionThing({
      registry: things,
      ca,
      certificates,
      thingName: 'pump-1',
      policyName: 'device-policy',
      outDir: join(dir, 'devices'),
    });
    const subscriber = await connected(await activeDevice('dashboard'), 'dashboard');
    await subscriber.subscribeAsync('dt/pump-1/telemetry', { qos: 1 });
    const device = await connected(
      {
        certificatePem: await readFile(provisioned.certificatePath, 'utf8'),
        privateKeyPem: await readFile(provisioned.privateKeyPath, 'utf8'),
      },
      'pump-1',
    );
    const received = nextMessage(subscriber);
    await device.publishAsync('dt/pump-1/telemetry', '{"t":21.5}', { qos: 1 });
    expect(await received).toEqual({ topic: 'dt/pump-1/telemetry', payload: '{"t":21.5}' });
    expect(admitted.find((p) => p.certificateId === provisioned.certificateId)).toEqual({
      certificateId: provisioned.certificateId,
      subject: { CommonName: 'pump-1' },
      issuer: { CommonName: 'tributary local CA' },
      thingNames: ['pump-1'],
    });
  });

  it('lets Debian mosquitto_pub publish with the root-CA.pem / cert / key files, and a subscriber receives it', async () => {
    const provisioned = await provisionThing({
      registry: things,
      ca,
      certificates,
      thingName: 'pump-2',
      policyName: 'device-policy',
      outDir: join(dir, 'devices'),
    });
    const subscriber = await connected(await activeDevice('dashboard'), 'dashboard');
    await subscriber.subscribeAsync('dt/pump-2/telemetry', { qos: 1 });
    const received = nextMessage(subscriber);
    await runFile(
      'mosquitto_pub',
      [
        ...[
          '--cafile',
          provisioned.rootCaPath,
          '--cert',
          provisioned.certificatePath,
          '--key',
          provisioned.privateKeyPath,
        ],
        ...['-h', '127.0.0.1', '-p', String(listener.port), '-i', 'pump-2', '-q', '1'],
        ...['-t', 'dt/pump-2/telemetry', '-m', '{"t":7}'],
      ],
      { timeout: 10_000 },
    );
    expect(await received).toEqual({ topic: 'dt/pump-2/telemetry', payload: '{"t":7}' });
  });

  it('refuses at the TLS handshake a certificate from another CA with the same common name', async () => {
    const rogueCa = await LocalCertificateAuthority.loadOrCreate(join(dir, 'rogue-ca'));
    const rogue = await rogueCa.issueDeviceCertificate({ commonName: 'pump-1' });
    // Even registered and ACTIVE, it must not get in: the chain to the trusted CA is checked first.
    await certificates.registerCertificate({ certificatePem: rogue.certificatePem, status: 'ACTIVE' });
    expect(await connectionOutcome(listener.port, ca.caCertificatePem, rogue, 'pump-1')).toBe('refused');
    const entry = await logger.waitFor(refusedAtHandshake);
    expect(entry.fields['code']).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(admitted).toEqual([]);
    expect(broker.aedes.connectedClients).toBe(0);
  });

  it('refuses at the TLS handshake a client that presents no certificate', async () => {
    expect(await connectionOutcome(listener.port, ca.caCertificatePem, {}, 'anonymous')).toBe('refused');
    expect((await logger.waitFor(refusedAtHandshake)).fields['code']).toBe(
      'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
    );
    expect(admitted).toEqual([]);
    expect(broker.aedes.connectedClients).toBe(0);
  });

  it('refuses at the TLS handshake an expired certificate (faults.md #12)', async () => {
    const expired = await activeDevice('pump-old', {
      notBefore: new Date(Date.now() - 10 * dayMs),
      validityDays: 1,
    });
    expect(await connectionOutcome(listener.port, ca.caCertificatePem, expired, 'pump-old')).toBe('refused');
    expect((await logger.waitFor(refusedAtHandshake)).fields['code']).toBe('CERT_HAS_EXPIRED');
    expect(admitted).toEqual([]);
  });

  it('refuses at the TLS handshake a certificate that is not valid yet (device clock skew, faults.md #12)', async () => {
    const future = await activeDevice('pump-new', {
      notBefore: new Date(Date.now() + dayMs),
      validityDays: 30,
    });
    expect(await connectionOutcome(listener.port, ca.caCertificatePem, future, 'pump-new')).toBe('refused');
    expect((await logger.waitFor(refusedAtHandshake)).fields['code']).toBe('CERT_NOT_YET_VALID');
    expect(admitted).toEqual([]);
  });

  it('refuses an INACTIVE certificate at connect, and admits it once set ACTIVE (UpdateCertificate)', async () => {
    const device = await ca.issueDeviceCertificate({ commonName: 'pump-3' });
    await certificates.registerCertificate({ certificatePem: device.certificatePem }); // INACTIVE by default
    expect(await connectionOutcome(listener.port, ca.caCertificatePem, device, 'pump-3')).toBe('refused');
    const entry = await logger.waitFor(refusedAfterHandshake);
    expect(entry.fields).toMatchObject({
      certificateId: device.certificateId,
      reason: expect.stringMatching(/INACTIVE/),
    });
    expect(admitted).toEqual([]);

    await certificates.updateCertificate(device.certificateId, 'ACTIVE');
    expect(await connectionOutcome(listener.port, ca.caCertificatePem, device, 'pump-3')).toBe('connected');
  });

  it('refuses a certificate signed by the local CA but never registered', async () => {
    const unregistered = await ca.issueDeviceCertificate({ commonName: 'pump-4' });
    expect(await connectionOutcome(listener.port, ca.caCertificatePem, unregistered, 'pump-4')).toBe(
      'refused',
    );
    const entry = await logger.waitFor(refusedAfterHandshake);
    expect(entry.fields['reason']).toMatch(/not registered/);
    expect(admitted).toEqual([]);
  });

  it('refuses a certificate once deleted (DeleteCertificate) as one never registered', async () => {
    const device = await activeDevice('pump-retired');
    expect(await connectionOutcome(listener.port, ca.caCertificatePem, device, 'pump-retired')).toBe(
      'connected',
    );
    await certificates.updateCertificate(device.certificateId, 'INACTIVE');
    await certificates.deleteCertificate(device.certificateId);
    logger.entries.length = 0;

    expect(await connectionOutcome(listener.port, ca.caCertificatePem, device, 'pump-retired')).toBe(
      'refused',
    );
    expect((await logger.waitFor(refusedAfterHandshake)).fields['reason']).toMatch(/not registered/);
    expect(admitted.map((principal) => principal.certificateId)).toEqual([device.certificateId]);
  });

  for (const status of ['INACTIVE', 'REVOKED'] as const) {
    it(`disconnects a connected device at once when its certificate is set ${status} (UpdateCertificate)`, async () => {
      const device = await activeDevice(`pump-${status}`);
      const client = await connected(device, `pump-${status}`);
      const bystander = await connected(await activeDevice('bystander'), 'bystander');
      const disconnected = closed(client);
      const changedAt = Date.now();
      await certificates.updateCertificate(device.certificateId, status);
      await disconnected;
      expect(Date.now() - changedAt).toBeLessThan(2_000);
      expect(bystander.connected).toBe(true);
      expect(await connectionOutcome(listener.port, ca.caCertificatePem, device, `pump-${status}`)).toBe(
        'refused',
      );
    });
  }

  it('warns DEVICE_CERTIFICATE_SHARED when one certificate is on two open connections (faults.md #10)', async () => {
    const device = await activeDevice('copied-key');
    await connected(device, 'copy-1');
    expect(logger.entries.some((e) => e.fields['code'] === 'DEVICE_CERTIFICATE_SHARED')).toBe(false);
    await connected(device, 'copy-2');
    const entry = await logger.waitFor((e) => e.fields['code'] === 'DEVICE_CERTIFICATE_SHARED');
    expect(entry.level).toBe('warn');
    expect(entry.fields['certificateId']).toBe(device.certificateId);
  });

  it('never lets a REVOKED certificate back in: it cannot be set ACTIVE again (UpdateCertificate)', async () => {
    const device = await activeDevice('pump-5');
    await certificates.updateCertificate(device.certificateId, 'REVOKED');
    await expect(certificates.updateCertificate(device.certificateId, 'ACTIVE')).rejects.toThrow(
      CertificateStateError,
    );
    expect(await connectionOutcome(listener.port, ca.caCertificatePem, device, 'pump-5')).toBe('refused');
    expect((await logger.waitFor(refusedAfterHandshake)).fields['reason']).toMatch(/REVOKED/);
  });
});

describe('TLS handshake timeout (faults.md #25)', () => {
  it('drops a connection that opens TCP and never completes the TLS handshake', async () => {
    const slowLogger = new RecordingLogger();
    const strict = await startTlsListener({
      port: 0,
      ca,
      certificates,
      logger: slowLogger,
      handshakeTimeoutMs: 300,
      onConnection: (socket) => socket.destroy(),
    });
    try {
      const slowloris = connectTcp(strict.port, '127.0.0.1');
      slowloris.on('error', () => undefined);
      const openedAt = Date.now();
      await once(slowloris, 'close');
      expect(Date.now() - openedAt).toBeLessThan(3_000);
      expect((await slowLogger.waitFor(refusedAtHandshake)).fields['code']).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
    } finally {
      await strict.close();
    }
  });
});
