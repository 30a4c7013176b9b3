// The hourly rollup Lambda against a mocked Athena (aws-sdk-client-mock): it unloads only the hours whose
// rollup partitions are empty, takes an UNLOAD that lost a race to another run as done, and fails the
// invocation — after trying every hour — when a rollup could not be written.
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaStatements } from '../src/aws/index.js';
import { createHourlyRollupHandler } from '../src/lambda/hourly-rollup-handler.js';

const athena = mockClient(AthenaClient);
const client = new AthenaClient({ region: 'eu-west-1' });

/** A fake Athena: each statement's SQL decides how it ends and, for counts, what it returns. */
function athenaAnswering(answer: (sql: string, attempt: number) => { state: string; rows?: number }) {
  const statements = new Map<string, { sql: string; attempt: number }>();
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
    const id = `q-${statements.size}`;
    const attempt = [...statements.values()].filter((s) => s.sql === input.QueryString).length + 1;
    statements.set(id, { sql: input.QueryString, attempt });
    return { QueryExecutionId: id };
  });
  const outcomeOf = (id: string) => {
    const { sql, attempt } = statements.get(id)!;
    return answer(sql, attempt);
  };
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
    const { state } = outcomeOf(input.QueryExecutionId);
    return {
      QueryExecution: {
        Status: { State: state, StateChangeReason: state === 'FAILED' ? 'boom' : undefined },
      },
    };
  });
  athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string }) => ({
    ResultSet: {
      Rows: [
        { Data: [{ VarCharValue: 'rows' }] },
        { Data: [{ VarCharValue: String(outcomeOf(input.QueryExecutionId).rows ?? 0) }] },
      ],
    },
  }));
  return statements;
}

const handlerWith = () =>
  createHourlyRollupHandler({
    athena: new AthenaStatements({
      client,
      workGroup: 'rollups',
      database: 'tributary_lake',
      firstPollMs: 1,
    }),
    lakeUri: 's3://lake-bucket',
    schedule: { settleMinutes: 15, lookbackHours: 2 },
  });

const run = { time: '2026-12-04T08:20:00Z' };
const isCount = (sql: string) => sql.startsWith('SELECT count(*)');
const hourOf = (sql: string) => /hour = '(\d\d)'/.exec(sql)?.[1];

beforeEach(() => athena.reset());

describe('hourly rollup Lambda', () => {
  it('unloads only the settled hours whose rollup partitions are empty', async () => {
    const statements = athenaAnswering((sql) =>
      isCount(sql) ? { state: 'SUCCEEDED', rows: hourOf(sql) === '06' ? 12 : 0 } : { state: 'SUCCEEDED' },
    );
    const outcome = await handlerWith()(run);
    expect(outcome).toEqual({
      rolledUp: ['telemetry_1m@2026-12-04T07:00:00.000Z', 'telemetry_1h@2026-12-04T07:00:00.000Z'],
      alreadyRolledUp: ['telemetry_1m@2026-12-04T06:00:00.000Z', 'telemetry_1h@2026-12-04T06:00:00.000Z'],
      failed: [],
    });
    const unloads = [...statements.values()].map((s) => s.sql).filter((sql) => sql.startsWith('UNLOAD'));
    expect(unloads).toHaveLength(2);
    expect(unloads[0]).toContain("TO 's3://lake-bucket/telemetry_1m/year=2026/month=12/day=04/hour=07/'");
    const started = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(started).toMatchObject({
      WorkGroup: 'rollups',
      QueryExecutionContext: { Database: 'tributary_lake' },
    });
  });

  it('takes a failed UNLOAD whose partition another run has filled as done', async () => {
    athenaAnswering((sql, attempt) => {
      if (!isCount(sql)) return { state: 'FAILED' };
      // Empty when first asked, filled by the time the UNLOAD failed.
      return { state: 'SUCCEEDED', rows: attempt === 1 ? 0 : 30 };
    });
    const outcome = await handlerWith()(run);
    expect(outcome.failed).toEqual([]);
    expect(outcome.alreadyRolledUp).toHaveLength(4);
  });

  it('tries every hour, then fails the invocation naming the rollups it could not write', async () => {
    athenaAnswering((sql) =>
      isCount(sql)
        ? { state: 'SUCCEEDED', rows: 0 }
        : { state: sql.includes('telemetry_1h/') && hourOf(sql) === '06' ? 'FAILED' : 'SUCCEEDED' },
    );
    await expect(handlerWith()(run)).rejects.toThrow(
      'Hourly rollups failed for telemetry_1h@2026-12-04T06:00:00.000Z; the next run retries them.',
    );
    expect(
      athena
        .commandCalls(StartQueryExecutionCommand)
        .filter((c) => c.args[0].input.QueryString?.startsWith('UNLOAD')),
    ).toHaveLength(4);
  });
});
