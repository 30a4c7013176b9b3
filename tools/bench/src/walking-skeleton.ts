// `pnpm bench walking-skeleton`: the foundation issue's two latency targets, measured the way a user
// meets them — the real CLI started on a fresh data directory, telemetry published over a real socket.
//   1. time from `tributary start` to the first enriched reading in SQL (target ≤ 10 s), against the
//      baseline of the CLI's own cold start (`tributary help`: Node + TypeScript loader, no platform);
//   2. time from a publish to the reading being queryable (target ≤ 2 s), against the baseline of the
//      same publish reaching a plain MQTT subscriber on the same broker.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { formatComparison, formatDuration, meetsTarget, summarize, type Comparison } from './measure.js';

const cli = fileURLToPath(new URL('../../../apps/platform/bin/tributary.mjs', import.meta.url));
const publishes = 20;
const run = promisify(execFile);

export async function walkingSkeleton(): Promise<boolean> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-bench-'));
  const coldStartMs = await timed(() => run(process.execPath, [cli, 'help']));
  const startedAt = performance.now();
  const platform = await startCli(dataDir);
  try {
    await until(async () => (await countOf(platform.dashboardUrl, 'site IS NOT NULL')) > 0, 30_000);
    const firstQueryMs = performance.now() - startedAt;
    const latency = await publishToQueryable(platform);
    const comparisons: Comparison[] = [
      {
        label: 'start → first enriched reading in SQL',
        valueMs: firstQueryMs,
        baselineMs: coldStartMs,
        targetMs: 10_000,
      },
      {
        label: `${latency.publisher} → queryable, p50 of ${publishes}`,
        valueMs: latency.queryable.p50,
        baselineMs: latency.delivered.p50,
        targetMs: 2_000,
      },
      {
        label: `${latency.publisher} → queryable, p95 of ${publishes}`,
        valueMs: latency.queryable.p95,
        baselineMs: latency.delivered.p95,
        targetMs: 2_000,
      },
    ];
    console.log('walking-skeleton: the real CLI on a fresh data directory, 5 simulated devices');
    console.log(
      `  baselines: CLI cold start (tributary help) ${formatDuration(coldStartMs)}; ` +
        `${latency.publisher} → MQTT subscriber p50 ${formatDuration(latency.delivered.p50)}, p95 ${formatDuration(latency.delivered.p95)}`,
    );
    for (const comparison of comparisons) console.log(`  ${formatComparison(comparison)}`);
    return comparisons.every(meetsTarget);
  } finally {
    await platform.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface CliPlatform {
  readonly mqttUrl: string;
  readonly dashboardUrl: string;
  stop(): Promise<void>;
}

async function startCli(dataDir: string): Promise<CliPlatform> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      cli,
      'start',
      '--data-dir',
      dataDir,
      '--mqtt-port',
      '0',
      '--mqtts-port',
      '0',
      '--iot-port',
      '0',
      '--http-port',
      '0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    await until(async () => /Ctrl-C stops everything/.test(output) || child.exitCode !== null, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const mqttUrl = /mqtt:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
  const dashboardUrl = /Dashboard\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  if (!mqttUrl || !dashboardUrl) {
    await stop();
    throw new Error(`tributary start did not come up:\n${output}`);
  }
  return { mqttUrl, dashboardUrl, stop };
}

async function publishToQueryable(platform: CliPlatform) {
  const port = new URL(platform.mqttUrl).port;
  const hasMosquittoPub = await run('mosquitto_pub', ['--help']).then(
    () => true,
    (error: { code?: unknown }) => typeof error.code === 'number',
  );
  const publisher = hasMosquittoPub ? 'mosquitto_pub' : 'mqtt.js (no mosquitto_pub here)';
  const subscriber = await mqtt.connectAsync(platform.mqttUrl, { clientId: 'bench-subscriber' });
  await subscriber.subscribeAsync('dt/tributary/+/telemetry', { qos: 1 });
  const delivered: number[] = [];
  const queryable: number[] = [];
  try {
    for (let i = 0; i < publishes; i += 1) {
      const thing = `bench-${process.pid}-${i}`;
      const topic = `dt/tributary/${thing}/telemetry`;
      const payload = JSON.stringify({ messageId: `m${i}`, metrics: { temperature: 20 + i } });
      const received = new Promise<number>((resolve) =>
        subscriber.on('message', (t) => t === topic && resolve(performance.now())),
      );
      const publishedAt = performance.now();
      await (hasMosquittoPub
        ? run('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-q', '1', '-t', topic, '-m', payload])
        : publishWithMqttJs(platform.mqttUrl, topic, payload));
      await until(
        async () => (await countOf(platform.dashboardUrl, `thing_name = '${thing}'`)) > 0,
        10_000,
        10,
      );
      queryable.push(performance.now() - publishedAt);
      delivered.push((await received) - publishedAt);
      subscriber.removeAllListeners('message');
    }
  } finally {
    await subscriber.endAsync();
  }
  return { publisher, delivered: summarize(delivered), queryable: summarize(queryable) };
}

async function publishWithMqttJs(url: string, topic: string, payload: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId: `bench-publisher-${process.pid}` });
  await client.publishAsync(topic, payload, { qos: 1 });
  await client.endAsync();
}

async function countOf(dashboardUrl: string, where: string): Promise<number> {
  const response = await fetch(`${dashboardUrl}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: dashboardUrl },
    body: JSON.stringify({ sql: `SELECT count(*)::INTEGER AS n FROM telemetry WHERE ${where}` }),
  });
  if (!response.ok) throw new Error(`query failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { rows: { n: number }[] };
  return body.rows[0]?.n ?? 0;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await action();
  return performance.now() - startedAt;
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, pollMs = 50): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (performance.now() > deadline) throw new Error(`not within ${formatDuration(timeoutMs)}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
