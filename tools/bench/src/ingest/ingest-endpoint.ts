// The broker side of `pnpm bench ingest`, run as a child process so it has a core of its own, as a broker
// has in production: either bare aedes on plain TCP (the baseline) or tributary's IoT Core — mutual TLS,
// IoT policies on every connect/publish, the rules engine before each PUBACK.
// Talks to the parent over IPC: sends EndpointReady once listening; answers `stats` and `stop`.
import { constants as cryptoConstants } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { silentLogger } from '@tributary/contracts';
import { devicePolicyName } from '@tributary/ingest';
import {
  LocalCertificateAuthority,
  LocalRegistry,
  LocalRulesEngine,
  provisionThing,
  startLocalIotCore,
  type LocalIotCore,
} from '@tributary/ingest/local';

/**
 * `node-tls`: Node's TLS server with the endpoint's settings and no MQTT at all — the floor under a device's
 * memory. `bare-aedes-subscribed`: bare aedes delivering every telemetry message to a subscriber in its own
 * process, as tributary hands each one to its rules engine (`pnpm bench e2e`'s pub→sub baseline).
 */
export type EndpointMode =
  'bare-aedes' | 'bare-aedes-subscribed' | 'bare-aedes-tls' | 'node-tls' | 'tributary';

export interface EndpointStats {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Publish → rule action, per message the rule ran for (tributary only). */
  readonly ruleLatenciesMs: number[];
  /** Telemetry messages delivered to the in-process subscriber since start (bare-aedes-subscribed only). */
  readonly delivered: number;
}

export type ParentMessage = { type: 'stats'; gc?: boolean } | { type: 'stop' };

/** What the endpoint sends once listening: its port and, for tributary, the devices' TLS credentials. */
export interface EndpointReady {
  readonly port: number;
  readonly tls?: {
    readonly caCertificatePem: string;
    /** One certificate per publisher `bench-000`…, each attached to its own thing. */
    readonly publishers: readonly { certificatePem: string; privateKeyPem: string }[];
    /** One certificate whose policy lets it connect as any `idle-*` client id. */
    readonly idleFleet: { certificatePem: string; privateKeyPem: string };
  };
}

const idleFleetPolicy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: 'arn:aws:iot:*:*:client/idle-*' }],
};

const epochMs = () => performance.timeOrigin + performance.now();

async function startBareAedes(
  onTelemetry?: () => void,
): Promise<{ ready: EndpointReady; close(): Promise<void> }> {
  const aedes = new Aedes();
  await aedes.listen();
  if (onTelemetry) {
    await new Promise<void>((resolve) =>
      aedes.subscribe(
        'dt/tributary/+/telemetry',
        (_packet, done) => {
          onTelemetry();
          done();
        },
        resolve,
      ),
    );
  }
  const server = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    ready: { port: (server.address() as AddressInfo).port } satisfies EndpointReady,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      server.close();
    },
  };
}

/**
 * Bare aedes behind a plain Node TLS server asking for client certificates: what TLS alone costs. Without
 * MQTT, the server only holds each verified socket open.
 */
async function startBareAedesTls(publishers: number, mqtt: boolean) {
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-bench-tls-'));
  const ca = await LocalCertificateAuthority.loadOrCreate(dataDir);
  const credentials = [];
  for (let i = 0; i < publishers; i += 1) {
    const issued = await ca.issueDeviceCertificate({ commonName: `bench-${i}` });
    credentials.push({ certificatePem: issued.certificatePem, privateKeyPem: issued.privateKeyPem });
  }
  const aedes = new Aedes();
  await aedes.listen();
  const server = createTlsServer(
    {
      key: ca.serverPrivateKeyPem,
      cert: ca.serverCertificatePem,
      ca: ca.caCertificatePem,
      requestCert: true,
      rejectUnauthorized: true,
      // The endpoint's TLS settings (tls-listener.ts), so the baseline pays what the endpoint's TLS pays.
      minVersion: 'TLSv1.2',
      secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
    },
    (socket) => {
      if (mqtt) return void aedes.handle(socket);
      socket.on('error', () => socket.destroy());
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ready: EndpointReady = {
    port: (server.address() as AddressInfo).port,
    tls: { caCertificatePem: ca.caCertificatePem, publishers: credentials, idleFleet: credentials[0]! },
  };
  return {
    ready,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function startTributary(ruleLatenciesMs: number[], publishers: number) {
  let records = 0;
  const rules = new LocalRulesEngine({ logger: silentLogger });
  rules.addRule({
    name: 'bench',
    sql: "SELECT encode(*, 'base64') AS payload, topic() AS topic, clientid() AS clientId, timestamp() AS receivedAt, newuuid() AS correlationId FROM 'dt/tributary/+/telemetry'",
    actions: [
      {
        kind: 'stream',
        streamName: 'bench',
        partitionKey: '${topic(3)}',
        // Reading each record back costs more than the rule itself: one record in 16 is timed.
        put: (record) => {
          if ((++records & 15) !== 0) return;
          const { payload } = record as { payload: string };
          const sentAt = Number(JSON.parse(Buffer.from(payload, 'base64').toString()).sentAt);
          ruleLatenciesMs.push(epochMs() - sentAt);
        },
      },
    ],
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-bench-ingest-'));
  const registry = await LocalRegistry.open(join(dataDir, 'registry.duckdb'));
  const core: LocalIotCore = await startLocalIotCore({
    dataDir,
    registry,
    logger: silentLogger,
    location: { region: 'us-east-1', account: '000000000000' },
    mqttsPort: 0,
    mqttPort: null,
    // Each publisher sends thousands of messages a second over one connection to load the broker; AWS's
    // quota of 100 publishes per connection per second would discard all but 2,000 msg/s of them.
    limits: { maxPublishesPerSecondPerConnection: Infinity },
    controlPlanePort: 0,
    beforeAcknowledge: (packet, clientId) =>
      rules.evaluate(packet.topic, Buffer.from(packet.payload), clientId),
  });
  const credentials = [];
  for (let i = 0; i < publishers; i += 1) {
    const thingName = `bench-${String(i).padStart(3, '0')}`;
    const files = await provisionThing({
      registry,
      ca: core.ca,
      certificates: core.certificates,
      thingName,
      policyName: devicePolicyName,
      outDir: join(dataDir, 'devices'),
    });
    credentials.push({
      certificatePem: await readFile(files.certificatePath, 'utf8'),
      privateKeyPem: await readFile(files.privateKeyPath, 'utf8'),
    });
  }
  await core.policies.createPolicy('bench-idle-fleet', JSON.stringify(idleFleetPolicy));
  const idle = await core.ca.issueDeviceCertificate({ commonName: 'bench idle fleet' });
  await core.certificates.registerCertificate({ certificatePem: idle.certificatePem, status: 'ACTIVE' });
  await core.certificates.attachPolicy('bench-idle-fleet', idle.certificateId);
  const ready: EndpointReady = {
    port: Number(new URL(core.mqttsUrl).port),
    tls: {
      caCertificatePem: core.ca.caCertificatePem,
      publishers: credentials,
      idleFleet: { certificatePem: idle.certificatePem, privateKeyPem: idle.privateKeyPem },
    },
  };
  return {
    ready,
    close: async () => {
      await core.close();
      registry.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function main(mode: EndpointMode, publishers: number): Promise<void> {
  const ruleLatenciesMs: number[] = [];
  let delivered = 0;
  const endpoint =
    mode === 'bare-aedes' || mode === 'bare-aedes-subscribed'
      ? await startBareAedes(mode === 'bare-aedes-subscribed' ? () => (delivered += 1) : undefined)
      : mode === 'tributary'
        ? await startTributary(ruleLatenciesMs, publishers)
        : await startBareAedesTls(publishers, mode === 'bare-aedes-tls');
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      void endpoint.close().then(() => process.exit(0));
      return;
    }
    if (message.gc) globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    const stats: EndpointStats = { rssBytes: rss, heapUsedBytes: heapUsed, ruleLatenciesMs, delivered };
    process.send?.(stats);
    ruleLatenciesMs.length = 0;
  });
  process.send?.(endpoint.ready);
}

await main(process.argv[2] as EndpointMode, Number(process.argv[3]));
