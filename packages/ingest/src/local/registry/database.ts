// The registry's embedded DuckDB file: schema, migration of older files, and a small query surface.
// Every statement is parameterized (faults.md #29).
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

export type SqlParams = readonly (string | number | boolean | null)[];
export type Row = Record<string, unknown>;

export class RegistryDatabase {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string): Promise<RegistryDatabase> {
    const instance = await DuckDBInstance.create(path);
    const database = new RegistryDatabase(instance, await instance.connect());
    await database.migrate();
    return database;
  }

  async rows(sql: string, params: SqlParams = []): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql, params as DuckDBValue[]);
    return reader.getRowObjectsJS() as Row[];
  }

  async run(sql: string, params: SqlParams = []): Promise<void> {
    await this.connection.run(sql, params as DuckDBValue[]);
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

  private async migrate(): Promise<void> {
    // The first registry files had only name, type, attributes and version: ids are added in place.
    await this.run(`CREATE TABLE IF NOT EXISTS things (
      thing_name VARCHAR PRIMARY KEY,
      thing_type_name VARCHAR,
      attributes VARCHAR NOT NULL,
      version INTEGER NOT NULL)`);
    await this.run('ALTER TABLE things ADD COLUMN IF NOT EXISTS thing_id VARCHAR');
    await this.run('UPDATE things SET thing_id = uuid()::VARCHAR WHERE thing_id IS NULL');
    await this.run(`CREATE TABLE IF NOT EXISTS thing_types (
      thing_type_name VARCHAR PRIMARY KEY,
      thing_type_id VARCHAR NOT NULL,
      description VARCHAR,
      searchable_attributes VARCHAR NOT NULL,
      deprecated BOOLEAN NOT NULL,
      deprecation_date BIGINT,
      creation_date BIGINT NOT NULL)`);
    // Those files also named thing types that were never created; create them so every type resolves.
    await this.run(
      `INSERT INTO thing_types
       SELECT DISTINCT thing_type_name, uuid()::VARCHAR, NULL, '[]', false, NULL, epoch_ms(now())
       FROM things
       WHERE thing_type_name IS NOT NULL
         AND thing_type_name NOT IN (SELECT thing_type_name FROM thing_types)`,
    );
    await this.run(`CREATE TABLE IF NOT EXISTS thing_groups (
      thing_group_name VARCHAR PRIMARY KEY,
      thing_group_id VARCHAR NOT NULL,
      parent_group_name VARCHAR,
      description VARCHAR,
      attributes VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      creation_date BIGINT NOT NULL)`);
    await this.run(`CREATE TABLE IF NOT EXISTS thing_group_members (
      thing_group_name VARCHAR NOT NULL,
      thing_name VARCHAR NOT NULL,
      PRIMARY KEY (thing_group_name, thing_name))`);
  }
}
