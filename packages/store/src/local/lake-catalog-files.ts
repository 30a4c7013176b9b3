// The local lake's catalogue: `<lake>/_catalog/<table>.json`, the Glue table definitions the CDK
// DataLakeStack deploys, written beside the Parquet files so any tool can find the tables' columns.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CatalogTable } from '@tributary/contracts';
import { lakeCatalogOf } from '../core/index.js';

export const catalogDirName = '_catalog';

/** The catalogue of the lake in `lakeDir`: every table located under its `file://` URI. */
export const localLakeCatalogOf = (lakeDir: string): CatalogTable[] =>
  lakeCatalogOf(pathToFileURL(resolve(lakeDir)).href);

/** Writes (or rewrites, after a contract change) one definition per lake table, each atomically. */
export async function writeLakeCatalog(lakeDir: string): Promise<void> {
  const directory = join(lakeDir, catalogDirName);
  await mkdir(directory, { recursive: true });
  for (const table of localLakeCatalogOf(lakeDir)) {
    const file = join(directory, `${table.name}.json`);
    await writeFile(`${file}.tmp`, `${JSON.stringify(table, null, 2)}\n`);
    await rename(`${file}.tmp`, file);
  }
}
