// The in-memory DuckDB that answers SQL over the lake: it can read files only under the lake directory,
// loads no extensions, and its configuration is locked before any user SQL runs (DESIGN.md §4).
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { AnyLakeTableName } from '@tributary/contracts';
import { lakeTableNames, lakeViewSql, quoteLiteral } from '../core/index.js';

const memoryLimit = '1GB';

export class LakeSandbox {
  /** Tables whose view reads files; the others are still the empty stand-in. */
  private readonly tablesWithFiles = new Set<AnyLakeTableName>();
  private refreshing: Promise<void> = Promise.resolve();

  private constructor(
    readonly instance: DuckDBInstance,
    private readonly admin: DuckDBConnection,
    readonly lakeDir: string,
  ) {}

  /**
   * `exportDir` is the one directory, besides the lake, the sandbox may touch: `tributary export` writes its
   * file there. The query endpoint never passes it.
   */
  static async open(lakeDir: string, options: { exportDir?: string } = {}): Promise<LakeSandbox> {
    const root = resolve(lakeDir);
    const allowed = [root, ...(options.exportDir ? [resolve(options.exportDir)] : [])];
    const instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      // Lake files are local: the OS page cache already holds them, and DuckDB's own copy of their bytes
      // would keep files that compaction has deleted until the memory limit forced them out.
      enable_external_file_cache: 'false',
    });
    const admin = await instance.connect();
    // Order matters: each setting below is refused once external access is off or the config is locked.
    for (const setting of [
      `SET temp_directory = ''`,
      // DuckDB would take 80% of RAM; the platform shares the process. Without a temp directory nothing
      // spills, so a query past this fails (Out of Memory) instead of growing the process.
      `SET memory_limit = '${memoryLimit}'`,
      `SET allowed_directories = [${allowed.map((dir) => quoteLiteral(`${dir}/`)).join(', ')}]`,
      `SET enable_external_access = false`,
      `SET lock_configuration = true`,
    ]) {
      await admin.run(setting);
    }
    const sandbox = new LakeSandbox(instance, admin, root);
    for (const table of lakeTableNames) await admin.run(lakeViewSql(root, table, false));
    await sandbox.refreshViews();
    return sandbox;
  }

  /**
   * Points each still-empty table's view at its files once the first file appears, so a running service
   * sees new tables without a restart. Cheap: it looks only until a table has its first file.
   */
  refreshViews(): Promise<void> {
    const refreshed = this.refreshing.then(async () => {
      for (const table of lakeTableNames) {
        if (this.tablesWithFiles.has(table) || !(await hasDataFiles(join(this.lakeDir, table)))) continue;
        await this.admin.run(lakeViewSql(this.lakeDir, table, true));
        this.tablesWithFiles.add(table);
      }
    });
    this.refreshing = refreshed.catch(() => undefined);
    return refreshed;
  }

  close(): void {
    this.admin.closeSync();
    this.instance.closeSync();
  }
}

async function hasDataFiles(tableDir: string): Promise<boolean> {
  try {
    const files = await readdir(tableDir, { recursive: true });
    return files.some((file) => file.endsWith('.parquet'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
