// The local lake's catalogue: `<lake>/_catalog/<table>.json`, the Glue table definitions the CDK
// DataLakeStack deploys, written beside the Parquet files so any tool can find the tables' columns.
// Every schema a table has had is kept as `_catalog/versions/<table>/NNNN.json`, as Glue keeps table
// versions; a contract change that would misread files already written (a column's type) is refused.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CatalogTable } from '@tributary/contracts';
import { catalogVersionChange, lakeCatalogOf, LakeCatalogError } from '../core/index.js';

export const catalogDirName = '_catalog';

/** The catalogue of the lake in `lakeDir`: every table located under its `file://` URI. */
export const localLakeCatalogOf = (lakeDir: string): CatalogTable[] =>
  lakeCatalogOf(pathToFileURL(resolve(lakeDir)).href);

/**
 * Writes (or rewrites, after a contract change) one definition per lake table, each atomically, and a new
 * version when its schema changed. Throws LakeCatalogError, writing nothing for that table, when a
 * column's type changed.
 */
export async function writeLakeCatalog(
  lakeDir: string,
  tables: readonly CatalogTable[] = localLakeCatalogOf(lakeDir),
): Promise<void> {
  const directory = join(lakeDir, catalogDirName);
  await mkdir(directory, { recursive: true });
  for (const table of tables) {
    const file = join(directory, `${table.name}.json`);
    const previous = await definitionIn(file);
    const versionsDir = join(directory, 'versions', table.name);
    const versions = await versionCount(versionsDir);
    // A lake catalogued before versions were kept: its current definition is version 1.
    if (previous && versions === 0) await writeAtomically(versionFile(versionsDir, 1), previous);
    const previousVersion = Math.max(versions, previous ? 1 : 0);
    const change = previous ? catalogVersionChange(previous, table) : undefined;
    if (change && change.typeChanges.length > 0) {
      throw new LakeCatalogError(table.name, change.typeChanges, lakeDir, previousVersion);
    }
    if (!previous || change?.schemaChanged) {
      await writeAtomically(versionFile(versionsDir, previousVersion + 1), table);
    }
    await writeAtomically(file, table);
  }
}

/** The schema versions `_catalog/versions/<table>/` holds, oldest first. */
export async function catalogVersionsOf(lakeDir: string, table: string): Promise<CatalogTable[]> {
  const versionsDir = join(lakeDir, catalogDirName, 'versions', table);
  const count = await versionCount(versionsDir);
  return Promise.all(
    Array.from(
      { length: count },
      async (_, index) =>
        JSON.parse(await readFile(versionFile(versionsDir, index + 1), 'utf8')) as CatalogTable,
    ),
  );
}

const versionFile = (versionsDir: string, version: number) =>
  join(versionsDir, `${String(version).padStart(4, '0')}.json`);

async function versionCount(versionsDir: string): Promise<number> {
  const files = await readdir(versionsDir).catch(() => [] as string[]);
  return files.filter((name) => /^\d{4}\.json$/.test(name)).length;
}

async function definitionIn(file: string): Promise<CatalogTable | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CatalogTable;
  } catch {
    // Missing, or left unreadable by hand: the contract's definition replaces it.
    return undefined;
  }
}

async function writeAtomically(file: string, table: CatalogTable): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(`${file}.tmp`, `${JSON.stringify(table, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}
