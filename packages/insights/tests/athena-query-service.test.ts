// The Athena adapter (mocked at the SDK): start in the workgroup, poll until the query ends, page the
// results, and answer the same QueryResult and QueryError codes as the local DuckDB service.
// https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html
// https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
  type ColumnInfo,
  type GetQueryResultsOutput,
  type QueryExecution,
  type Row,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AthenaQueryService, QueryError, type QueryErrorCode } from '../src/aws/index.js';
import { namedQueries } from '../src/core/index.js';

const athena = mockClient(AthenaClient);
// Filtered by hand: commandCalls(StopQueryExecutionCommand) trips a TypeScript variance check that depends on
// which other files the program holds.
const stopCalls = () => athena.calls().filter((call) => call.args[0] instanceof StopQueryExecutionCommand);
const client = new AthenaClient({ region: 'eu-west-1' });
const id = 'q-1';

const columnsOf = (...columns: [name: string, type: string][]): ColumnInfo[] =>
  columns.map(([Name, Type]) => ({ Name, Type }));
/** A result row: undefined is a NULL cell (no VarCharValue). */
const rowOf = (...cells: (string | undefined)[]): Row => ({
  Data: cells.map((VarCharValue) => (VarCharValue === undefined ? {} : { VarCharValue })),
});
const pageOf = (columns: ColumnInfo[], rows: Row[], nextToken?: string): GetQueryResultsOutput => ({
  ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: rows },
  NextToken: nextToken,
});
const executionIn = (
  State: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED',
  more: Partial<QueryExecution> = {},
) => ({
  QueryExecution: { QueryExecutionId: id, StatementType: 'DML' as const, Status: { State }, ...more },
});

/** A query Athena accepted; the caller says what GetQueryExecution answers next. */
const executionStarted = () =>
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: id }).on(GetQueryExecutionCommand);

const readingColumns = columnsOf(['thing_name', 'varchar'], ['value', 'double']);
/** A SELECT whose answer is one page with the header row and the given readings. */
const succeedWith = (...readings: [string, string][]) => {
  executionStarted()
    .resolves(executionIn('SUCCEEDED', { Statistics: { DataScannedInBytes: 2048 } }))
    .on(GetQueryResultsCommand)
    .resolves(pageOf(readingColumns, [rowOf('thing_name', 'value'), ...readings.map((r) => rowOf(...r))]));
};

/** Runs the answer to its end while fake time passes, and returns what it settled to. */
async function settle<T>(answer: Promise<T>): Promise<T> {
  const outcome = answer.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  const settled = await outcome;
  if ('error' in settled) throw settled.error;
  return settled.value;
}

async function queryErrorOf(answer: Promise<unknown>): Promise<QueryError> {
  const error = await settle(answer).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QueryError);
  return error as QueryError;
}

const startInput = () => athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;

let service: AthenaQueryService;

beforeEach(() => {
  vi.useFakeTimers();
  athena.reset();
  service = new AthenaQueryService({ client });
});

afterEach(async () => {
  await settle(service.close());
  vi.useRealTimers();
});

describe('AthenaQueryService answers', () => {
  it('reports the DataScannedInBytes of GetQueryExecution as bytesScanned, the field the local service fills', async () => {
    // https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatistics.html
    succeedWith(['pump-7', '21.5']);

    const result = await settle(service.runNamed('latest_values', { since: 0 }));

    expect(result.bytesScanned).toBe(2048);
    expect(result.rows).toEqual([{ thing_name: 'pump-7', value: 21.5 }]);
  });

  it('starts the query in the tributary workgroup over tributary_lake and reads every result page', async () => {
    executionStarted()
      .resolves(executionIn('SUCCEEDED', { Statistics: { DataScannedInBytes: 1_234_567 } }))
      .on(GetQueryResultsCommand, { NextToken: undefined })
      .resolves(pageOf(readingColumns, [rowOf('thing_name', 'value'), rowOf('pump-7', '21.5')], 'page-2'))
      .on(GetQueryResultsCommand, { NextToken: 'page-2' })
      .resolves(pageOf(readingColumns, [rowOf('fan-2', '900.0')]));

    const result = await settle(service.query('SELECT thing_name, value FROM telemetry'));

    expect(startInput()).toEqual({
      QueryString: 'SELECT thing_name, value FROM telemetry',
      WorkGroup: 'tributary',
      QueryExecutionContext: { Database: 'tributary_lake' },
    });
    expect(result).toMatchObject({
      columns: [
        { name: 'thing_name', type: 'varchar' },
        { name: 'value', type: 'double' },
      ],
      rows: [
        { thing_name: 'pump-7', value: 21.5 },
        { thing_name: 'fan-2', value: 900 },
      ],
      truncated: false,
      bytesScanned: 1_234_567,
    });
    expect(athena.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input)).toEqual([
      { QueryExecutionId: id, NextToken: undefined, MaxResults: 1000 },
      { QueryExecutionId: id, NextToken: 'page-2', MaxResults: 1000 },
    ]);
  });

  it('polls GetQueryExecution with backoff while the query is queued and running', async () => {
    executionStarted()
      .resolvesOnce(executionIn('QUEUED'))
      .resolvesOnce(executionIn('RUNNING'))
      .resolvesOnce(executionIn('RUNNING'))
      .resolves(executionIn('SUCCEEDED'))
      .on(GetQueryResultsCommand)
      .resolves(pageOf(readingColumns, [rowOf('thing_name', 'value'), rowOf('pump-7', '1.0')]));
    const startedAt = Date.now();

    const result = await settle(service.query('SELECT thing_name, value FROM telemetry'));

    expect(result.rows).toEqual([{ thing_name: 'pump-7', value: 1 }]);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(4);
    // Waits of 100, 200 and 400 ms between the four polls.
    expect(Date.now() - startedAt).toBe(700);
  });

  it('renders parameters as the SQL literals Athena substitutes for ?', async () => {
    succeedWith();

    await settle(service.query('SELECT … WHERE …', ['pump-7', "O'Brien's", 42, -1.5, 1e21, 10n, true, null]));

    expect(startInput()?.ExecutionParameters).toEqual([
      "'pump-7'",
      "'O''Brien''s'",
      '42',
      '-1.5',
      '1E+21',
      '10',
      'TRUE',
      'NULL',
    ]);
  });

  it('runs a named query with the SQL the AnalyticsStack deploys and its parameters quoted', async () => {
    succeedWith(['pump-7', '21.5']);

    const result = await settle(
      service.runNamed('thing_readings', {
        thing_name: 'pump-7',
        from: '2026-11-25T05:00:00Z',
        to: Date.UTC(2026, 10, 25, 6),
      }),
    );

    expect(result.rows).toEqual([{ thing_name: 'pump-7', value: 21.5 }]);
    expect(startInput()).toMatchObject({
      QueryString: namedQueries.thing_readings.sql,
      ExecutionParameters: ["'pump-7'", "'2026-11-25 05:00:00.000'", "'2026-11-25 06:00:00.000'"],
    });
  });

  it('converts Athena text cells by column type, as the local service answers them', async () => {
    const columns = columnsOf(
      ['readings', 'bigint'],
      ['sequence', 'bigint'],
      ['hour_count', 'integer'],
      ['value', 'double'],
      ['score', 'double'],
      ['acknowledged', 'boolean'],
      ['received_at', 'timestamp'],
      ['note', 'varchar'],
      ['detector', 'varchar'],
      ['day', 'date'],
    );
    executionStarted()
      .resolves(executionIn('SUCCEEDED'))
      .on(GetQueryResultsCommand)
      .resolves(
        pageOf(columns, [
          rowOf(...columns.map((column) => column.Name)),
          rowOf(
            '42',
            '9007199254740993',
            '7',
            '21.5',
            'NaN',
            'true',
            '2026-11-25 05:15:30.123',
            '',
            undefined,
            '2026-11-25',
          ),
        ]),
      );

    const result = await settle(service.query('SELECT …'));

    expect(result.rows).toEqual([
      {
        readings: 42,
        sequence: '9007199254740993',
        hour_count: 7,
        value: 21.5,
        score: 'NaN',
        acknowledged: true,
        received_at: '2026-11-25T05:15:30.123Z',
        note: '',
        detector: null,
        day: '2026-11-25',
      },
    ]);
  });

  it('reads no further than maxRows and marks the result truncated', async () => {
    service = new AthenaQueryService({ client, maxRows: 2 });
    executionStarted()
      .resolves(executionIn('SUCCEEDED'))
      .on(GetQueryResultsCommand, { NextToken: undefined })
      .resolves(
        pageOf(
          readingColumns,
          [rowOf('thing_name', 'value'), rowOf('a', '1.0'), rowOf('b', '2.0'), rowOf('c', '3.0')],
          'page-2',
        ),
      );

    const result = await settle(service.query('SELECT thing_name, value FROM telemetry'));

    expect(result.rows).toEqual([
      { thing_name: 'a', value: 1 },
      { thing_name: 'b', value: 2 },
    ]);
    expect(result.truncated).toBe(true);
    // The header, the cap and one more row to know there are more; page 2 is never read.
    expect(athena.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input)).toEqual([
      { QueryExecutionId: id, NextToken: undefined, MaxResults: 4 },
    ]);
  });
});

describe('AthenaQueryService failures', () => {
  const failWith = (State: 'FAILED' | 'CANCELLED', reason: string, DataScannedInBytes?: number) =>
    executionStarted().resolves(
      executionIn(State, {
        Status: { State, StateChangeReason: reason },
        Statistics: { DataScannedInBytes },
      }),
    );

  it.each<[string, string, QueryErrorCode]>([
    [
      'a syntax error',
      "line 1:8: mismatched input 'FROM'. Expecting: '*', <expression>, <identifier>",
      'SYNTAX_ERROR',
    ],
    [
      'an unknown table',
      "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.tributary_lake.telemetri' does not exist",
      'INVALID_QUERY',
    ],
    [
      'data the caller may not read',
      'Permission denied on S3 path: s3://tributary-lake/telemetry/year=2026',
      'ACCESS_DENIED',
    ],
    ['an engine failure', 'HIVE_BAD_DATA: Error parsing field value', 'QUERY_FAILED'],
  ])('reports a query that FAILED on %s with the local service’s code', async (_, reason, code) => {
    failWith('FAILED', reason);

    const error = await queryErrorOf(service.query('SELECT …'));

    expect(error.code).toBe(code);
    expect(error.message).toContain(reason);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('reports a query cancelled at the workgroup’s bytes-scanned cutoff as BYTES_SCANNED_LIMIT', async () => {
    // https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html
    failWith('CANCELLED', 'Query cancelled! : Bytes scanned limit was exceeded', 10_737_418_240);

    const error = await queryErrorOf(service.query('SELECT * FROM telemetry'));

    expect(error.code).toBe('BYTES_SCANNED_LIMIT');
    expect(error.message).toContain('after scanning 10737418240 bytes');
    expect(error.message).toContain('Filter on the partition columns');
  });

  it('stops a query that runs past the timeout with StopQueryExecution and reports TIMEOUT', async () => {
    service = new AthenaQueryService({ client, timeoutMs: 1_000 });
    executionStarted().resolves(executionIn('RUNNING')).on(StopQueryExecutionCommand).resolves({});

    const error = await queryErrorOf(service.query('SELECT * FROM telemetry'));

    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toMatch(/longer than 1000 ms and was stopped/);
    expect((stopCalls()[0]?.args[0] as StopQueryExecutionCommand | undefined)?.input).toEqual({
      QueryExecutionId: id,
    });
  });

  it('tells how to stop a timed-out query by hand when StopQueryExecution is refused', async () => {
    service = new AthenaQueryService({ client, timeoutMs: 500 });
    executionStarted()
      .resolves(executionIn('RUNNING'))
      .on(StopQueryExecutionCommand)
      .rejects(new Error('Rate exceeded'));

    const error = await queryErrorOf(service.query('SELECT * FROM telemetry'));

    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain(`aws athena stop-query-execution --query-execution-id ${id}`);
  });

  it('reports Athena throttling the start as BUSY', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));

    const error = await queryErrorOf(service.query('SELECT 1'));

    expect(error.code).toBe('BUSY');
  });

  it('refuses a parameter Athena cannot take without starting a query', async () => {
    const error = await queryErrorOf(service.query('SELECT … WHERE value = ?', [{ value: 1 }]));

    expect(error).toMatchObject({ code: 'BAD_PARAMETERS', message: expect.stringContaining('Parameter 1') });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('stops running queries on close(); they fail with CLOSED, and new ones are refused', async () => {
    executionStarted().resolves(executionIn('RUNNING')).on(StopQueryExecutionCommand).resolves({});
    const failure = service.query('SELECT * FROM telemetry').catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(150);

    await service.close();

    expect(await failure).toMatchObject({ code: 'CLOSED' });
    expect(stopCalls()).toHaveLength(1);
    expect((await queryErrorOf(service.query('SELECT 1'))).code).toBe('CLOSED');
  });
});
