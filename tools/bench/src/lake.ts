// `pnpm bench lake`: sustained readings/s into the lake through the public LakeWriter API — appends of
// 1,000-reading batches, every row validated, deduplicated, sorted, zstd-compressed, published atomically
// with its rollups, until `flushed()` and a count(*) sees them all — then fleet_series, the dashboard's
// aggregate over the 10M readings written, as the SQL endpoint runs it once the LakeCompactor has merged the
// closed hours (and, for comparison, over the files as written). Targets: ≥ 1M readings/s (10M in ≤ 10 s),
// fleet_series p50 ≤ 100 ms. Baselines, same run: DuckDB's own bulk COPY of the same rows (an in-memory
// table to hive-partitioned, sorted zstd Parquet), and the same query over in-memory tables.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { EnrichedReading } from '@tributary/contracts';
import { bindNamedQuery } from '@tributary/insights';
import { LakeQueryService } from '@tributary/insights/local';
import { LakeCompactor, LakeWriter } from '@tributary/store/local';
import { formatComparison, formatDuration, meetsTarget, type Comparison } from './measure.js';
import { copyToLake, timedOnLakeAndInMemory } from './query.js';

// The fleet of `pnpm bench query`: 1,000 devices × 24 h, one reading every 8.64 s.
const devices = 1_000;
const readings = 10_000_000;
const start = Date.UTC(2026, 10, 24, 0, 0, 0);
const spanMs = 24 * 3600 * 1000;
/** What one append carries: one reading of every device of the fleet. */
const readingsPerAppend = devices;
const copyRuns = 2;
const targetReadingsPerSecond = 1_000_000;

const thingNames = Array.from({ length: devices }, (_, d) => `sim-${String(d).padStart(4, '0')}`);

/** Readings [from, to): reading i belongs to device i % 1000, received at start + i × span/10M. */
function readingsFrom(from: number, to: number): EnrichedReading[] {
  const batch: EnrichedReading[] = [];
  for (let i = from; i < to; i += 1) {
    const receivedAt = start + Math.floor((i * spanMs) / readings) + 40;
    batch.push({
      thing_name: thingNames[i % devices] as string,
      metric: 'temperature',
      value: 20 + 5 * Math.sin(i / 5000) + ((i * 7919) % 100) / 100,
      device_time: receivedAt - 40,
      received_at: receivedAt,
      message_id: `m-${i}`,
      correlation_id: `c-${i}`,
      thing_type: 'environment-sensor',
      site: i % 2 === 0 ? 'plant-north' : 'plant-south',
      anomaly_score: null,
      unit: '°C',
      raw_value: null,
      location: null,
      thing_groups: null,
      firmware: null,
      sequence: null,
    });
  }
  return batch;
}

/** Wall time, and CPU time of this process on every core (steadier than wall time on a shared machine). */
interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function timed(run: () => Promise<void>): Promise<Timing> {
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await run();
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs: performance.now() - startedAt, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The generator alone, so the writer's own share can be told apart. */
const generatorTiming = () =>
  timed(async () => {
    for (let from = 0; from < readings; from += readingsPerAppend)
      readingsFrom(from, from + readingsPerAppend);
  });

async function countOf(connection: DuckDBConnection, glob: string): Promise<number> {
  const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${glob}')`);
  return Number(reader.getRowObjectsJS()[0]?.['n']);
}

/** Appends every reading as a producer that must not drop any would, then waits until they are readable. */
async function writeThroughLakeWriter(lakeDir: string, connection: DuckDBConnection): Promise<Timing> {
  const writer = await LakeWriter.open({ lakeDir });
  try {
    const timing = await timed(async () => {
      for (let from = 0; from < readings; from += readingsPerAppend) {
        await writer.appendWhenRoom('telemetry', readingsFrom(from, from + readingsPerAppend));
      }
      await writer.flush();
      await writer.flushed();
      const visible = await countOf(connection, join(lakeDir, 'telemetry', '**', '*.parquet'));
      if (visible !== readings) throw new Error(`count(*) sees ${visible} readings, not ${readings}`);
    });
    console.log(
      `  LakeWriter: ${writer.stats.filesWritten} files (rollups included), ` +
        `${writer.stats.rowsWritten.telemetry_1h.toLocaleString('en')} per-hour partials`,
    );
    return timing;
  } finally {
    await writer.close();
  }
}

/** DuckDB's own COPY of the same rows, from an in-memory table, as query.ts lays out its lake; the fastest of a few. */
async function bulkCopy(connection: DuckDBConnection, copyDir: string): Promise<Timing> {
  const samples: Timing[] = [];
  for (let run = 0; run < copyRuns; run += 1) {
    await rm(copyDir, { recursive: true, force: true });
    await mkdir(copyDir);
    samples.push(await timed(() => copyToLake(connection, copyDir, 'telemetry', 'received_at')));
  }
  return samples.reduce((fastest, sample) => (sample.wallMs < fastest.wallMs ? sample : fastest));
}

/** The dashboard's fleet-wide hourly aggregate of the day, from the per-hour rollups, as the SQL endpoint runs it. */
async function fleetSeriesOf(lakeDir: string, baseline: DuckDBConnection) {
  const service = await LakeQueryService.open({ lakeDir, maxRows: 100_000 });
  try {
    const bound = bindNamedQuery('fleet_series', { metric: 'temperature', from: start, to: start + spanMs });
    return await timedOnLakeAndInMemory(service, baseline, bound.sql, bound.params);
  } finally {
    await service.close();
  }
}

const perSecond = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en')}/s`;

export async function lake(): Promise<boolean> {
  const lakeDir = await mkdtemp(join(tmpdir(), 'tributary-bench-lake-writer-'));
  const copyDir = await mkdtemp(join(tmpdir(), 'tributary-bench-lake-copy-'));
  const baseline = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    console.log(
      `lake: ${readings.toLocaleString('en')} readings of ${devices} devices over 24 h, appended ` +
        `${readingsPerAppend} at a time through LakeWriter on ${availableParallelism()} cores`,
    );
    const write = await writeThroughLakeWriter(lakeDir, baseline);
    const generate = await generatorTiming();
    // The same rows, read back from the writer's lake into memory: the baseline's input.
    for (const table of ['telemetry', 'telemetry_1h']) {
      await baseline.run(
        `CREATE TABLE ${table} AS SELECT * FROM read_parquet('${join(lakeDir, table, '**', '*.parquet')}')`,
      );
    }
    const copy = await bulkCopy(baseline, copyDir);
    const copied = await countOf(baseline, join(copyDir, 'telemetry', '**', '*.parquet'));
    if (copied !== readings) throw new Error(`the bulk COPY wrote ${copied} readings, not ${readings}`);

    const asWritten = await fleetSeriesOf(lakeDir, baseline);
    const compaction = await timed(async () => {
      const compactor = await LakeCompactor.open({ lakeDir });
      try {
        await compactor.compactClosedPartitions();
      } finally {
        await compactor.close();
      }
    });
    const compacted = await fleetSeriesOf(lakeDir, baseline);

    const comparisons: Comparison[] = [
      {
        label: `${(readings / 1e6).toFixed(0)}M readings written and readable`,
        valueMs: write.wallMs,
        baselineMs: copy.wallMs,
        targetMs: (readings / targetReadingsPerSecond) * 1000,
      },
      {
        label: 'fleet_series over them once compacted, p50',
        valueMs: compacted.lakeMs,
        baselineMs: compacted.inMemoryMs,
        targetMs: 100,
      },
    ];
    console.log(
      '  baselines: DuckDB COPY of the same rows from memory to sorted zstd Parquet by hour (best of ' +
        `${copyRuns}); the same SQL over in-memory tables`,
    );
    for (const comparison of comparisons) console.log(`  ${formatComparison(comparison)}`);
    console.log(
      `  fleet_series over the files as the writer left them (one per flush and hour): ` +
        `${formatDuration(asWritten.lakeMs)}; the LakeCompactor's pass over the closed hours took ` +
        `${formatDuration(compaction.wallMs)}`,
    );
    const cpuPerReading = (timing: Timing) => `${((timing.cpuMs * 1000) / readings).toFixed(2)} µs`;
    console.log(
      `  LakeWriter ${perSecond(readings, write.wallMs)} (target ≥ ${targetReadingsPerSecond.toLocaleString('en')}/s) = ` +
        `${(copy.wallMs / write.wallMs).toFixed(2)}× DuckDB's COPY (${perSecond(readings, copy.wallMs)}); ` +
        `without the generator's ${formatDuration(generate.wallMs)}: ${perSecond(readings, write.wallMs - generate.wallMs)}`,
    );
    console.log(
      `  CPU per reading, all threads: LakeWriter ${cpuPerReading(write)} (generator ${cpuPerReading(generate)} ` +
        `of it), DuckDB's COPY ${cpuPerReading(copy)}`,
    );
    return comparisons.every(meetsTarget);
  } finally {
    baseline.closeSync();
    await rm(lakeDir, { recursive: true, force: true });
    await rm(copyDir, { recursive: true, force: true });
  }
}
