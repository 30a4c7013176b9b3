// Device shadows in their own embedded DuckDB file, so they survive a restart. Writes are
// version-checked (compare-and-set on version + deleted_at): of two writers that read the same record,
// only one can win. Every statement is parameterized; names never reach SQL text.
import type { ShadowAddress } from '../core/shadow/shadow-address.js';
import type { JsonObject } from '../core/shadow/json-tree.js';
import type { ShadowRecord } from '../core/shadow/shadow-record.js';
import { EmbeddedDatabase } from './embedded-database.js';

/** The classic shadow's key: '' cannot collide with a named shadow (names are 1-64 characters). */
const classicShadowKey = '';

interface StoredSections {
  desired?: JsonObject;
  reported?: JsonObject;
}

export class LocalShadowStore {
  // DuckDB connections run one statement at a time; the queue keeps callers from interleaving on it.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly database: EmbeddedDatabase) {}

  /** Opens (or creates) the shadow database, e.g. `<dataDir>/shadows.duckdb`; `:memory:` keeps it in memory. */
  static async open(path: string): Promise<LocalShadowStore> {
    return new LocalShadowStore(
      await EmbeddedDatabase.open(path, [
        `CREATE TABLE IF NOT EXISTS shadows (
      thing_name VARCHAR NOT NULL,
      shadow_name VARCHAR NOT NULL,
      state VARCHAR NOT NULL,
      metadata VARCHAR NOT NULL,
      version BIGINT NOT NULL,
      deleted_at BIGINT,
      PRIMARY KEY (thing_name, shadow_name))`,
      ]),
    );
  }

  /** The stored record, deleted ones included (they carry the version a re-created shadow continues). */
  read(address: ShadowAddress): Promise<ShadowRecord | undefined> {
    return this.serialized(async () => {
      const [row] = await this.database.rows(
        'SELECT state, metadata, version, deleted_at FROM shadows WHERE thing_name = $1 AND shadow_name = $2',
        [address.thingName, address.shadowName ?? classicShadowKey],
      );
      return row ? toRecord(row) : undefined;
    });
  }

  /**
   * Writes `next` only if the stored record is still `expected` (undefined: no row yet).
   * Resolves false when another writer got there first; nothing is written then.
   */
  write(address: ShadowAddress, expected: ShadowRecord | undefined, next: ShadowRecord): Promise<boolean> {
    return this.serialized(async () => {
      const key = [address.thingName, address.shadowName ?? classicShadowKey];
      const values = [
        JSON.stringify(next.state),
        JSON.stringify(next.metadata),
        next.version,
        next.deletedAt ?? null,
      ];
      if (expected === undefined) {
        const inserted = await this.database.run(
          `INSERT INTO shadows VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [...key, ...values],
        );
        return inserted === 1;
      }
      const updated = await this.database.run(
        `UPDATE shadows SET state = $3, metadata = $4, version = $5, deleted_at = $6
         WHERE thing_name = $1 AND shadow_name = $2 AND version = $7 AND deleted_at IS NOT DISTINCT FROM $8`,
        [...key, ...values, expected.version, expected.deletedAt ?? null],
      );
      return updated === 1;
    });
  }

  /** Names of a thing's live named shadows, sorted; never the classic shadow. */
  listNamedShadows(thingName: string): Promise<string[]> {
    return this.serialized(async () => {
      const rows = await this.database.rows(
        `SELECT shadow_name FROM shadows
         WHERE thing_name = $1 AND shadow_name <> $2 AND deleted_at IS NULL ORDER BY shadow_name`,
        [thingName, classicShadowKey],
      );
      return rows.map((row) => String(row['shadow_name']));
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.database.close();
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function toRecord(row: Record<string, unknown>): ShadowRecord {
  const deletedAt = row['deleted_at'];
  return {
    state: JSON.parse(String(row['state'])) as StoredSections,
    metadata: JSON.parse(String(row['metadata'])) as StoredSections,
    version: Number(row['version']),
    ...(deletedAt === null || deletedAt === undefined ? {} : { deletedAt: Number(deletedAt) }),
  };
}
