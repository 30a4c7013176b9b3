// Test helper: runs the real `tributary` CLI as a child process and reads what it prints.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect } from 'vitest';

const cli = fileURLToPath(new URL('../bin/tributary.mjs', import.meta.url));

export interface StartedPlatform {
  readonly child: ChildProcess;
  readonly mqttUrl: string;
  readonly mqttsUrl: string;
  readonly dashboardUrl: string;
  output(): string;
  stop(): Promise<number | null>;
}

export async function startPlatformProcess(args: string[], timeoutMs = 60_000): Promise<StartedPlatform> {
  const child = spawn(process.execPath, [cli, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = captureOutput(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await untilStarted(child, output.text, timeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    child,
    ...urlsPrintedIn(output.text()),
    output: output.text,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * `tributary start` in a process group of its own, so that `kill()` SIGKILLs the CLI and the platform
 * process it runs at once — at any moment, also while it starts (`started` then rejects).
 */
export interface KillablePlatform {
  readonly child: ChildProcess;
  /** Resolves once the platform printed that it runs; rejects if it exited (or was killed) first. */
  readonly started: Promise<void>;
  output(): string;
  /** SIGKILL to the whole group; resolves once the CLI process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, as Ctrl-C: resolves with the exit code once the platform stopped cleanly. */
  stop(): Promise<number | null>;
}

export function spawnKillablePlatform(args: string[], timeoutMs = 60_000): KillablePlatform {
  const child = spawn(process.execPath, [cli, 'start', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = captureOutput(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    if (child.pid === undefined) return false; // never ran (and -0 would be our own group)
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      return false; // the group is gone
    }
  };
  const started = untilStarted(child, output.text, timeoutMs);
  started.catch(() => undefined); // a kill while starting is expected; callers that care await it
  return {
    child,
    started,
    output: output.text,
    async kill() {
      signalGroup('SIGKILL');
      await exited;
      // The platform process dies with the CLI; give the kernel a moment to close its sockets and files.
      // An unreaped zombie still answers signal 0, hence the cap rather than waiting for ESRCH forever.
      const deadline = Date.now() + 2_000;
      while (signalGroup(0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    },
    async stop() {
      // To the CLI only: it forwards SIGTERM once, and a second one would skip the platform's clean stop.
      child.kill('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** `count` distinct ports free on 127.0.0.1 now, to pass as fixed ports that survive restarts. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function captureOutput(child: ChildProcess): { text: () => string } {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { text: () => output };
}

async function untilStarted(child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!/Ctrl-C stops everything/.test(output())) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      throw new Error(`tributary start did not come up:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function urlsPrintedIn(output: string): Pick<StartedPlatform, 'mqttUrl' | 'mqttsUrl' | 'dashboardUrl'> {
  const mqttUrl = /mqtt:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
  const mqttsUrl = /mqtts:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
  const dashboardUrl = /Dashboard\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  if (!mqttUrl || !mqttsUrl || !dashboardUrl) throw new Error(`tributary start printed no URLs:\n${output}`);
  return { mqttUrl, mqttsUrl, dashboardUrl };
}

/** `--…-port 0` for every listener, so tests never collide on the defaults. */
export const anyFreePorts = ['--mqtt-port', '0', '--mqtts-port', '0', '--iot-port', '0', '--http-port', '0'];

/** Rows of one query through the running platform's SQL API; `params` fill its `?` placeholders. */
export async function sqlOver<T = Record<string, unknown>>(
  dashboardUrl: string,
  query: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  const response = await fetch(`${dashboardUrl}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params.length > 0 ? { sql: query, params } : { sql: query }),
  });
  const body = (await response.json()) as { rows?: T[]; error?: { message: string } };
  if (!response.ok || !body.rows) throw new Error(`query failed: ${body.error?.message ?? response.status}`);
  return body.rows;
}

/** The first value `probe` gives (not undefined, not thrown) within the time. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function runCli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [cli, ...args], { timeout: 60_000 });
}

/**
 * Starts a platform (no simulated devices, free ports, a fresh data directory) before a test file's tests
 * and stops it after them, checking it exits cleanly; its fields are set once the tests run.
 */
export function usePlatformProcess(name: string): {
  readonly dataDir: string;
  readonly platform: StartedPlatform;
} {
  const running = {} as { dataDir: string; platform: StartedPlatform };
  beforeAll(async () => {
    running.dataDir = await mkdtemp(join(tmpdir(), `tributary-${name}-`));
    running.platform = await startPlatformProcess([
      '--data-dir',
      running.dataDir,
      ...anyFreePorts,
      '--devices',
      '0',
    ]);
  }, 60_000);
  afterAll(async () => {
    const code = await running.platform?.stop();
    await rm(running.dataDir, { recursive: true, force: true });
    expect(code).toBe(0);
  });
  return running;
}

/**
 * Connects over mutual TLS as a thing `tributary thing create … --out deviceDir` onboarded: its certificate
 * and key, the platform's root CA, and its thing name as client id.
 */
export async function connectAsThing(
  mqttsUrl: string,
  deviceDir: string,
  thingName: string,
): Promise<MqttClient> {
  return mqtt.connectAsync(mqttsUrl, {
    clientId: thingName,
    ca: await readFile(join(deviceDir, 'root-CA.pem')),
    cert: await readFile(join(deviceDir, `${thingName}.cert.pem`)),
    key: await readFile(join(deviceDir, `${thingName}.private.key`)),
    rejectUnauthorized: true,
  });
}
