// The query service over a lake being compacted, with real parts: a LakeWriter leaves many small files per
// hour, a LakeCompactor merges them hour after hour, and queries through LakeQueryService, sharing the
// compactor's LakeFileGate, keep getting the same answer — no row missing, none twice, no file vanishing
// under a query.
import { join } from 'node:path';
import { LakeCompactor, LakeFileGate, LakeWriter } from '@tributary/store/local';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LakeQueryService } from '../src/local/index.js';
import { aReading, makeTempDir, removeDir } from './lake-fixtures.js';

const hourMillis = 3_600_000;
const firstHour = Date.UTC(2026, 10, 25, 5);
const hours = 8;
const flushes = 4;
const readingsPerFlush = 5;

const dashboardAnswer = `
  SELECT (SELECT count(*) FROM telemetry) AS readings,
         (SELECT sum(value) FROM telemetry) AS value_sum,
         (SELECT sum(reading_count) FROM telemetry_1m) AS minute_readings,
         (SELECT count(DISTINCT hour) FROM telemetry) AS hours`;

let workDir: string;
let lakeDir: string;

beforeEach(async () => {
  workDir = await makeTempDir('compaction-queries');
  lakeDir = join(workDir, 'lake');
});
afterEach(() => removeDir(workDir));

/** `flushes` files per hour partition (telemetry and its rollups), as the writer leaves them. */
async function writeSmallFiles(): Promise<void> {
  const writer = await LakeWriter.open({ lakeDir, flushIntervalMs: hourMillis });
  for (let flush = 0; flush < flushes; flush += 1) {
    for (let hour = 0; hour < hours; hour += 1) {
      writer.append(
        'telemetry',
        Array.from({ length: readingsPerFlush }, (_, index) =>
          aReading({
            thing_name: `pump-${index}`,
            value: hour * 1_000 + flush * 10 + index,
            message_id: `m-${hour}-${flush}-${index}`,
            received_at: firstHour + hour * hourMillis + flush * 1_000 + index,
          }),
        ),
      );
    }
    await writer.flush();
  }
  await writer.close();
}

it('answers the same while closed hours are compacted under the shared gate', async () => {
  await writeSmallFiles();
  const fileGate = new LakeFileGate();
  const queries = await LakeQueryService.open({ lakeDir, fileGate });
  const compactor = await LakeCompactor.open({ lakeDir, gate: fileGate });
  try {
    const expected = (await queries.query(dashboardAnswer)).rows;
    expect(expected).toEqual([
      {
        readings: hours * flushes * readingsPerFlush,
        value_sum: expect.any(Number),
        minute_readings: hours * flushes * readingsPerFlush,
        hours,
      },
    ]);

    const answers: unknown[] = [];
    let compacting = true;
    // Two dashboards polling at once, as the platform's query endpoint allows.
    const poll = async () => {
      while (compacting) answers.push((await queries.query(dashboardAnswer)).rows);
    };
    const polling = Promise.all([poll(), poll()]);
    let filesMerged = 0;
    for (let hour = 1; hour <= hours; hour += 1) {
      const pass = await compactor.compactClosedPartitions(firstHour + hour * hourMillis + 3 * 60_000);
      filesMerged += pass.filesBefore;
    }
    compacting = false;
    await polling;

    // Every hour of telemetry, telemetry_1m and telemetry_1h went from `flushes` files to one.
    expect(filesMerged).toBe(hours * 3 * flushes);
    expect(answers.length).toBeGreaterThanOrEqual(hours);
    for (const answer of answers) expect(answer).toEqual(expected);
  } finally {
    await compactor.close();
    await queries.close();
  }
}, 60_000);
