// The platform under benchmark: the real `tributary start` CLI on a fresh data directory with every port
// picked free and no simulated devices of its own, so the bench's fleet is all the load it sees. It runs
// in a process of its own, with the node flags bin/tributary.mjs runs it with, so its memory is its own.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnvironment, cliNodeFlags } from '@tributary/platform/node-flags';

const cliMain = fileURLToPath(new URL('../../../../apps/platform/src/cli/main.ts', import.meta.url));
const startTimeoutMs = 60_000;
/** A stop drains the batch in flight into the lake; past this the process is killed (its directory is deleted anyway). */
const stopTimeoutMs = 15_000;

export interface PlatformProcess {
  /** The platform's own process (not the CLI wrapper that spawned it). */
  readonly pid: number;
  readonly mqttsUrl: string;
  /** The plain development listener: no certificate, no policies. */
  readonly mqttUrl: string;
  readonly iotApiUrl: string;
  readonly dashboardUrl: string;
  readonly caCertificatePem: string;
  /** Where its Parquet lake is (`<data dir>/lake`). */
  readonly lakeDir: string;
  /** Rows of one SQL query through the platform's SQL API (POST /api/query). */
  query<Row = Record<string, unknown>>(sql: string): Promise<Row[]>;
  /** The same, with how long the platform says the query ran (its elapsedMs: planning and execution). */
  timedQuery<Row = Record<string, unknown>>(sql: string): Promise<{ rows: Row[]; elapsedMs: number }>;
  /** Records acknowledged but not yet in the lake's files: the stream's depth and the lake writer's buffer. */
  recordsInFlight(): Promise<number>;
  /** What the platform printed (its warnings and errors go to stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** What a running platform writes to <dataDir>/endpoints.json (apps/platform start-platform.ts). */
interface EndpointsFile {
  readonly pid: number;
  readonly mqttsUrl: string;
  readonly mqttUrl: string;
  readonly iotApiUrl: string;
  readonly dashboardUrl: string;
  readonly rootCaPath: string;
}

/** Starts `tributary start` on a fresh data directory, with free ports and `platformArgs` besides. */
export async function startPlatformProcess(platformArgs: readonly string[] = []): Promise<PlatformProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-bench-e2e-'));
  const ports = ['--mqtt-port', '--mqtts-port', '--iot-port', '--http-port'].flatMap((o) => [o, '0']);
  const node = [
    ...cliNodeFlags,
    // BENCH_CPU_PROFILE_DIR=dir writes a V8 CPU profile of the platform there when it stops.
    ...(process.env.BENCH_CPU_PROFILE_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`]
      : []),
  ];
  const child = spawn(
    process.execPath,
    [...node, cliMain, 'start', '--data-dir', dataDir, '--devices', '0', ...ports, ...platformArgs],
    { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnvironment() },
  );
  let output = '';
  // The tail is what explains a failure; a long run's warnings must not grow the bench's memory.
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-64 * 1024));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });

  const deadline = Date.now() + startTimeoutMs;
  while (!/Ctrl-C stops everything/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      await removeDataDir();
      const why =
        child.exitCode === null ? `within ${startTimeoutMs / 1000} s` : `(exit code ${child.exitCode})`;
      throw new Error(`tributary start did not come up ${why}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const endpoints = JSON.parse(await readFile(join(dataDir, 'endpoints.json'), 'utf8')) as EndpointsFile;
  return {
    pid: endpoints.pid,
    mqttsUrl: endpoints.mqttsUrl,
    mqttUrl: endpoints.mqttUrl,
    iotApiUrl: endpoints.iotApiUrl,
    dashboardUrl: endpoints.dashboardUrl,
    caCertificatePem: await readFile(endpoints.rootCaPath, 'utf8'),
    lakeDir: join(dataDir, 'lake'),
    async query<Row>(sql: string) {
      return (await queryOver<Row>(endpoints.dashboardUrl, sql)).rows;
    },
    timedQuery: (sql) => queryOver(endpoints.dashboardUrl, sql),
    async recordsInFlight() {
      const status = (await (await fetch(`${endpoints.dashboardUrl}/api/status`)).json()) as {
        streamDepth: number;
        lake: { bufferedRows: number };
      };
      return status.streamDepth + status.lake.bufferedRows;
    },
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
      await removeDataDir();
    },
  };
}

async function queryOver<Row>(
  dashboardUrl: string,
  sql: string,
): Promise<{ rows: Row[]; elapsedMs: number }> {
  const response = await fetch(`${dashboardUrl}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: dashboardUrl },
    body: JSON.stringify({ sql }),
  });
  const body = (await response.json()) as { rows?: Row[]; elapsedMs?: number; error?: { message: string } };
  if (!response.ok || !body.rows) {
    throw new Error(`SQL API refused "${sql}": ${body.error?.message ?? response.status}`);
  }
  return { rows: body.rows, elapsedMs: body.elapsedMs ?? 0 };
}
