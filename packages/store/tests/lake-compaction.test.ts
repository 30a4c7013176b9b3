// Lake compaction with a real LakeWriter, real DuckDB and real files: small files of closed partitions
// become one, with the same rows and keys; open partitions are left to their own pass, which merges the
// writer's one file per flush into a few while the writer goes on; a query under the LakeFileGate never
// sees a row missing or twice while compactions run; a failure, or kill -9, at any step of a merge leaves
// every row exactly once once the lake is reopened.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { LakeRetentionDays, partitionPathFor } from '@tributary/contracts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { writtenAtOf } from '../src/core/index.js';
import { LakeCompactor, LakeFileGate, LakeWriter, type CompactionStep } from '../src/local/index.js';
import {
  firstHour,
  hourMillis,
  lakeAnswerOf,
  lakeTableSource,
  readingsOf,
  writeSmallFiles,
} from './fixtures/small-files-lake.js';

const crashChild = fileURLToPath(new URL('./fixtures/compact-then-crash.ts', import.meta.url));
const steps: CompactionStep[] = [
  'journaled',
  'merged',
  'renamed',
  'first-replaced-removed',
  'replaced-removed',
];
const committedSteps = new Set<CompactionStep>(['renamed', 'first-replaced-removed', 'replaced-removed']);

let duckdb: DuckDBInstance;
let sql: DuckDBConnection;
let lakeDir: string;

/** Data files of a table's partition `hour` (from firstHour). */
async function dataFilesOf(table: string, hour: number): Promise<string[]> {
  const directory = join(lakeDir, partitionPathFor('telemetry', firstHour + hour * hourMillis)).replace(
    '/telemetry/',
    `/${table}/`,
  );
  return (await readdir(directory)).filter((name) => name.endsWith('.parquet')).sort();
}

/** Temp files and journals left behind: none may outlive a settled compaction. */
async function leftoversIn(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  return names
    .filter((name) => name.endsWith('.tmp') || name.endsWith('.json'))
    .filter((n) => !n.startsWith('_catalog'));
}

async function everyTelemetryRow(): Promise<unknown[]> {
  const reader = await sql.runAndReadAll(
    `SELECT * FROM ${lakeTableSource(lakeDir, 'telemetry')} ORDER BY message_id`,
  );
  return reader.getRowObjectsJS();
}

const hundredYears = 36_500;
const keptForAHundredYears = LakeRetentionDays.parse(
  Object.fromEntries(Object.keys(LakeRetentionDays.shape).map((table) => [table, hundredYears])),
);

const afterLastHour = (hours: number) => firstHour + hours * hourMillis + 3 * 60_000;

beforeAll(async () => {
  duckdb = await DuckDBInstance.create(':memory:');
  sql = await duckdb.connect();
});
afterAll(() => {
  sql.closeSync();
  duckdb.closeSync();
});
beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-compaction-'));
});
afterEach(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

describe('LakeCompactor', () => {
  it('merges the small files of each closed partition into one file holding the same rows', async () => {
    await writeSmallFiles(lakeDir, { hours: 3, flushes: 12, readingsPerFlush: 10 });
    const rowsBefore = await everyTelemetryRow();
    const answerBefore = await lakeAnswerOf(sql, lakeDir);
    const inputsOfHour0 = await dataFilesOf('telemetry', 0);
    expect(inputsOfHour0).toHaveLength(12);

    const compactor = await LakeCompactor.open({ lakeDir });
    const pass = await compactor.compactClosedPartitions(afterLastHour(3));
    await compactor.close();

    // 3 hours × 3 tables (telemetry and its two rollups), 12 files each.
    expect(pass).toMatchObject({ partitionsCompacted: 9, filesBefore: 108, filesAfter: 9 });
    expect(pass.bytesAfter).toBeLessThan(pass.bytesBefore);
    for (const table of ['telemetry', 'telemetry_1m', 'telemetry_1h']) {
      for (const hour of [0, 1, 2]) expect(await dataFilesOf(table, hour)).toHaveLength(1);
    }
    // Dated as its newest input, so retention neither restarts its rows' clock nor ends it early.
    const [mergedOfHour0] = await dataFilesOf('telemetry', 0);
    expect(writtenAtOf(mergedOfHour0!)).toBe(Math.max(...inputsOfHour0.map((name) => writtenAtOf(name)!)));
    expect(await everyTelemetryRow()).toEqual(rowsBefore);
    expect(await lakeAnswerOf(sql, lakeDir)).toEqual(answerBefore);
    expect(await leftoversIn(lakeDir)).toEqual([]);
  });

  it('sorts the merged file by thing, metric and time, as the writer sorts each file', async () => {
    await writeSmallFiles(lakeDir, { hours: 1, flushes: 6, readingsPerFlush: 10 });
    const compactor = await LakeCompactor.open({ lakeDir });
    await compactor.compactClosedPartitions(afterLastHour(1));
    await compactor.close();
    const [merged] = await dataFilesOf('telemetry', 0);
    const directory = join(lakeDir, partitionPathFor('telemetry', firstHour));
    const inFileOrder = (
      await sql.runAndReadAll(
        `SELECT thing_name, received_at FROM read_parquet('${join(directory, merged!)}', hive_partitioning = false)`,
      )
    ).getRowObjectsJS();
    const sorted = [...inFileOrder].sort(
      (a, b) =>
        String(a.thing_name).localeCompare(String(b.thing_name)) ||
        Number(a.received_at) - Number(b.received_at),
    );
    expect(inFileOrder).toHaveLength(60);
    expect(inFileOrder).toEqual(sorted);
  });

  it('leaves the open partition and one still within the grace period as they are', async () => {
    await writeSmallFiles(lakeDir, { hours: 3, flushes: 4, readingsPerFlush: 5 });
    const openBefore = await dataFilesOf('telemetry', 2);
    const inGraceBefore = await dataFilesOf('telemetry', 1);
    const compactor = await LakeCompactor.open({ lakeDir, graceMs: 120_000 });
    // One minute into hour 2: hour 1 ended a minute ago, hour 0 an hour and a minute ago.
    await compactor.compactClosedPartitions(firstHour + 2 * hourMillis + 60_000);
    await compactor.close();

    expect(await dataFilesOf('telemetry', 0)).toHaveLength(1);
    expect(await dataFilesOf('telemetry', 1)).toEqual(inGraceBefore);
    expect(await dataFilesOf('telemetry', 2)).toEqual(openBefore);
  });

  it('keeps the keys the writer deduplicates by: a replay after compaction writes nothing', async () => {
    await writeSmallFiles(lakeDir, { hours: 1, flushes: 5, readingsPerFlush: 8 });
    const compactor = await LakeCompactor.open({ lakeDir });
    await compactor.compactClosedPartitions(afterLastHour(1));
    await compactor.close();
    const answer = await lakeAnswerOf(sql, lakeDir);

    const writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 3_600_000 });
    for (let flushIndex = 0; flushIndex < 5; flushIndex += 1)
      writer.append('telemetry', readingsOf(0, flushIndex, 8));
    await writer.close();

    expect(writer.stats.duplicatesSkipped).toBe(40);
    expect(writer.stats.filesWritten).toBe(0);
    expect(await lakeAnswerOf(sql, lakeDir)).toEqual(answer);
  });

  it('keeps a file the writer adds to the partition while a merge runs', async () => {
    await writeSmallFiles(lakeDir, { hours: 1, flushes: 5, readingsPerFlush: 4 });
    const late = readingsOf(0, 99, 3);
    const compactor = await LakeCompactor.open({
      lakeDir,
      // Rows a full disk held back past the hour: the writer publishes them beside the merge's inputs.
      afterStep: async (step) => {
        if (step !== 'merged') return;
        const writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 3_600_000 });
        writer.append('telemetry', late);
        await writer.close();
      },
    });
    await compactor.compactClosedPartitions(afterLastHour(1));
    await compactor.close();

    expect(await dataFilesOf('telemetry', 0)).toHaveLength(2);
    expect((await lakeAnswerOf(sql, lakeDir)).telemetryRows).toBe(5 * 4 + late.length);
  });

  it('never changes the answer of a query run under the gate while partitions are swapped', async () => {
    const hours = 12;
    await writeSmallFiles(lakeDir, { hours, flushes: 4, readingsPerFlush: 5 });
    const expected = await lakeAnswerOf(sql, lakeDir);
    const gate = new LakeFileGate();
    const compactor = await LakeCompactor.open({ lakeDir, gate });
    const reader = await duckdb.connect();
    const answers: unknown[] = [];
    let compacting = true;
    const queryLoop = (async () => {
      while (compacting) answers.push(await gate.shared(() => lakeAnswerOf(reader, lakeDir)));
    })();
    let merged = 0;
    // One more hour closes at each pass, so swaps keep happening while the queries run.
    for (let hour = 1; hour <= hours; hour += 1) {
      merged += (await compactor.compactClosedPartitions(afterLastHour(hour))).filesAfter;
    }
    compacting = false;
    await queryLoop;
    await compactor.close();
    reader.closeSync();

    expect(merged).toBe(hours * 3);
    expect(answers.length).toBeGreaterThanOrEqual(hours);
    for (const answer of answers) expect(answer).toEqual(expected);
    expect(await lakeAnswerOf(sql, lakeDir)).toEqual(expected);
  });

  it.each(steps)('a merge failing after step "%s" leaves every row exactly once', async (failingStep) => {
    await writeSmallFiles(lakeDir, { hours: 1, flushes: 4, readingsPerFlush: 6 });
    const expected = await lakeAnswerOf(sql, lakeDir);
    const filesBefore = await dataFilesOf('telemetry', 0);
    const compactor = await LakeCompactor.open({
      lakeDir,
      afterStep: (step) => {
        if (step === failingStep) throw new Error(`injected failure after ${step}`);
      },
    });
    await expect(compactor.compactClosedPartitions(afterLastHour(1))).rejects.toThrow(/injected failure/);
    await compactor.close();

    expect(await lakeAnswerOf(sql, lakeDir)).toEqual(expected);
    expect(await leftoversIn(lakeDir)).toEqual([]);
    if (committedSteps.has(failingStep)) expect(await dataFilesOf('telemetry', 0)).toHaveLength(1);
    else expect(await dataFilesOf('telemetry', 0)).toEqual(filesBefore);
  });

  describe('killed with SIGKILL at each step, then reopened', () => {
    let template: string;
    let expected: Awaited<ReturnType<typeof lakeAnswerOf>>;
    beforeAll(async () => {
      template = await mkdtemp(join(tmpdir(), 'tributary-compaction-template-'));
      await writeSmallFiles(template, { hours: 2, flushes: 4, readingsPerFlush: 6 });
      expected = await lakeAnswerOf(sql, template);
    });
    afterAll(() => rm(template, { recursive: true, force: true }));

    it.each(steps)('after "%s": no row missing or doubled once reopened', async (crashStep) => {
      await cp(template, lakeDir, { recursive: true });
      const signal = await runCrashingCompaction(lakeDir, crashStep, afterLastHour(2));
      expect(signal).toBe('SIGKILL');
      const answerAtCrash = await lakeAnswerOf(sql, lakeDir);
      // The crash landed mid-swap: the merged file is in while some inputs still are, so rows show twice.
      if (crashStep === 'renamed' || crashStep === 'first-replaced-removed') {
        expect(answerAtCrash.telemetryRows).toBeGreaterThan(expected.telemetryRows);
      } else {
        expect(answerAtCrash).toEqual(expected);
      }

      const reopened = await LakeCompactor.open({ lakeDir });
      expect(await lakeAnswerOf(sql, lakeDir)).toEqual(expected);
      expect(await leftoversIn(lakeDir)).toEqual([]);
      await reopened.compactClosedPartitions(afterLastHour(2));
      await reopened.close();
      expect(await lakeAnswerOf(sql, lakeDir)).toEqual(expected);
      for (const hour of [0, 1]) expect(await dataFilesOf('telemetry', hour)).toHaveLength(1);
    });
  });

  it('runs passes on a schedule and reports what they merged', async () => {
    await writeSmallFiles(lakeDir, { hours: 1, flushes: 3, readingsPerFlush: 2 });
    const compactor = await LakeCompactor.open({ lakeDir });
    const schedule = compactor.startCompacting({ intervalMs: 20 });
    await expect.poll(() => compactor.stats.filesAfter, { timeout: 10_000 }).toBe(3);
    await schedule.stop();
    await compactor.close();
    expect(compactor.stats).toMatchObject({
      partitionsCompacted: 3,
      filesBefore: 9,
      filesAfter: 3,
      lastError: null,
    });
    await expect(compactor.compactClosedPartitions()).rejects.toThrow(/closed/);
  });

  it('removes the files past their retention as its schedule starts, and counts them', async () => {
    await writeSmallFiles(lakeDir, { hours: 2, flushes: 1, readingsPerFlush: 2 });
    // Telemetry keeps one day from when each file was written; its rollups keep theirs.
    const retention = LakeRetentionDays.parse({ ...keptForAHundredYears, telemetry: 1 });
    const compactor = await LakeCompactor.open({ lakeDir, retention });
    const answerBefore = await lakeAnswerOf(sql, lakeDir);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 86_400_000 });
    try {
      const schedule = compactor.startCompacting({
        intervalMs: hourMillis,
        openPartitionsIntervalMs: hourMillis,
      });
      await expect.poll(() => compactor.stats.filesExpired, { timeout: 10_000 }).toBe(2);
      await schedule.stop();
    } finally {
      vi.useRealTimers();
      await compactor.close();
    }
    // Every telemetry file and the hour partitions they leave empty are gone; the rollups are whole.
    expect(await readdir(join(lakeDir, 'telemetry'))).toEqual([]);
    const rollups = await sql.runAndReadAll(
      `SELECT (SELECT sum(reading_count) FROM ${lakeTableSource(lakeDir, 'telemetry_1m')})::BIGINT AS minute,
              (SELECT sum(reading_count) FROM ${lakeTableSource(lakeDir, 'telemetry_1h')})::BIGINT AS hour`,
    );
    expect(rollups.getRowObjectsJS()).toEqual([
      { minute: BigInt(answerBefore.minuteReadings), hour: BigInt(answerBefore.hourReadings) },
    ]);
    expect(compactor.stats.lastError).toBeNull();
  });
});

/** One minute into hour `hour` (from firstHour): that hour is open, and the one before within its grace. */
const oneMinuteInto = (hour: number) => firstHour + hour * hourMillis + 60_000;

describe('LakeCompactor: the hours still being written', () => {
  it('merges the open hour and the one still in its grace period, and leaves closed hours to the hourly pass', async () => {
    await writeSmallFiles(lakeDir, { hours: 3, flushes: 6, readingsPerFlush: 10 });
    const answer = await lakeAnswerOf(sql, lakeDir);
    const compactor = await LakeCompactor.open({ lakeDir, graceMs: 120_000 });
    const pass = await compactor.compactOpenPartitions(oneMinuteInto(2));
    await compactor.close();

    // Hours 1 and 2, telemetry and its two rollups: 6 partitions of 6 files each.
    expect(pass).toMatchObject({ partitionsCompacted: 6, filesBefore: 36, filesAfter: 6 });
    expect(await dataFilesOf('telemetry', 0)).toHaveLength(6);
    expect(await dataFilesOf('telemetry', 1)).toHaveLength(1);
    expect(await dataFilesOf('telemetry', 2)).toHaveLength(1);
    expect(await lakeAnswerOf(sql, lakeDir)).toEqual(answer);
  });

  it('merges the files written since the last pass with an earlier merge of their size, and leaves one that reached half the target', async () => {
    await writeSmallFiles(lakeDir, { hours: 1, flushes: 4, readingsPerFlush: 10 });
    const writer = await LakeWriter.open({ lakeDir, flushIntervalMs: 3_600_000 });
    const compactor = await LakeCompactor.open({ lakeDir });
    await compactor.compactOpenPartitions(oneMinuteInto(0));
    const [firstMerge] = await dataFilesOf('telemetry', 0);
    for (const flushIndex of [10, 11, 12]) {
      writer.append('telemetry', readingsOf(0, flushIndex, 10));
      await writer.flush();
    }
    await compactor.compactOpenPartitions(oneMinuteInto(0));
    const merged = await dataFilesOf('telemetry', 0);
    expect(merged).toHaveLength(1);
    expect(merged).not.toContain(firstMerge);
    expect((await lakeAnswerOf(sql, lakeDir)).telemetryRows).toBe(70);

    // A merged file at half the open target or more is not rewritten to take in the next flushes.
    await compactor.close();
    const tinyTarget = await LakeCompactor.open({ lakeDir, openPartitionFileBytes: 2 });
    writer.append('telemetry', readingsOf(0, 20, 10));
    await writer.flush();
    writer.append('telemetry', readingsOf(0, 21, 10));
    await writer.close();
    expect(await tinyTarget.compactOpenPartitions(oneMinuteInto(0))).toMatchObject({ filesAfter: 0 });
    await tinyTarget.close();
    expect(await dataFilesOf('telemetry', 0)).toHaveLength(3);
  });

  it('keeps the keys the writer deduplicates by: a writer restarted after the merge writes a redelivery nowhere', async () => {
    await writeSmallFiles(lakeDir, { hours: 1, flushes: 5, readingsPerFlush: 8 });
    const compactor = await LakeCompactor.open({ lakeDir });
    await compactor.compactOpenPartitions(oneMinuteInto(0));
    await compactor.close();
    const answer = await lakeAnswerOf(sql, lakeDir);

    const restarted = await LakeWriter.open({ lakeDir, flushIntervalMs: 3_600_000 });
    for (let flushIndex = 0; flushIndex < 5; flushIndex += 1)
      restarted.append('telemetry', readingsOf(0, flushIndex, 8));
    await restarted.close();

    expect(restarted.stats).toMatchObject({ duplicatesSkipped: 40, filesWritten: 0 });
    expect(await lakeAnswerOf(sql, lakeDir)).toEqual(answer);
  });

  it('while the writer keeps writing and merges keep swapping, no query sees a row twice or loses one it saw', async () => {
    const gate = new LakeFileGate();
    // A small key memory makes the writer read keys back from the files being merged, under the gate.
    const writer = await LakeWriter.open({
      lakeDir,
      flushIntervalMs: 3_600_000,
      gate,
      maxRememberedKeys: 30,
    });
    const compactor = await LakeCompactor.open({ lakeDir, gate });
    const reader = await duckdb.connect();
    const source = lakeTableSource(lakeDir, 'telemetry');
    writer.append('telemetry', readingsOf(0, 0, 10));
    await writer.flush();
    const counts: { rows: number; keys: number }[] = [];
    let writing = true;
    const queries = (async () => {
      while (writing) {
        const reading = await gate.shared(() =>
          reader.runAndReadAll(
            `SELECT count(*)::INTEGER AS rows, count(DISTINCT message_id)::INTEGER AS keys FROM ${source}`,
          ),
        );
        counts.push(reading.getRowObjectsJS()[0] as { rows: number; keys: number });
      }
    })();
    const merges = (async () => {
      while (writing) await compactor.compactOpenPartitions(oneMinuteInto(0));
    })();
    const flushes = 40;
    for (let flushIndex = 1; flushIndex < flushes; flushIndex += 1) {
      // Every batch carries the previous one again, as a redelivery would.
      writer.append('telemetry', readingsOf(0, flushIndex - 1, 10));
      writer.append('telemetry', readingsOf(0, flushIndex, 10));
      await writer.flush();
    }
    writing = false;
    await Promise.all([queries, merges]);
    await writer.close();
    await compactor.close();
    reader.closeSync();

    expect(compactor.stats.filesBefore).toBeGreaterThan(0);
    expect(counts.length).toBeGreaterThan(5);
    for (const [index, count] of counts.entries()) {
      expect(count.rows).toBe(count.keys);
      if (index > 0) expect(count.rows).toBeGreaterThanOrEqual(counts[index - 1]!.rows);
    }
    expect((await lakeAnswerOf(sql, lakeDir)).telemetryRows).toBe(flushes * 10);
    expect(writer.stats.duplicatesSkipped).toBe((flushes - 1) * 10);
  });
});

/** Runs the crash child; resolves with the signal that ended it. */
async function runCrashingCompaction(
  lake: string,
  step: CompactionStep,
  now: number,
): Promise<string | null> {
  const child = spawn(
    process.execPath,
    ['--conditions=@tributary/source', '--import', 'tsx', crashChild, lake, step, String(now)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  if (signal === null)
    throw new Error(`the compaction child exited with ${code} instead of being killed:\n${errors}`);
  return signal;
}
