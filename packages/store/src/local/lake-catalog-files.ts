// The local lake's catalogue: `<lake>/_catalog/<table>.json`, the Glue table definitions the CDK
// DataLakeStack deploys, written beside the Parquet files so any tool can find the tables' columns.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogTableOf } from '@tributary/contracts';
import { lakeTableNames } from '../core/index.js';

export const catalogDirName = '_catalog';

/** Writes (or rewrites, after a contract change) one definition per lake table, each atomically. */
export async function writeLakeCatalog(lakeDir: string): Promise<void> {
  const directory = join(lakeDir, catalogDirName);
  await mkdir(directory, { recursive: true });
  const lakeUri = pathToFileURL(resolve(lakeDir)).href;
  for (const table of lakeTableNames) {
    const file = join(directory, `${table}.json`);
    await writeFile(`${file}.tmp`, `${JSON.stringify(catalogTableOf(table, lakeUri), null, 2)}\n`);
    await rename(`${file}.tmp`, file);
  }
}
