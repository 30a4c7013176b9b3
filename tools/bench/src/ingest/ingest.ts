// `pnpm bench ingest`: sustained QoS 1 publish throughput and publish → rule latency through tributary's
// endpoint, against bare aedes driven by the same clients in the same run (target ≥ 0.8× bare aedes); and
// the endpoint's memory per idle connection with 10,000 devices connected (target ≤ 30 KB).
// Each broker runs in a child process (a core of its own); the clients run here.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { percentile } from '../measure.js';
import type { EndpointMode, EndpointReady, EndpointStats, ParentMessage } from './ingest-endpoint.js';

const endpointScript = fileURLToPath(new URL('./ingest-endpoint.ts', import.meta.url));
const publishers = 20;
/** Unacknowledged publishes a client keeps in flight (AWS allows 100 per connection). */
const inFlightPerClient = 50;
const warmUpMs = 2_000;
const measureMs = 10_000;
const idleConnections = 10_000;
const epochMs = () => performance.timeOrigin + performance.now();

interface Endpoint {
  readonly port: number;
  readonly tls: EndpointReady['tls'];
  stats(options?: { gc?: boolean }): Promise<EndpointStats>;
  stop(): Promise<void>;
}

async function startEndpoint(mode: EndpointMode): Promise<Endpoint> {
  const child: ChildProcess = fork(endpointScript, [mode, String(publishers)], {
    execArgv: ['--conditions=@tributary/source', '--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [EndpointReady];
  const ask = (message: ParentMessage) => child.send(message);
  return {
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

interface Throughput {
  readonly messagesPerSecond: number;
  /** Publish → PUBACK, seen by the client. */
  readonly ackP50Ms: number;
  readonly ackP99Ms: number;
  /** Publish → rule action (tributary only). */
  readonly ruleP50Ms?: number;
  readonly ruleP99Ms?: number;
}

/** Every publisher keeps `inFlightPerClient` QoS 1 publishes outstanding; counts PUBACKs in the window. */
async function measureThroughput(endpoint: Endpoint): Promise<Throughput> {
  const clients = await Promise.all(
    Array.from({ length: publishers }, (_, i) =>
      connect(endpoint, `bench-${String(i).padStart(3, '0')}`, endpoint.tls?.publishers[i]),
    ),
  );
  const ackLatencies: number[] = [];
  let acknowledged = 0;
  let running = true;
  const publishLoops = clients.map(async (client, index) => {
    const topic = `dt/tributary/bench-${String(index).padStart(3, '0')}/telemetry`;
    let sequence = 0;
    const publishOne = async (): Promise<void> => {
      while (running) {
        sequence += 1;
        const sentAt = epochMs();
        const payload = JSON.stringify({ messageId: `m-${sequence}`, sentAt, metrics: { t: 21.5 } });
        await client.publishAsync(topic, payload, { qos: 1 });
        ackLatencies.push(epochMs() - sentAt);
        acknowledged += 1;
      }
    };
    await Promise.all(Array.from({ length: inFlightPerClient }, publishOne));
  });
  await new Promise((resolve) => setTimeout(resolve, warmUpMs));
  await endpoint.stats(); // drops the warm-up's latencies
  ackLatencies.length = 0;
  const ackedBefore = acknowledged;
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, measureMs));
  const ackedInWindow = acknowledged - ackedBefore;
  const elapsedS = (performance.now() - startedAt) / 1000;
  const acks = [...ackLatencies];
  const rule = (await endpoint.stats()).ruleLatenciesMs;
  running = false;
  await Promise.all(publishLoops);
  await Promise.all(clients.map((client) => client.endAsync()));
  return {
    messagesPerSecond: ackedInWindow / elapsedS,
    ackP50Ms: percentile(acks, 50),
    ackP99Ms: percentile(acks, 99),
    ...(rule.length > 0 ? { ruleP50Ms: percentile(rule, 50), ruleP99Ms: percentile(rule, 99) } : {}),
  };
}

/** RSS growth of the endpoint per connected, idle device, after a GC on both sides of the measurement. */
async function measureIdleMemory(endpoint: Endpoint): Promise<number> {
  const before = await endpoint.stats({ gc: true });
  const clients: MqttClient[] = [];
  for (let batch = 0; batch < idleConnections; batch += 500) {
    const ids = Array.from({ length: 500 }, (_, i) => `idle-${String(batch + i).padStart(5, '0')}`);
    clients.push(...(await Promise.all(ids.map((id) => connect(endpoint, id, endpoint.tls?.idleFleet)))));
  }
  const after = await endpoint.stats({ gc: true });
  await Promise.all(clients.map((client) => client.endAsync(true)));
  return (after.rssBytes - before.rssBytes) / idleConnections;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const rate = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en')} msg/s`;

export async function ingest(): Promise<boolean> {
  const results = {} as Record<EndpointMode, Throughput>;
  for (const mode of ['bare-aedes', 'bare-aedes-tls', 'tributary'] as const) {
    const endpoint = await startEndpoint(mode);
    try {
      results[mode] = await measureThroughput(endpoint);
    } finally {
      await endpoint.stop();
    }
  }
  const endpoint = await startEndpoint('tributary');
  let perConnection: number;
  try {
    perConnection = await measureIdleMemory(endpoint);
  } finally {
    await endpoint.stop();
  }
  const bare = results['bare-aedes'];
  const bareTls = results['bare-aedes-tls'];
  const ours = results.tributary;
  const ratio = ours.messagesPerSecond / bare.messagesPerSecond;
  console.log(
    `ingest: ${publishers} mqtt.js publishers × ${inFlightPerClient} QoS 1 in flight, ${measureMs / 1000} s after a ` +
      `${warmUpMs / 1000} s warm-up; each broker in its own process`,
  );
  console.log(
    '  tributary: mutual TLS (EC P-256), IoT policy checks and the rules engine before every PUBACK; bare aedes: plain TCP',
  );
  const ms = (value: number | undefined) => `${(value ?? Number.NaN).toFixed(1)} ms`;
  console.log(
    `  baseline bare aedes: ${rate(bare.messagesPerSecond)}; publish → PUBACK p50 ${ms(bare.ackP50Ms)}, p99 ${ms(bare.ackP99Ms)}`,
  );
  console.log(
    `  bare aedes over mTLS: ${rate(bareTls.messagesPerSecond)} = ${(bareTls.messagesPerSecond / bare.messagesPerSecond).toFixed(2)}× bare aedes ` +
      `(what TLS alone costs, clients included); publish → PUBACK p99 ${ms(bareTls.ackP99Ms)}`,
  );
  console.log(
    `  tributary endpoint:  ${rate(ours.messagesPerSecond)} = ${ratio.toFixed(2)}× bare aedes  target ≥ 0.80×  ` +
      `${ratio >= 0.8 ? 'ok' : 'MISSED'} (${(ours.messagesPerSecond / bareTls.messagesPerSecond).toFixed(2)}× bare aedes over mTLS)`,
  );
  console.log(
    `    publish → PUBACK p50 ${ms(ours.ackP50Ms)}, p99 ${ms(ours.ackP99Ms)} ` +
      `(${(ours.ackP99Ms / bare.ackP99Ms).toFixed(2)}× bare p99); publish → rule p50 ${ms(ours.ruleP50Ms)}, p99 ${ms(ours.ruleP99Ms)}`,
  );
  console.log(
    `  idle connections:    ${kb(perConnection)} of endpoint memory per connected device (${idleConnections.toLocaleString('en')} ` +
      `connected)  target ≤ 30 KB  ${perConnection <= 30 * 1024 ? 'ok' : 'MISSED'}`,
  );
  return ratio >= 0.8 && perConnection <= 30 * 1024;
}
