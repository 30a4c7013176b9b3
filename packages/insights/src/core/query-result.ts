// The shape of a SQL answer on every surface (HTTP, CLI, dashboard), and how engine values become JSON.

export interface QueryColumn {
  readonly name: string;
  /** The engine's type name, e.g. VARCHAR, DOUBLE, TIMESTAMP_MS. */
  readonly type: string;
}

export interface QueryResult {
  readonly columns: QueryColumn[];
  /** JSON-safe values: safe integers as numbers, larger ones as strings, timestamps as ISO-8601 strings. */
  readonly rows: Record<string, unknown>[];
  /** True when the query had more rows than the service returns. */
  readonly truncated: boolean;
  readonly elapsedMs: number;
  /**
   * Bytes the query scans, which a workgroup's per-query cutoff limits. Athena: its DataScannedInBytes.
   * Local: the Parquet footers and compressed column chunks of the columns read, in the files left after
   * partition pruning, measured before the run; an upper bound, as row groups skipped by their statistics
   * still count. Absent when it cannot be measured (the local SUMMARIZE, read_text …).
   */
  readonly bytesScanned?: number;
}

/** Converts a value read from DuckDB (its JS form) to one that JSON.stringify keeps exactly. */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') {
    const safe = value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER);
    return safe ? Number(value) : value.toString();
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJsonSafe(inner)]));
  }
  return value;
}
