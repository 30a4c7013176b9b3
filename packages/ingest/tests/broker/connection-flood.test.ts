// faults.md #25, connection flood: caps on open sockets, per remote address and in all, shared by the plain
// and mutual-TLS listeners. A socket over a cap is destroyed at accept, before TLS or MQTT work (it gets no
// byte and is not left to the connect timeout), and a real device connects again once one closes.
import { silentLogger } from '@tributary/contracts';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { awsBrokerLimits, type LocalBroker } from '../../src/local/broker.js';
import { LocalRegistry, startLocalIotCore } from '../../src/local/index.js';
import { LocalCertificateAuthority } from '../../src/local/pki/certificate-authority.js';
import { CertificateRegistry } from '../../src/local/pki/certificate-registry.js';
import { startTlsListener } from '../../src/local/tls-listener.js';
import {
  connectPacket,
  mqttClient,
  RawMqttConnection,
  testBroker,
  recordingWarnings,
} from './broker-test-kit.js';

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** A raw TCP socket from a chosen loopback address (all of 127.0.0.0/8 is loopback on Linux). */
async function socketFrom(localAddress: string, port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  socket.on('error', () => undefined);
  sockets.push(socket);
  await once(socket, 'connect');
  return socket;
}

/** Whether the broker closes the socket within `withinMs` (and how many bytes it sent first). */
async function closedWithin(socket: Socket, withinMs: number): Promise<{ closed: boolean; bytes: number }> {
  let bytes = 0;
  socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
  if (socket.destroyed) return { closed: true, bytes };
  const closed = await Promise.race([
    once(socket, 'close').then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), withinMs)),
  ]);
  return { closed, bytes };
}

async function connackFrom(localAddress: string, port: number): Promise<number[]> {
  const socket = await socketFrom(localAddress, port);
  socket.write(connectPacket({ clientId: `device-at-${localAddress}` }));
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  return [...chunk.subarray(0, 4)];
}

async function openConnectionsReach(broker: LocalBroker, count: number): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (broker.connectionGate.openConnections !== count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(broker.connectionGate.openConnections).toBe(count);
}

describe('connection caps (faults.md #25)', () => {
  it('closes the socket over the per-address cap at once, and lets a real client in once one closes', async () => {
    const { logger, warnings } = recordingWarnings();
    const broker = await testBroker({ logger, limits: { maxConnectionsPerAddress: 3 } });
    const flood = await Promise.all([1, 2, 3].map(() => RawMqttConnection.open(broker)));
    const overCap = await RawMqttConnection.open(broker);
    expect(await overCap.closedWithin(500)).toBe(true);
    expect(overCap.received.length).toBe(0);
    expect(warnings).toContainEqual(
      expect.objectContaining({ code: 'CONNECTION_CAP_REACHED', cap: 'maxConnectionsPerAddress', limit: 3 }),
    );
    // The open sockets are not harmed by the refusal.
    expect(flood.some((connection) => connection.closed)).toBe(false);

    flood[0]?.socket.destroy();
    await openConnectionsReach(broker, 2);
    const device = await mqttClient(broker, { clientId: 'pump-7' });
    expect(device.connected).toBe(true);
  });

  it('counts per remote address: another address still connects while one is at its cap', async () => {
    const broker = await testBroker({ limits: { maxConnectionsPerAddress: 2 } });
    await socketFrom('127.0.0.1', broker.port);
    await socketFrom('127.0.0.1', broker.port);
    expect((await closedWithin(await socketFrom('127.0.0.1', broker.port), 500)).closed).toBe(true);
    expect(await connackFrom('127.0.0.2', broker.port)).toEqual([0x20, 0x02, 0x00, 0x00]);
  });

  it('closes any socket over the global cap, whatever its address', async () => {
    const broker = await testBroker({ limits: { maxConnections: 2 } });
    await socketFrom('127.0.0.1', broker.port);
    await socketFrom('127.0.0.2', broker.port);
    expect(await closedWithin(await socketFrom('127.0.0.3', broker.port), 500)).toEqual({
      closed: true,
      bytes: 0,
    });
  });

  it('defaults leave room for `tributary simulate --devices 10000` from 127.0.0.1', async () => {
    const broker = await testBroker();
    expect(awsBrokerLimits.maxConnectionsPerAddress).toBeGreaterThanOrEqual(10_000);
    expect(awsBrokerLimits.maxConnections).toBeGreaterThanOrEqual(10_000);
    expect(await connackFrom('127.0.0.1', broker.port)).toEqual([0x20, 0x02, 0x00, 0x00]);
  });

  it('applies the same caps to the mutual-TLS listener, before the TLS handshake, counting both listeners', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'connection-flood-'));
    const ca = await LocalCertificateAuthority.loadOrCreate(join(dir, 'ca'));
    const certificates = await CertificateRegistry.open(':memory:');
    const { logger, warnings } = recordingWarnings();
    const broker = await testBroker({ logger, limits: { maxConnectionsPerAddress: 2 } });
    // Wired as startLocalIotCore wires it: the broker's gate guards the mTLS listener too.
    const tls = await startTlsListener({
      port: 0,
      ca,
      certificates,
      logger,
      connectionGate: broker.connectionGate,
      onConnection: (socket, principal) => broker.handleConnection(socket, principal),
    });
    try {
      const handshaking = await socketFrom('127.0.0.1', tls.port);
      await socketFrom('127.0.0.1', broker.port);
      // Over the cap on the TLS port: destroyed before a ServerHello is sent.
      const overCap = await socketFrom('127.0.0.1', tls.port);
      overCap.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x00])); // the start of a ClientHello
      expect(await closedWithin(overCap, 500)).toEqual({ closed: true, bytes: 0 });
      expect(warnings).toContainEqual(
        expect.objectContaining({ code: 'CONNECTION_CAP_REACHED', listener: 'mqtts' }),
      );
      expect((await closedWithin(await socketFrom('127.0.0.1', broker.port), 500)).closed).toBe(true);

      // No TLS session was started for it: nothing else (e.g. a TLS hang-up) was reported.
      expect(warnings.filter((warning) => warning['code'] !== 'CONNECTION_CAP_REACHED')).toEqual([]);
      handshaking.destroy();
      await openConnectionsReach(broker, 1);
      const device = await mqttClient(broker, { clientId: 'pump-7' });
      expect(device.connected).toBe(true);
    } finally {
      for (const socket of sockets.splice(0)) socket.destroy();
      await tls.close();
      certificates.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('startLocalIotCore guards both of its listeners with the broker limits it is given', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'connection-flood-core-'));
    const registry = await LocalRegistry.open(':memory:');
    const core = await startLocalIotCore({
      dataDir,
      registry,
      logger: silentLogger,
      location: { region: 'us-east-1', account: '000000000000' },
      mqttsPort: 0,
      mqttPort: 0,
      limits: { maxConnections: 1 },
    });
    try {
      await socketFrom('127.0.0.1', Number(new URL(core.mqttsUrl).port));
      expect((await closedWithin(await socketFrom('127.0.0.1', core.broker.port), 500)).closed).toBe(true);
    } finally {
      for (const socket of sockets.splice(0)) socket.destroy();
      await core.close();
      registry.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
