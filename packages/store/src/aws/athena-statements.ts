// Runs one Athena statement to its end: start it in a workgroup, poll until it leaves QUEUED/RUNNING, and
// read a single-value result. Enough for the lake's own maintenance; the Insights stage has the full query
// service with paging and limits.
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type AthenaClient,
  type QueryExecutionState,
} from '@aws-sdk/client-athena';

export interface AthenaStatementsOptions {
  readonly client: AthenaClient;
  readonly workGroup: string;
  readonly database: string;
  /** Waits between polls grow from this to 5 s. @default 500 */
  readonly firstPollMs?: number;
  /** A statement still running after this is reported as failed (it is left to the workgroup's limits). */
  readonly timeoutMs?: number;
}

export interface StatementOutcome {
  readonly queryExecutionId: string;
  readonly state: Extract<QueryExecutionState, 'SUCCEEDED' | 'FAILED' | 'CANCELLED'> | 'TIMED_OUT';
  /** Athena's StateChangeReason when it did not succeed. */
  readonly reason: string | undefined;
}

export class AthenaStatements {
  constructor(private readonly options: AthenaStatementsOptions) {}

  /** Runs `sql` and resolves with how it ended; only a failed API call rejects. */
  async run(sql: string): Promise<StatementOutcome> {
    const { client, workGroup, database } = this.options;
    const started = await client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: workGroup,
        QueryExecutionContext: { Database: database },
      }),
    );
    const queryExecutionId = started.QueryExecutionId;
    if (!queryExecutionId) throw new Error('Athena StartQueryExecution returned no QueryExecutionId');
    const deadline = Date.now() + (this.options.timeoutMs ?? 600_000);
    let waitMs = this.options.firstPollMs ?? 500;
    for (;;) {
      const { QueryExecution } = await client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }),
      );
      const state = QueryExecution?.Status?.State;
      if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') {
        return { queryExecutionId, state, reason: QueryExecution?.Status?.StateChangeReason };
      }
      if (Date.now() + waitMs > deadline) {
        return {
          queryExecutionId,
          state: 'TIMED_OUT',
          reason: `still ${state ?? 'unknown'} at the deadline`,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waitMs = Math.min(waitMs * 2, 5_000);
    }
  }

  /** Runs a query whose result is one number (its first column of its first row). */
  async count(sql: string): Promise<number> {
    const outcome = await this.run(sql);
    if (outcome.state !== 'SUCCEEDED') {
      throw new Error(`Athena query ${outcome.queryExecutionId} ${outcome.state}: ${outcome.reason ?? ''}`);
    }
    const results = await this.options.client.send(
      new GetQueryResultsCommand({ QueryExecutionId: outcome.queryExecutionId, MaxResults: 2 }),
    );
    // The first row of a SELECT's results holds the column names.
    const value = results.ResultSet?.Rows?.[1]?.Data?.[0]?.VarCharValue;
    const count = Number(value);
    if (value === undefined || !Number.isFinite(count)) {
      throw new Error(`Athena query ${outcome.queryExecutionId} returned no number (got ${String(value)})`);
    }
    return count;
  }
}
