// `tributary export`: what a user types to take a query's result out of the lake as a file.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './platform-process.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tributary-export-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('tributary export', () => {
  it('writes the result as CSV, the format taken from the file name', async () => {
    const out = join(dataDir, 'answer.csv');
    const { stdout } = await runCli([
      'export',
      "SELECT 42 AS answer, 'pump-7' AS thing",
      '--out',
      out,
      '--data-dir',
      dataDir,
    ]);
    expect(stdout).toMatch(/^1 rows written to .*answer\.csv \(\d+ bytes, csv\)/);
    expect(await readFile(out, 'utf8')).toBe('answer,thing\n42,pump-7\n');
  });

  it('says how to name the file when its format is unknown', async () => {
    await expect(
      runCli(['export', 'SELECT 1', '--out', join(dataDir, 'x.txt'), '--data-dir', dataDir]),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('name it .csv or .parquet') });
  });

  it('exits 1 with the query error when the SQL is refused', async () => {
    await expect(
      runCli(['export', 'DROP TABLE telemetry', '--out', join(dataDir, 'x.csv'), '--data-dir', dataDir]),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('FORBIDDEN') });
  });
});
