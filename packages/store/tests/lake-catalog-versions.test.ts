// The local catalogue keeps every schema a lake table has had (faults.md #5: schema drift), and refuses a
// contract change that would misread the files already written.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogTable } from '@tributary/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogVersionsOf, LakeCatalogError, localLakeCatalogOf, LakeWriter } from '../src/local/index.js';
import { writeLakeCatalog } from '../src/local/lake-catalog-files.js';

let lakeDir: string;
beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'tributary-catalog-versions-'));
});
afterEach(() => rm(lakeDir, { recursive: true, force: true }));

/** The contract's catalogue with the telemetry table changed by `change`. */
const withTelemetry = (change: (table: CatalogTable) => CatalogTable) =>
  localLakeCatalogOf(lakeDir).map((table) => (table.name === 'telemetry' ? change(table) : table));

const addColumn = (table: CatalogTable): CatalogTable => ({
  ...table,
  storageDescriptor: {
    ...table.storageDescriptor,
    columns: [
      ...table.storageDescriptor.columns,
      { name: 'battery_pct', type: 'double', comment: 'nullable' },
    ],
  },
});

const columnNames = (table: CatalogTable | undefined) => table?.storageDescriptor.columns.map((c) => c.name);

describe('local catalogue versions', () => {
  it('records the first schema of every table when a lake is opened, and no new version while it is unchanged', async () => {
    await (await LakeWriter.open({ lakeDir })).close();
    await (await LakeWriter.open({ lakeDir })).close();
    const versions = await catalogVersionsOf(lakeDir, 'telemetry');
    expect(versions).toHaveLength(1);
    expect(versions[0]).toEqual(localLakeCatalogOf(lakeDir).find((t) => t.name === 'telemetry'));
    expect(await catalogVersionsOf(lakeDir, 'quarantine')).toHaveLength(1);
  });

  it('records an added column as a new version and keeps the old one', async () => {
    await writeLakeCatalog(lakeDir);
    await writeLakeCatalog(lakeDir, withTelemetry(addColumn));
    const versions = await catalogVersionsOf(lakeDir, 'telemetry');
    expect(versions.map(columnNames).map((names) => names?.includes('battery_pct'))).toEqual([false, true]);
    const current = JSON.parse(
      await readFile(join(lakeDir, '_catalog/telemetry.json'), 'utf8'),
    ) as CatalogTable;
    expect(columnNames(current)).toContain('battery_pct');
    expect(await catalogVersionsOf(lakeDir, 'anomalies')).toHaveLength(1);
  });

  it('refuses a column whose type changed, saying which and why, and leaves the catalogue as it was', async () => {
    await writeLakeCatalog(lakeDir);
    const before = await readFile(join(lakeDir, '_catalog/telemetry.json'), 'utf8');
    const valueAsBigint = withTelemetry((table) => ({
      ...table,
      storageDescriptor: {
        ...table.storageDescriptor,
        columns: table.storageDescriptor.columns.map((c) =>
          c.name === 'value' ? { ...c, type: 'bigint' } : c,
        ),
      },
    }));
    const error = await writeLakeCatalog(lakeDir, valueAsBigint).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LakeCatalogError);
    expect((error as Error).message).toMatch(
      /^Lake table "telemetry" cannot move to the contract's new schema: column value is double in version 1 and bigint now\. The files already in .* would be misread\./,
    );
    expect(await readFile(join(lakeDir, '_catalog/telemetry.json'), 'utf8')).toBe(before);
    expect(await catalogVersionsOf(lakeDir, 'telemetry')).toHaveLength(1);
  });
});
