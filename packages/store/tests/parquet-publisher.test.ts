// How a lake file is published: written and renamed into place on a worker thread of its own, and a failure
// says whether the file had already become visible under its final name, which decides what the caller must
// withdraw.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { columnsOf } from '@tributary/contracts';
import { aReading } from '@tributary/contracts/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParquetPublisher, PublishError } from '../src/local/parquet-publisher.js';
import { columnarRowsOf } from '../src/local/staged-rows.js';

let dir: string;
let publisher: ParquetPublisher;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-publisher-'));
  publisher = ParquetPublisher.start();
});
afterEach(async () => {
  publisher.close();
  await rm(dir, { recursive: true, force: true });
});

const requestFor = (name: string, rows = [aReading({ message_id: name })]) => ({
  table: 'telemetry' as const,
  batch: columnarRowsOf(columnsOf('telemetry'), rows),
  temporaryFile: join(dir, `${name}.parquet.tmp`),
  dataFile: join(dir, `${name}.parquet`),
  syncFrom: dir,
  syncUpTo: dir,
});

async function messageIdsIn(file: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      `SELECT message_id FROM read_parquet('${file}') ORDER BY 1`,
    );
    return reader.getRowObjectsJS().map((row) => String(row.message_id));
  } finally {
    instance.closeSync();
  }
}

describe('ParquetPublisher', () => {
  it('writes each file with its own rows and renames it into place, several requested at once', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `file-${i}`);
    await Promise.all(
      names.map((name) =>
        publisher.publish(
          requestFor(name, [aReading({ message_id: `${name}-a` }), aReading({ message_id: `${name}-b` })]),
        ),
      ),
    );
    expect((await readdir(dir)).sort()).toEqual(names.map((name) => `${name}.parquet`).sort());
    for (const name of names)
      expect(await messageIdsIn(join(dir, `${name}.parquet`))).toEqual([`${name}-a`, `${name}-b`]);
  });

  it('fails with renamed = false, and nothing under the final name, when the file cannot be written', async () => {
    const request = { ...requestFor('nowhere'), temporaryFile: join(dir, 'no-such-dir', 'x.parquet.tmp') };
    const failed = publisher.publish(request);
    await expect(failed).rejects.toBeInstanceOf(PublishError);
    await expect(failed).rejects.toMatchObject({ renamed: false });
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails with the error code and renamed = true when the file is in place but its directory could not be synced', async () => {
    const failed = publisher.publish({ ...requestFor('a'), syncFrom: join(dir, 'no-such-dir') });
    await expect(failed).rejects.toMatchObject({ code: 'ENOENT', renamed: true });
    expect(await messageIdsIn(join(dir, 'a.parquet'))).toEqual(['a']);
  });

  it('syncs each directory created for the file, up to the one named', async () => {
    const nested = join(dir, 'year=2026', 'month=12');
    await mkdir(nested, { recursive: true });
    const request = {
      ...requestFor('b'),
      dataFile: join(nested, 'b.parquet'),
      temporaryFile: join(nested, 'b.tmp'),
    };
    await publisher.publish({ ...request, syncFrom: nested, syncUpTo: dir });
    expect(await messageIdsIn(join(nested, 'b.parquet'))).toEqual(['b']);
  });

  it("creates the file's directory and its missing parents, then publishes into it", async () => {
    const nested = join(dir, 'table=t', 'year=2026', 'month=12');
    await publisher.publish({
      ...requestFor('c'),
      dataFile: join(nested, 'c.parquet'),
      temporaryFile: join(nested, 'c.tmp'),
      syncFrom: nested,
    });
    expect(await readdir(nested)).toEqual(['c.parquet']);
    expect(await messageIdsIn(join(nested, 'c.parquet'))).toEqual(['c']);
  });

  it('refuses work once closed instead of leaving it pending', async () => {
    publisher.close();
    await expect(publisher.publish(requestFor('d'))).rejects.toThrow(/closed/);
  });
});
