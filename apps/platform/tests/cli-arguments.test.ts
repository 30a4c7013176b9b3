// The CLI's arguments as a user types them, through `pnpm <script> -- …` or directly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aReading } from '@tributary/contracts/testing';
import { LakeWriter } from '@tributary/store/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './platform-process.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tributary-cli-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('tributary arguments', () => {
  it('takes options after the `--` that `pnpm <script> --` passes on', async () => {
    const { stdout } = await runCli([
      'query',
      '--',
      'SELECT 41 + 1 AS answer',
      '--data-dir',
      dataDir,
      '--format',
      'json',
    ]);
    expect(JSON.parse(stdout)).toEqual([{ answer: 42 }]);
  });

  it('refuses a query over --scan-limit before running it, and says what it would have scanned', async () => {
    const writer = await LakeWriter.open({ lakeDir: join(dataDir, 'lake') });
    writer.append('telemetry', [aReading()]);
    await writer.close();
    const all = await runCli(['query', 'SELECT * FROM telemetry', '--data-dir', dataDir]);
    expect(all.stdout).toMatch(/\(1 row\) — [\d.]+ KiB scanned/);
    await expect(
      runCli(['query', 'SELECT * FROM telemetry', '--data-dir', dataDir, '--scan-limit', '1KB']),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /the query would scan [\d.]+ KiB \(\d+ bytes\), over the per-query limit of 1 KiB \(1024 bytes\), so it was not run/,
      ),
    });
    await expect(
      runCli(['query', 'SELECT 1', '--data-dir', dataDir, '--scan-limit', 'lots']),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('"lots" is not a size in bytes') });
  });

  it('refuses a stray argument instead of ignoring it', async () => {
    await expect(runCli(['start', 'now', '--data-dir', dataDir])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('takes no argument "now"'),
    });
  });

  it('refuses a --remembered-keys that is not a whole number of keys, naming the option', async () => {
    await expect(runCli(['start', '--data-dir', dataDir, '--remembered-keys', '8M'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/Invalid option:.*rememberedKeys/),
    });
  });

  it('refuses an unknown option, naming it', async () => {
    await expect(runCli(['start', '--http-prot', '8181'])).rejects.toMatchObject({
      stderr: expect.stringContaining('--http-prot'),
    });
  });

  it("refuses another command's option instead of ignoring it, and says what the command takes", async () => {
    await expect(runCli(['start', '--data-dir', dataDir, '--rate', '5'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /tributary start does not take --rate: it takes --data-dir, .*--mqtt-profile/,
      ),
    });
    await expect(
      runCli(['export', 'SELECT 1', '--out', join(dataDir, 'x.csv'), '--scan-limit', '1MB']),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('tributary export does not take --scan-limit'),
    });
  });

  it('refuses an --mqtt-profile it does not know, naming the option', async () => {
    await expect(runCli(['start', '--data-dir', dataDir, '--mqtt-profile', 'mqtt-5'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/Invalid option:.*mqttProfile/),
    });
  });
});
