// faults.md #23, a full disk under the lake: a real LakeWriter in a child process writes to a 2 MB tmpfs
// (mounted in its own `unshare -m` namespace) until ENOSPC. The write must fail cleanly (no partial or temp
// file left in the lake), say the disk is full, push back on appends, and, once space returns, write every
// accepted row exactly once without being asked to.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiskFullReport } from './fixtures/fill-lake-disk.js';

const child = fileURLToPath(new URL('./fixtures/fill-lake-disk.ts', import.meta.url));

/** Why a private tmpfs cannot be mounted here (not root, no user namespaces), or null when it can. */
function tmpfsMountRefusal(): string | null {
  const mountPoint = mkdtempSync(join(tmpdir(), 'tributary-enospc-probe-'));
  try {
    const probe = spawnSync(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -t tmpfs -o size=1m tmpfs "$1"',
        'sh',
        mountPoint,
      ],
      { encoding: 'utf8' },
    );
    if (probe.status === 0) return null;
    return probe.error?.message ?? (probe.stderr.trim() || `unshare exited with ${probe.status}`);
  } finally {
    rmSync(mountPoint, { recursive: true, force: true });
  }
}

const refusal = tmpfsMountRefusal();
if (refusal) console.warn(`lake-writer-enospc skipped: cannot mount a private tmpfs (${refusal})`);

/** Runs the child with `<work>/disk` a 2 MB tmpfs visible only to it; its snapshots land in `<work>/snapshots`. */
async function fillLakeDisk(workDir: string): Promise<DiskFullReport> {
  const disk = join(workDir, 'disk');
  const snapshots = join(workDir, 'snapshots');
  mkdirSync(disk);
  mkdirSync(snapshots);
  const mountThenRun = 'mount -t tmpfs -o size=2m tmpfs "$1" && shift && exec "$@"';
  const node = [process.execPath, '--conditions=@tributary/source', '--import', 'tsx', child];
  const filler = spawn(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', mountThenRun, 'sh', disk, ...node, disk, snapshots],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let errors = '';
  filler.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  filler.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => filler.once('exit', resolve));
  if (exitCode !== 0) throw new Error(`the disk filler exited with ${exitCode}:\n${errors}`);
  return JSON.parse(output.trim().split('\n').at(-1)!) as DiskFullReport;
}

let workDir: string;
let report: DiskFullReport;
let duckdb: DuckDBInstance;
let sql: DuckDBConnection;

const rowsOf = async (query: string) => (await sql.runAndReadAll(query)).getRowObjectsJS();
const parquetGlob = (lake: string, table: string) => `'${join(lake, table, '**', '*.parquet')}'`;

/** Files a reader of the lake would trip on: temp names left behind, and Parquet files DuckDB cannot read. */
async function debrisIn(lake: string): Promise<string[]> {
  const names = await readdir(lake, { recursive: true });
  const debris = names.filter((name) => name.endsWith('.tmp'));
  for (const name of names.filter((n) => n.endsWith('.parquet'))) {
    await sql.run(`SELECT count(*) FROM read_parquet('${join(lake, name)}')`).catch((error: unknown) => {
      debris.push(`${name}: ${String(error)}`);
    });
  }
  return debris;
}

describe.skipIf(refusal !== null)('LakeWriter on a full disk (ENOSPC, tmpfs under unshare -m)', () => {
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'tributary-enospc-'));
    report = await fillLakeDisk(workDir);
    duckdb = await DuckDBInstance.create(':memory:');
    sql = await duckdb.connect();
    console.info(
      `ENOSPC test: ${report.flushesBeforeFull} flushes before the disk filled, ` +
        `${report.acceptedIds.length} rows accepted, appends refused at ${report.bufferedWhenRefused} ` +
        `buffered (limit ${report.maxBufferedRows}), a flush while full settled in ${report.flushWhileFullMillis} ms, ${report.statsAfterRecovery.rowsWritten.telemetry} written after ` +
        `recovery in ${report.recoveryMillis} ms`,
    );
  }, 120_000);
  afterAll(async () => {
    sql?.closeSync();
    duckdb?.closeSync();
    await rm(workDir, { recursive: true, force: true });
  });

  it('leaves no temp file and no unreadable Parquet file in the lake when a write fails with ENOSPC', async () => {
    expect(report.freeBytesWhileFull).toBeLessThan(64 * 1024);
    expect(await debrisIn(join(workDir, 'snapshots', 'while-full'))).toEqual([]);
    expect(await debrisIn(join(workDir, 'snapshots', 'recovered'))).toEqual([]);
  });

  it('says the disk is full, keeps the rows buffered and refuses appends beyond its buffer', () => {
    expect(report.flushesBeforeFull).toBeGreaterThan(0);
    expect(report.diskFullError.code).toBe('DISK_FULL');
    expect(report.diskFullError.message).toMatch(/disk .*is full \(ENOSPC\)/);
    expect(report.statsWhileFull.lastFlushError).toMatch(/disk .*is full \(ENOSPC\)/);
    expect(report.bufferFullError.code).toBe('BUFFER_FULL');
    expect(report.bufferFullError.message).toContain('ENOSPC');
    expect(report.bufferedWhenRefused).toBe(report.maxBufferedRows);
    expect(report.statsWhileFull.bufferedRows).toBe(report.maxBufferedRows);
    expect(report.flushedWhileFull).toBe(false);
    // Appends past half the buffer used to queue one whole-buffer write attempt each (~70 s for 1,500).
    expect(report.flushWhileFullMillis).toBeLessThan(5_000);
  });

  it('writes every accepted row exactly once after space returns, rollups included', async () => {
    const lake = join(workDir, 'snapshots', 'recovered');
    const written = await rowsOf(
      `SELECT message_id, count(*)::INTEGER AS copies FROM read_parquet(${parquetGlob(lake, 'telemetry')}) ` +
        'GROUP BY message_id',
    );
    expect(written.filter((row) => row.copies !== 1)).toEqual([]);
    expect(written.map((row) => row.message_id).sort()).toEqual([...report.acceptedIds].sort());
    for (const rollup of ['telemetry_1m', 'telemetry_1h']) {
      const [readings] = await rowsOf(
        `SELECT sum(reading_count)::INTEGER AS count FROM read_parquet(${parquetGlob(lake, rollup)})`,
      );
      expect(readings?.count, rollup).toBe(report.acceptedIds.length);
    }
    expect(report.statsAfterRecovery).toMatchObject({ bufferedRows: 0, lastFlushError: null });
  });
});
