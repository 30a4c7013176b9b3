// Test helper: runs the real `tributary` CLI as a child process and reads what it prints.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

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
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!/Ctrl-C stops everything/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tributary start did not come up:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const mqttUrl = /mqtt:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
  const mqttsUrl = /mqtts:\/\/127\.0\.0\.1:\d+/.exec(output)?.[0];
  const dashboardUrl = /Dashboard\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  if (!mqttUrl || !mqttsUrl || !dashboardUrl) throw new Error(`tributary start printed no URLs:\n${output}`);
  return {
    child,
    mqttUrl,
    mqttsUrl,
    dashboardUrl,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** `--…-port 0` for every listener, so tests never collide on the defaults. */
export const anyFreePorts = ['--mqtt-port', '0', '--mqtts-port', '0', '--iot-port', '0', '--http-port', '0'];

/** Rows of one query through the running platform's SQL API. */
export async function sqlOver<T = Record<string, unknown>>(
  dashboardUrl: string,
  query: string,
): Promise<T[]> {
  const response = await fetch(`${dashboardUrl}/api/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: query }),
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
