// One embedded DuckDB file with the small query surface the Ingest stores need (registry, certificates,
// shadows): its schema applied on open, parameterized statements only (faults.md #29), transactions.
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

export type SqlParams = readonly (string | number | boolean | null)[];
export type Row = Record<string, unknown>;

export class EmbeddedDatabase {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens (or creates) the file — `:memory:` keeps it in memory — and runs `schema` in order. */
  static async open(path: string, schema: readonly string[]): Promise<EmbeddedDatabase> {
    const instance = await DuckDBInstance.create(path);
    const database = new EmbeddedDatabase(instance, await instance.connect());
    for (const statement of schema) await database.run(statement);
    return database;
  }

  async rows(sql: string, params: SqlParams = []): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
    return reader.getRowObjectsJS() as Row[];
  }

  /** Runs one statement; resolves with the number of rows it changed. */
  async run(sql: string, params: SqlParams = []): Promise<number> {
    const result = await this.connection.run(sql, params as DuckDBValue[]);
    return Number(result.rowsChanged);
  }

  /** Runs `work` atomically; callers serialize writes, so one connection is enough. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
