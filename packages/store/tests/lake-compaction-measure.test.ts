// What compaction buys a reader: a day of telemetry (24 hour partitions) as the writer leaves it, many
// small files per hour, queried before and after compaction. Prints the figures; asserts the file counts
// and that the answer is unchanged (timings on a shared machine are reported, not asserted).
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { partitionPathFor } from '@tributary/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dataFileName } from '../src/core/index.js';
import { LakeCompactor, LakeWriter } from '../src/local/index.js';
import { firstHour, hourMillis, lakeTableSource, readingsOf } from './fixtures/small-files-lake.js';

const hours = 24;
const filesPerHour = 50;
const readingsPerFile = 20;

let lakeDir: string;
let duckdb: DuckDBInstance;
let sql: DuckDBConnection;

beforeAll(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-compaction-measure-'));
  duckdb = await DuckDBInstance.create(':memory:');
  sql = await duckdb.connect();
});
afterAll(async () => {
  sql.closeSync();
  duckdb.closeSync();
  await rm(lakeDir, { recursive: true, force: true });
});

/**
 * One file written by the real LakeWriter is the seed; its copies, shifted in time and renamed, stand for
 * the writer's later flushes (a real writer would take minutes to publish 2,400 fsynced files).
 */
async function writeDayOfSmallFiles(): Promise<void> {
  const writer = await LakeWriter.open({ lakeDir: join(lakeDir, 'seed'), flushIntervalMs: 3_600_000 });
  writer.append('telemetry', readingsOf(0, 0, readingsPerFile));
  await writer.close();
  await sql.run(
    `CREATE TABLE seed AS SELECT * FROM read_parquet('${lakeDir}/seed/telemetry/**/*.parquet', hive_partitioning = false)`,
  );
  await rm(join(lakeDir, 'seed'), { recursive: true });
  for (let hour = 0; hour < hours; hour += 1) {
    const directory = join(lakeDir, partitionPathFor('telemetry', firstHour + hour * hourMillis));
    await mkdir(directory, { recursive: true });
    for (let file = 0; file < filesPerHour; file += 1) {
      const shift = hour * hourMillis + file * 1_000;
      await sql.run(
        `COPY (SELECT * REPLACE (received_at + INTERVAL ${shift} MILLISECOND AS received_at,
                                 message_id || '-${hour}-${file}' AS message_id) FROM seed)
         TO '${join(directory, dataFileName(firstHour + shift, `seed-${file}`))}' (FORMAT parquet, COMPRESSION zstd)`,
      );
    }
  }
}

const dashboardQuery = () =>
  `SELECT thing_name, hour, count(*) AS readings, avg(value) AS mean
   FROM ${lakeTableSource(lakeDir, 'telemetry')} GROUP BY ALL ORDER BY ALL`;

/** The best of five runs, in ms, and the answer. */
async function timeQuery(): Promise<{ ms: number; answer: unknown[] }> {
  let best = Number.POSITIVE_INFINITY;
  let answer: unknown[] = [];
  for (let run = 0; run < 5; run += 1) {
    const startedAt = performance.now();
    answer = (await sql.runAndReadAll(dashboardQuery())).getRowObjectsJS();
    best = Math.min(best, performance.now() - startedAt);
  }
  return { ms: best, answer };
}

const telemetryFileCount = async () =>
  (await readdir(join(lakeDir, 'telemetry'), { recursive: true })).filter((n) => n.endsWith('.parquet'))
    .length;

it(`a day of telemetry in ${hours * filesPerHour} small files is read from ${hours} after compaction`, async () => {
  await writeDayOfSmallFiles();
  const filesBefore = await telemetryFileCount();
  const before = await timeQuery();

  const compactor = await LakeCompactor.open({ lakeDir });
  const startedAt = performance.now();
  const pass = await compactor.compactClosedPartitions(firstHour + (hours + 1) * hourMillis);
  const compactionMs = performance.now() - startedAt;
  await compactor.close();
  const after = await timeQuery();

  console.log(
    `compaction of ${hours} partitions: ${filesBefore} → ${await telemetryFileCount()} files, ` +
      `${(pass.bytesBefore / 1e6).toFixed(1)} → ${(pass.bytesAfter / 1e6).toFixed(1)} MB, took ${compactionMs.toFixed(0)} ms; ` +
      `dashboard query ${before.ms.toFixed(1)} ms → ${after.ms.toFixed(1)} ms (×${(before.ms / after.ms).toFixed(1)})`,
  );
  expect(filesBefore).toBe(hours * filesPerHour);
  expect(await telemetryFileCount()).toBe(hours);
  expect(pass).toMatchObject({
    partitionsCompacted: hours,
    filesBefore: hours * filesPerHour,
    filesAfter: hours,
  });
  expect(after.answer).toEqual(before.answer);
  expect(before.answer).toHaveLength(5 * hours);
}, 120_000);
