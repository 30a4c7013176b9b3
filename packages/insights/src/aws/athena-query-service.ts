// SQL over the deployed lake: each query is started in the Athena workgroup, polled with backoff until it
// ends, stopped when it runs past the timeout, and its rows read back in the QueryResult shape the local
// DuckDB service answers, so HTTP, CLI and dashboard code runs unchanged on AWS.
// https://docs.aws.amazon.com/athena/latest/ug/querying.html
import {
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { glueDatabaseName } from '@tributary/store';
import {
  bindNamedQuery,
  QueryError,
  workgroupName,
  type LakeQueries,
  type NamedQueryName,
  type QueryResult,
} from '../core/index.js';
import { queryErrorOfApiCall, queryErrorOfExecution } from './athena-failures.js';
import { executionParametersOf } from './athena-parameters.js';
import { readAthenaRows } from './athena-results.js';

export interface AthenaQueryServiceOptions {
  /** Configured with the region and credentials to query in; the caller owns (and destroys) it. */
  readonly client: AthenaClient;
  /** The workgroup, whose enforced settings (results location, bytes-scanned cutoff) apply. @default 'tributary' */
  readonly workGroup?: string;
  /** The Glue database that unqualified table names resolve in. @default 'tributary_lake' */
  readonly database?: string;
  /** The most rows a query returns; beyond it the result is marked truncated. @default 10_000 */
  readonly maxRows?: number;
  /** A query still queued or running after this long is stopped. @default 30_000 */
  readonly timeoutMs?: number;
}

/** Polls start at 100 ms and double up to 1 s: short queries answer fast, long ones cost few calls. */
const firstPollDelayMs = 100;
const maxPollDelayMs = 1000;

const finalStates = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export class AthenaQueryService implements LakeQueries {
  private readonly client: AthenaClient;
  private readonly workGroup: string;
  private readonly database: string;
  private readonly maxRows: number;
  private readonly timeoutMs: number;
  /** Ends every poll's wait when the service closes; each query then stops itself. */
  private readonly closing = new AbortController();
  /** Every query from its start to its end, so close() can wait for them. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: AthenaQueryServiceOptions) {
    this.client = options.client;
    this.workGroup = options.workGroup ?? workgroupName;
    this.database = options.database ?? glueDatabaseName;
    this.maxRows = options.maxRows ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Runs one read statement with `?` parameters; every failure is a QueryError. */
  query(sql: string, params: readonly unknown[] = []): Promise<QueryResult> {
    if (this.closing.signal.aborted) {
      return Promise.reject(new QueryError('CLOSED', 'The query service is closed.'));
    }
    const answer = this.run(sql, params);
    // The caller handles the answer; this copy only marks when the query ended, for close().
    const settled: Promise<unknown> = answer
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
    return answer;
  }

  /** Runs a query from the named-query catalogue with the SQL the AnalyticsStack deploys. */
  async runNamed(name: NamedQueryName, params: Readonly<Record<string, unknown>> = {}): Promise<QueryResult> {
    const bound = bindNamedQuery(name, params);
    return this.query(bound.sql, bound.params);
  }

  /** Stops running queries (they fail with CLOSED) and waits for them; the client stays the caller's. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all(this.inFlight);
  }

  private async run(sql: string, params: readonly unknown[]): Promise<QueryResult> {
    const startedAt = performance.now();
    const executionParameters = executionParametersOf(params);
    const { QueryExecutionId: id } = await this.call(() =>
      this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: this.workGroup,
          QueryExecutionContext: { Database: this.database },
          // Athena refuses an empty list.
          ExecutionParameters: executionParameters.length > 0 ? executionParameters : undefined,
        }),
      ),
    );
    if (!id) throw new QueryError('QUERY_FAILED', 'Athena started the query without an execution id.');
    const execution = await this.waitUntilDone(id, startedAt + this.timeoutMs);
    if (execution.Status?.State !== 'SUCCEEDED') throw queryErrorOfExecution(execution);
    const rows = await this.call(() =>
      readAthenaRows(this.client, id, {
        maxRows: this.maxRows,
        hasHeaderRow: execution.StatementType === 'DML',
      }),
    );
    return {
      ...rows,
      elapsedMs: Math.round(performance.now() - startedAt),
      bytesScanned: execution.Statistics?.DataScannedInBytes,
    };
  }

  /** Polls GetQueryExecution with backoff; stops the query at the deadline or when the service closes. */
  private async waitUntilDone(id: string, deadline: number): Promise<QueryExecution> {
    for (let delay = firstPollDelayMs; ; delay = Math.min(delay * 2, maxPollDelayMs)) {
      const { QueryExecution: execution } = await this.call(() =>
        this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      if (execution && finalStates.has(execution.Status?.State ?? '')) return execution;
      const remainingMs = deadline - performance.now();
      if (remainingMs <= 0) {
        throw await this.stopped(id, 'TIMEOUT', `The query ran longer than ${this.timeoutMs} ms`);
      }
      if (!(await this.waitUnlessClosed(Math.min(delay, remainingMs)))) {
        throw await this.stopped(id, 'CLOSED', 'The query service closed while the query ran');
      }
    }
  }

  /** Stops a query and explains why, or how to stop it by hand if Athena refused. */
  private async stopped(id: string, code: 'TIMEOUT' | 'CLOSED', why: string): Promise<QueryError> {
    const advice =
      code === 'TIMEOUT' ? ': filter on the partition columns (year, month, day, hour) or add a LIMIT' : '';
    try {
      await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
      return new QueryError(code, `${why} and was stopped${advice}.`);
    } catch (error) {
      const byHand = `aws athena stop-query-execution --query-execution-id ${id}`;
      return new QueryError(code, `${why} and could not be stopped: stop it with ${byHand}${advice}.`, {
        cause: error,
      });
    }
  }

  /** Runs Athena calls with every refusal turned into a QueryError. */
  private async call<Output>(request: () => Promise<Output>): Promise<Output> {
    try {
      return await request();
    } catch (error) {
      throw queryErrorOfApiCall(error, this.workGroup);
    }
  }

  /** Waits `ms`; false as soon as the service closes. */
  private waitUnlessClosed(ms: number): Promise<boolean> {
    const signal = this.closing.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const closed = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', closed);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', closed, { once: true });
    });
  }
}
