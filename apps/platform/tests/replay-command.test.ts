// `tributary replay --from`: the stream's retained records delivered again at the next start, through
// Transform into the lake — a lake that lost its files is rebuilt from the stream, and a replay over rows the
// lake still holds adds none twice.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantOf } from '../src/cli/replay-command.js';
import { anyFreePorts, runCli, sqlOver, startPlatformProcess } from './platform-process.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tributary-replay-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const startPlatform = () => startPlatformProcess(['--data-dir', dataDir, ...anyFreePorts, '--devices', '0']);

/** Rows of `replayed-1` in the lake, once the stream has nothing left to deliver. */
async function settledRowsOf(dashboardUrl: string): Promise<number> {
  await expect
    .poll(
      async () =>
        ((await (await fetch(`${dashboardUrl}/api/status`)).json()) as { streamDepth: number }).streamDepth,
      { timeout: 30_000 },
    )
    .toBe(0);
  // The lake flushes every 0.5 s after the stream hands it the rows.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const [row] = await sqlOver<{ n: number }>(
    dashboardUrl,
    "SELECT count(*)::INTEGER AS n FROM telemetry WHERE thing_name = 'replayed-1'",
  );
  return row?.n ?? 0;
}

describe('tributary replay', () => {
  it('rebuilds lost lake files from the stream at the next start, and never writes a row twice', async () => {
    let platform = await startPlatform();
    const client = await mqtt.connectAsync(platform.mqttUrl, { clientId: 'replayed-1', reconnectPeriod: 0 });
    for (const messageId of ['m1', 'm2', 'm3']) {
      await client.publishAsync(
        'dt/tributary/replayed-1/telemetry',
        JSON.stringify({ messageId, metrics: { temperature: 20 } }),
        { qos: 1 },
      );
    }
    await client.endAsync();
    expect(await settledRowsOf(platform.dashboardUrl)).toBe(3);
    expect(await platform.stop()).toBe(0);

    await rm(join(dataDir, 'lake', 'telemetry'), { recursive: true, force: true });
    const replayed = await runCli(['replay', '--from', '10m', '--data-dir', dataDir]);
    expect(replayed.stdout).toMatch(
      /^3 records from \S+ on will be delivered again at the next `tributary start`/,
    );

    platform = await startPlatform();
    try {
      expect(await settledRowsOf(platform.dashboardUrl)).toBe(3);
    } finally {
      expect(await platform.stop()).toBe(0);
    }

    await runCli(['replay', '--from', '10m', '--data-dir', dataDir]);
    platform = await startPlatform();
    try {
      expect(await settledRowsOf(platform.dashboardUrl)).toBe(3);
    } finally {
      expect(await platform.stop()).toBe(0);
    }
  }, 180_000);

  it('refuses while a platform runs on the data directory, which holds the stream', async () => {
    const running = await mkdtemp(join(tmpdir(), 'tributary-replay-running-'));
    try {
      await writeFile(join(running, 'endpoints.json'), JSON.stringify({ pid: process.pid }));
      await expect(runCli(['replay', '--from', '1h', '--data-dir', running])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('holds the stream: stop it, replay, then start it again'),
      });
    } finally {
      await rm(running, { recursive: true, force: true });
    }
  });

  it('reads --from as an ISO-8601 time or how long ago, and nothing else', () => {
    const now = Date.UTC(2026, 11, 6, 9);
    expect(instantOf('2026-12-06T08:00:00Z', now)).toBe(Date.UTC(2026, 11, 6, 8));
    expect(instantOf('30m', now)).toBe(now - 30 * 60_000);
    expect(instantOf('2h', now)).toBe(now - 2 * 3_600_000);
    for (const unreadable of ['30', '0s', 'yesterday', '2026-13-45', ''])
      expect(instantOf(unreadable, now)).toBeUndefined();
  });
});
