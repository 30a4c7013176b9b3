// Read-only SQL over the local lake: one sandboxed DuckDB, short-lived connections per query, a row
// cap, a timeout and a bytes-scanned cutoff, and answers in the JSON-safe QueryResult shape every
// surface shares.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LakeFileGate } from '@tributary/store/local';
import {
  bindNamedQuery,
  bytesScannedLimitError,
  defaultBytesScannedCutoffPerQuery,
  QueryError,
  toJsonSafe,
  type BoundParameter,
  type LakeQueries,
  type NamedQueryName,
  type QueryResult,
} from '../core/index.js';
import { queryErrorOf } from './duckdb-errors.js';
import { exportLakeQuery, type ExportFormat, type LakeExportResult } from './lake-export.js';
import { LakeSandbox } from './lake-sandbox.js';
import { prepareReadStatement } from './read-only-statement.js';
import { ScanBytesMeter } from './scan-bytes-meter.js';

export interface LakeQueryServiceOptions {
  /** The lake root, as given to the LakeWriter. */
  readonly lakeDir: string;
  /** The most rows a query returns; beyond it the result is marked truncated. @default 10_000 */
  readonly maxRows?: number;
  /** A query running longer is interrupted. @default 30_000 */
  readonly timeoutMs?: number;
  /** Queries allowed to run at once; more are refused with BUSY so memory stays bounded. @default 4 */
  readonly maxConcurrentQueries?: number;
  /**
   * A query whose Parquet scans would read more bytes is refused with BYTES_SCANNED_LIMIT before it runs,
   * as an Athena workgroup's BytesScannedCutoffPerQuery cancels it once it has read them.
   * @default 10 GiB, the AnalyticsStack's workgroup default
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * The gate a LakeCompactor in this process swaps files under: each query holds it shared, so it never
   * reads a partition halfway through a swap. @default none (no compaction in this process)
   */
  readonly fileGate?: LakeFileGate;
}

export class LakeQueryService implements LakeQueries {
  /** Every query from its admission to its end, so close() can wait for them. */
  private readonly inFlight = new Set<Promise<void>>();
  /** The connections of running queries, so close() can interrupt them. */
  private readonly connections = new Set<DuckDBConnection>();
  private closed = false;
  private readonly scanBytes = new ScanBytesMeter();

  private constructor(
    private readonly lakeDir: string,
    private readonly sandbox: LakeSandbox,
    private readonly maxRows: number,
    private readonly timeoutMs: number,
    private readonly maxConcurrentQueries: number,
    private readonly bytesScannedCutoff: number,
    private readonly fileGate: LakeFileGate | undefined,
  ) {}

  static async open(options: LakeQueryServiceOptions): Promise<LakeQueryService> {
    const sandbox = await LakeSandbox.open(options.lakeDir);
    return new LakeQueryService(
      options.lakeDir,
      sandbox,
      options.maxRows ?? 10_000,
      options.timeoutMs ?? 30_000,
      options.maxConcurrentQueries ?? 4,
      options.bytesScannedCutoffPerQuery ?? defaultBytesScannedCutoffPerQuery,
      options.fileGate,
    );
  }

  /**
   * Runs one read statement with `?` or `$1` parameters; every failure is a QueryError. A
   * `bytesScannedCutoff` lower than the service's applies to this query (a higher one does not).
   */
  query(
    sql: string,
    params: readonly unknown[] = [],
    options: { readonly bytesScannedCutoff?: number } = {},
  ): Promise<QueryResult> {
    const cutoff = Math.min(this.bytesScannedCutoff, options.bytesScannedCutoff ?? Number.POSITIVE_INFINITY);
    return this.admitted(() => this.run(sql, params, cutoff));
  }

  /**
   * Writes one read statement's whole result (no row cap, no bytes-scanned cutoff: an export is asked for
   * by name) to `outPath` as `tributary export` does, holding a query slot and the gate like a query.
   */
  exportTo(sql: string, format: ExportFormat, outPath: string): Promise<LakeExportResult> {
    return this.admitted(() => exportLakeQuery({ lakeDir: this.lakeDir, sql, format, outPath }));
  }

  /** Runs `work` in a query slot, under the gate the compactor swaps files under; every failure is a QueryError. */
  private admitted<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new QueryError('CLOSED', 'The query service is closed.'));
    if (this.inFlight.size >= this.maxConcurrentQueries) {
      const busy = `${this.inFlight.size} queries are already running; retry in a moment.`;
      return Promise.reject(new QueryError('BUSY', busy));
    }
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    this.inFlight.add(finished);
    // The slot is freed before the caller sees the answer, so its next query is never refused as BUSY.
    return (this.fileGate ? this.fileGate.shared(work) : work())
      .catch((error: unknown) => {
        throw queryErrorOf(error, { timedOut: false, timeoutMs: this.timeoutMs, closed: this.closed });
      })
      .finally(() => {
        this.inFlight.delete(finished);
        finish();
      });
  }

  /** Runs a query from the named-query catalogue (see namedQueries) with parameters by name. */
  runNamed(name: NamedQueryName, params: Readonly<Record<string, unknown>> = {}): Promise<QueryResult> {
    const bound = bindNamedQuery(name, params);
    return this.query(bound.sql, bound.params);
  }

  /** Interrupts running queries (they fail with CLOSED), waits for them, then frees DuckDB. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const connection of this.connections) connection.interrupt();
    await Promise.all(this.inFlight);
    this.sandbox.close();
  }

  private async run(sql: string, params: readonly unknown[], cutoff: number): Promise<QueryResult> {
    const boundParams = checkParameters(params);
    await this.sandbox.refreshViews();
    // The second connection measures the bytes to scan while the first prepares the statement: the
    // measure plans the statement again, and its time hides behind the prepare's.
    const connection = await this.sandbox.instance.connect();
    const meterConnection = await this.sandbox.instance.connect();
    const connections = [connection, meterConnection];
    for (const each of connections) this.connections.add(each);
    try {
      if (this.closed) throw new QueryError('CLOSED', 'The query service closed before the query started.');
      return await this.runWithTimeout(connection, meterConnection, sql, boundParams, cutoff);
    } finally {
      for (const each of connections) {
        this.connections.delete(each);
        each.closeSync();
      }
    }
  }

  private async runWithTimeout(
    connection: DuckDBConnection,
    meterConnection: DuckDBConnection,
    sql: string,
    params: BoundParameter[],
    cutoff: number,
  ): Promise<QueryResult> {
    const startedAt = performance.now();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      connection.interrupt();
      meterConnection.interrupt();
    }, this.timeoutMs);
    // Planning is binding, never running: json_serialize_plan of a write plans it and does nothing, so
    // it may start before prepareReadStatement has judged the statement; its answer is used only after.
    const measured = this.scanBytes.bytesToScan(meterConnection, sql, params).then(
      (bytes) => ({ bytes }),
      (error: unknown) => ({ error }),
    );
    try {
      const prepared = await prepareReadStatement(connection, sql);
      if (prepared.parameterCount !== params.length) {
        throw new QueryError(
          'BAD_PARAMETERS',
          `The query has ${prepared.parameterCount} parameter placeholders but ${params.length} values were given.`,
        );
      }
      if (params.length > 0) prepared.bind(params);
      const measure = await measured;
      if ('error' in measure) throw measure.error;
      const bytesScanned = measure.bytes;
      if (bytesScanned !== undefined && bytesScanned > cutoff) {
        throw bytesScannedLimitError(bytesScanned, cutoff);
      }
      const reader = await prepared.streamAndReadUntil(this.maxRows + 1);
      const columnTypes = reader.columnTypes();
      const rows = reader.getRowObjectsJS().slice(0, this.maxRows);
      return {
        columns: reader.columnNames().map((name, index) => ({ name, type: String(columnTypes[index]) })),
        rows: rows.map((row) => toJsonSafe(row) as Record<string, unknown>),
        truncated: reader.currentRowCount > this.maxRows,
        elapsedMs: Math.round(performance.now() - startedAt),
        ...(bytesScanned === undefined ? {} : { bytesScanned }),
      };
    } catch (error) {
      // A refused statement's measure is not wanted; it must end before its connection closes.
      meterConnection.interrupt();
      await measured;
      throw queryErrorOf(error, { timedOut, timeoutMs: this.timeoutMs, closed: this.closed });
    } finally {
      clearTimeout(timer);
    }
  }
}

function checkParameters(params: readonly unknown[]): BoundParameter[] {
  return params.map((value, index) => {
    const type = typeof value;
    if (value === null || type === 'string' || type === 'number' || type === 'boolean' || type === 'bigint') {
      return value as BoundParameter;
    }
    throw new QueryError(
      'BAD_PARAMETERS',
      `Parameter ${index + 1} is ${Array.isArray(value) ? 'an array' : type}: use a string, number, boolean or null.`,
    );
  });
}
