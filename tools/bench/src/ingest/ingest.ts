// `pnpm bench ingest`: sustained QoS 1 publish throughput and publish → rule latency through tributary's
// endpoint, against bare aedes driven by the same clients in the same run (target ≥ 0.8× bare aedes); and
// the endpoint's memory per idle connection with 10,000 devices connected (target ≤ 30 KB).
// Each broker runs in a child process (a core of its own); the clients run here.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { percentile } from '../measure.js';
import type { EndpointMode, EndpointReady, EndpointStats, ParentMessage } from './ingest-endpoint.js';

const endpointScript = fileURLToPath(new URL('./ingest-endpoint.ts', import.meta.url));
const publishers = 20;
/** Unacknowledged publishes a client keeps in flight (AWS allows 100 per connection). */
const inFlightPerClient = 50;
const rounds = 3;
const warmUpMs = 1_000;
const windowMs = 4_000;
const warmConnections = 500;
const idleConnections = 10_000;
const epochMs = () => performance.timeOrigin + performance.now();

export interface Endpoint {
  /** The broker's own process. */
  readonly pid: number;
  readonly port: number;
  readonly tls: EndpointReady['tls'];
  stats(options?: { gc?: boolean }): Promise<EndpointStats>;
  stop(): Promise<void>;
}

export async function startEndpoint(mode: EndpointMode): Promise<Endpoint> {
  const child: ChildProcess = fork(endpointScript, [mode, String(publishers)], {
    execArgv: [
      '--conditions=@tributary/source',
      '--import',
      'tsx',
      '--expose-gc',
      // BENCH_CPU_PROFILE_DIR=dir writes a V8 CPU profile of each broker process there (chrome://inspect).
      ...(process.env.BENCH_CPU_PROFILE_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [EndpointReady];
  if (child.pid === undefined) throw new Error('The broker process has no pid, though it answered.');
  const pid = child.pid;
  const ask = (message: ParentMessage) => child.send(message);
  return {
    pid,
    port: ready.port,
    tls: ready.tls,
    async stats(options = {}) {
      ask({ type: 'stats', gc: options.gc });
      const [stats] = (await once(child, 'message')) as [EndpointStats];
      return stats;
    },
    async stop() {
      ask({ type: 'stop' });
      await once(child, 'exit');
    },
  };
}

type Credentials = { certificatePem: string; privateKeyPem: string };

/** Plain TCP to bare aedes; mutual TLS with the device's certificate to tributary. */
const connect = (endpoint: Endpoint, clientId: string, device?: Credentials): Promise<MqttClient> =>
  mqtt.connectAsync({
    host: '127.0.0.1',
    port: endpoint.port,
    clientId,
    reconnectPeriod: 0,
    keepalive: 0,
    ...(endpoint.tls && device
      ? {
          protocol: 'mqtts',
          ca: endpoint.tls.caCertificatePem,
          cert: device.certificatePem,
          key: device.privateKeyPem,
        }
      : {}),
  });

/** A verified TLS connection with the idle fleet's certificate that speaks no MQTT. */
async function connectTls(endpoint: Endpoint): Promise<{ end(): unknown }> {
  const tlsOptions = endpoint.tls!;
  const socket = tlsConnect({
    host: '127.0.0.1',
    port: endpoint.port,
    ca: tlsOptions.caCertificatePem,
    cert: tlsOptions.idleFleet.certificatePem,
    key: tlsOptions.idleFleet.privateKeyPem,
    checkServerIdentity: () => undefined,
  });
  await once(socket, 'secureConnect');
  return { end: () => socket.destroy() };
}

interface Throughput {
  readonly messagesPerSecond: number;
  /** Publish → PUBACK, seen by the client. */
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  /** Publish → rule action (tributary only). */
  readonly ruleP50Ms?: number;
  readonly ruleP99Ms?: number;
}

/** Publishers connected to one endpoint, each keeping `inFlightPerClient` QoS 1 publishes outstanding while running. */
interface Load {
  /** Runs the publishers for the warm-up and a measured window; resolves with what the window saw. */
  measure(): Promise<{ messagesPerSecond: number; ackLatenciesMs: number[]; ruleLatenciesMs: number[] }>;
  close(): Promise<void>;
}

async function loadOn(endpoint: Endpoint): Promise<Load> {
  const clients = await Promise.all(
    Array.from({ length: publishers }, (_, i) =>
      connect(endpoint, `bench-${String(i).padStart(3, '0')}`, endpoint.tls?.publishers[i]),
    ),
  );
  let sequence = 0;
  return {
    async measure() {
      const ackLatenciesMs: number[] = [];
      let acknowledged = 0;
      let running = true;
      const publishOne = async (client: MqttClient, topic: string): Promise<void> => {
        while (running) {
          sequence += 1;
          const sentAt = epochMs();
          const payload = JSON.stringify({ messageId: `m-${sequence}`, sentAt, metrics: { t: 21.5 } });
          await client.publishAsync(topic, payload, { qos: 1 });
          ackLatenciesMs.push(epochMs() - sentAt);
          acknowledged += 1;
        }
      };
      const loops = clients.flatMap((client, index) => {
        const topic = `dt/tributary/bench-${String(index).padStart(3, '0')}/telemetry`;
        return Array.from({ length: inFlightPerClient }, () => publishOne(client, topic));
      });
      await new Promise((resolve) => setTimeout(resolve, warmUpMs));
      await endpoint.stats(); // drops the warm-up's rule latencies
      ackLatenciesMs.length = 0;
      const ackedBefore = acknowledged;
      const startedAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      const messagesPerSecond = (acknowledged - ackedBefore) / ((performance.now() - startedAt) / 1000);
      const acks = [...ackLatenciesMs];
      const { ruleLatenciesMs } = await endpoint.stats();
      running = false;
      await Promise.all(loops);
      return { messagesPerSecond, ackLatenciesMs: acks, ruleLatenciesMs };
    },
    async close() {
      await Promise.all(clients.map((client) => client.endAsync()));
    },
  };
}

/**
 * Every endpoint runs at once, each broker in its own process; their load windows alternate, round after
 * round, so a burst of noise on this shared machine hits one window of each, not one endpoint's whole run.
 * The rate is the median of an endpoint's windows; latency percentiles pool them.
 */
async function measureThroughputs(
  endpoints: Record<EndpointMode, Endpoint>,
): Promise<Record<EndpointMode, Throughput>> {
  const modes = Object.keys(endpoints) as EndpointMode[];
  const loads = Object.fromEntries(
    await Promise.all(modes.map(async (mode) => [mode, await loadOn(endpoints[mode])] as const)),
  ) as Record<EndpointMode, Load>;
  const windows = Object.fromEntries(
    modes.map((mode) => [mode, [] as Awaited<ReturnType<Load['measure']>>[]]),
  );
  for (let round = 0; round < rounds; round++) {
    for (const mode of modes) windows[mode]!.push(await loads[mode].measure());
  }
  await Promise.all(modes.map((mode) => loads[mode].close()));
  return Object.fromEntries(
    modes.map((mode) => {
      const seen = windows[mode]!;
      const acks = seen.flatMap((w) => w.ackLatenciesMs);
      const rule = seen.flatMap((w) => w.ruleLatenciesMs);
      const throughput: Throughput = {
        messagesPerSecond: percentile(
          seen.map((w) => w.messagesPerSecond),
          50,
        ),
        ackP50Ms: percentile(acks, 50),
        ackP99Ms: percentile(acks, 99),
        ...(rule.length > 0 ? { ruleP50Ms: percentile(rule, 50), ruleP99Ms: percentile(rule, 99) } : {}),
      };
      return [mode, throughput];
    }),
  ) as Record<EndpointMode, Throughput>;
}

/**
 * What one more connected, idle device costs the endpoint: RSS growth over `idleConnections` devices,
 * measured after `warmConnections` are already connected (so caches and pools that fill once are not
 * charged to them) and after a GC on both sides.
 */
async function measureIdleMemory(endpoint: Endpoint, mqttOn = true): Promise<number> {
  const clients: { end(): unknown }[] = [];
  const open = (id: string) =>
    mqttOn
      ? connect(endpoint, id, endpoint.tls?.idleFleet).then((client) => ({
          end: () => client.endAsync(true),
        }))
      : connectTls(endpoint);
  const connectIdle = async (from: number, count: number) => {
    for (let batch = from; batch < from + count; batch += 500) {
      const ids = Array.from(
        { length: Math.min(500, from + count - batch) },
        (_, i) => `idle-${String(batch + i).padStart(5, '0')}`,
      );
      clients.push(...(await Promise.all(ids.map(open))));
    }
  };
  await connectIdle(0, warmConnections);
  const before = await endpoint.stats({ gc: true });
  await connectIdle(warmConnections, idleConnections);
  const after = await endpoint.stats({ gc: true });
  await Promise.all(clients.map((client) => client.end()));
  return (after.rssBytes - before.rssBytes) / idleConnections;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const rate = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en')} msg/s`;

export async function ingest(): Promise<boolean> {
  const modes = ['bare-aedes', 'bare-aedes-tls', 'tributary'] as const;
  const endpoints = Object.fromEntries(
    await Promise.all(modes.map(async (mode) => [mode, await startEndpoint(mode)] as const)),
  ) as Record<EndpointMode, Endpoint>;
  let results: Record<EndpointMode, Throughput>;
  try {
    results = await measureThroughputs(endpoints);
  } finally {
    await Promise.all(modes.map((mode) => endpoints[mode].stop()));
  }
  const memory: Partial<Record<EndpointMode, number>> = {};
  for (const mode of ['node-tls', 'bare-aedes-tls', 'tributary'] as const) {
    const endpoint = await startEndpoint(mode);
    try {
      memory[mode] = await measureIdleMemory(endpoint, mode !== 'node-tls');
    } finally {
      await endpoint.stop();
    }
  }
  const perConnection = memory.tributary!;
  const bare = results['bare-aedes'];
  const bareTls = results['bare-aedes-tls'];
  const ours = results.tributary;
  const ratio = ours.messagesPerSecond / bare.messagesPerSecond;
  const ratioTls = ours.messagesPerSecond / bareTls.messagesPerSecond;
  console.log(
    `ingest: ${publishers} mqtt.js publishers × ${inFlightPerClient} QoS 1 in flight per endpoint; ${rounds} rounds of ` +
      `${warmUpMs / 1000} s warm-up + ${windowMs / 1000} s measured, endpoints alternating; each broker in its own process`,
  );
  console.log(
    '  tributary: mutual TLS (EC P-256), IoT policy checks and the rules engine before every PUBACK',
  );
  const ms = (value: number | undefined) => `${(value ?? Number.NaN).toFixed(1)} ms`;
  console.log(
    `  baseline bare aedes, plain TCP:   ${rate(bare.messagesPerSecond)}; publish → PUBACK p50 ${ms(bare.ackP50Ms)}, p99 ${ms(bare.ackP99Ms)}`,
  );
  console.log(
    `  baseline bare aedes, same mTLS:   ${rate(bareTls.messagesPerSecond)} (${(bareTls.messagesPerSecond / bare.messagesPerSecond).toFixed(2)}× plain: ` +
      `what TLS alone costs, clients included); publish → PUBACK p50 ${ms(bareTls.ackP50Ms)}, p99 ${ms(bareTls.ackP99Ms)}`,
  );
  console.log(
    `  tributary endpoint:               ${rate(ours.messagesPerSecond)} = ${ratio.toFixed(2)}× bare aedes, ` +
      `${ratioTls.toFixed(2)}× bare aedes over the same mTLS  target ≥ 0.80×  ${ratio >= 0.8 ? 'ok' : 'MISSED'}`,
  );
  console.log(
    `    publish → PUBACK p50 ${ms(ours.ackP50Ms)}, p99 ${ms(ours.ackP99Ms)}; publish → rule p50 ${ms(ours.ruleP50Ms)}, p99 ${ms(ours.ruleP99Ms)}`,
  );
  console.log(
    `  idle connections: ${kb(perConnection)} of endpoint memory per connected device ` +
      `(${idleConnections.toLocaleString('en')} more after ${warmConnections.toLocaleString('en')}); bare aedes over the same mTLS: ` +
      `${kb(memory['bare-aedes-tls']!)}  target ≤ 30 KB  ${perConnection <= 30 * 1024 ? 'ok' : 'MISSED'}`,
  );
  console.log(
    `    the floor: Node's TLS server with the same settings holding verified sockets, no MQTT: ${kb(memory['node-tls']!)} per connection`,
  );
  return ratio >= 0.8 && perConnection <= 30 * 1024;
}
