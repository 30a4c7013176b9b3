// `tributary simulate` against a real `tributary start`: the fleet is onboarded through the IoT API,
// publishes over mutual TLS as its own things, and its readings land in the lake with their enrichment.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, runCli, sqlOver, usePlatformProcess } from './platform-process.js';

const running = usePlatformProcess('simulate');

const sql = <T = Record<string, unknown>>(query: string): Promise<T[]> =>
  sqlOver<T>(running.platform.dashboardUrl, query);

describe('tributary simulate', () => {
  it('runs a fleet for its duration over mutual TLS, and its readings reach the lake', async () => {
    const labelsPath = join(running.dataDir, 'labels.json');
    const args = [
      'simulate',
      '--devices',
      '5',
      '--rate',
      '20',
      '--duration',
      '3s',
      '--data-dir',
      running.dataDir,
    ];
    const { stdout } = await runCli([...args, '--labels', labelsPath]);

    expect(stdout).toMatch(/Simulated 5 devices \(seed 1, 5 newly onboarded\)/);
    const acknowledged = Number(/(\d+) acknowledged, 0 failed/.exec(stdout)?.[1]);
    expect(acknowledged).toBeGreaterThanOrEqual(55); // 20 a second for 3 s
    // Exit 0 (runCli rejects otherwise) and the one-line verdict last.
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(
      new RegExp(
        `^simulate ok: sent \\d+ readings \\(\\d+ messages\\), acknowledged ${acknowledged}, failed 0, held back 0, reconnects 0, rate [\\d.]+/s of 20/s target$`,
      ),
    );
    expect(JSON.parse(await readFile(labelsPath, 'utf8'))).toBeTypeOf('object');
    expect(
      (await readdir(join(running.dataDir, 'simulate'))).filter((f) => f.endsWith('.cert.pem')),
    ).toHaveLength(5);

    const things = await eventually(async () => {
      const rows = await sql<{ thing_name: string; site: string; thing_type: string; readings: number }>(
        "SELECT thing_name, any_value(site) AS site, any_value(thing_type) AS thing_type, count(DISTINCT message_id)::INT AS readings FROM telemetry WHERE thing_name LIKE 'sim-1-%' GROUP BY thing_name ORDER BY thing_name",
      );
      const landed = rows.reduce((sum, row) => sum + row.readings, 0);
      return landed >= acknowledged ? rows : undefined;
    }, 20_000);
    expect(things.map((row) => row.thing_name)).toEqual([
      'sim-1-0001',
      'sim-1-0002',
      'sim-1-0003',
      'sim-1-0004',
      'sim-1-0005',
    ]);
    expect(things[0]).toMatchObject({ site: 'plant-north', thing_type: 'environment-sensor' });
  }, 40_000);

  it('reuses the certificates of a fleet it onboarded before', async () => {
    const { stdout } = await runCli([
      'simulate',
      '--devices',
      '5',
      '--rate',
      '10',
      '--duration',
      '1',
      '--data-dir',
      running.dataDir,
    ]);
    expect(stdout).toMatch(/Simulated 5 devices \(seed 1, 0 newly onboarded\)/);
  }, 30_000);

  it('refuses clearly when no platform runs on the data directory', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'tributary-simulate-none-'));
    try {
      await expect(runCli(['simulate', '--duration', '1s', '--data-dir', empty])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('No platform is running'),
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  // Every refusal is unit-tested in simulate-settings.test.ts; these check the CLI prints it and exits 2.
  it.each([
    [['--duration', '5x'], '--duration takes 30s, 5m, 1h or seconds (got 5x)'],
    [['--rate', '0'], '--rate needs readings a second above 0, e.g. 20 or 0.5 (got 0)'],
    [['--devices', 'abc'], '--devices needs a whole number of at least 1 (got abc)'],
    [['--devices', '1', '--rate', '5000'], 'AWS IoT Core allows 100 per connection'],
  ])('refuses %j with exit 2, saying what it takes', async (options, message) => {
    await expect(runCli(['simulate', ...options, '--data-dir', running.dataDir])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(message),
    });
  });
});
