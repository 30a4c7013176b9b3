// Reading the deployed catalogue through Glue (mocked at the SDK): every page of GetTables, and a missing
// database as an error that says what to do.
// https://docs.aws.amazon.com/glue/latest/webapi/API_GetTables.html
import {
  AccessDeniedException,
  EntityNotFoundException,
  GetTablesCommand,
  GlueClient,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deployedTablesOf, GlueCatalogError } from '../src/aws/index.js';

const glue = mockClient(GlueClient);
const client = new GlueClient({ region: 'eu-west-1' });

beforeEach(() => glue.reset());

describe('deployedTablesOf', () => {
  it('follows NextToken through every page of tributary_lake', async () => {
    glue
      .on(GetTablesCommand, { DatabaseName: 'tributary_lake', NextToken: undefined })
      .resolves({ TableList: [{ Name: 'anomalies' }], NextToken: 'page-2' })
      .on(GetTablesCommand, { DatabaseName: 'tributary_lake', NextToken: 'page-2' })
      .resolves({ TableList: [{ Name: 'quarantine' }], NextToken: 'page-3' })
      .on(GetTablesCommand, { DatabaseName: 'tributary_lake', NextToken: 'page-3' })
      .resolves({ TableList: [{ Name: 'telemetry' }] });

    const tables = await deployedTablesOf(client);

    expect(tables.map((table) => table.Name)).toEqual(['anomalies', 'quarantine', 'telemetry']);
    expect(glue.commandCalls(GetTablesCommand).map((call) => call.args[0].input.NextToken)).toEqual([
      undefined,
      'page-2',
      'page-3',
    ]);
  });

  it('reads the database it is given', async () => {
    glue
      .on(GetTablesCommand, { DatabaseName: 'staging_lake' })
      .resolves({ TableList: [{ Name: 'telemetry' }] });
    await expect(deployedTablesOf(client, 'staging_lake')).resolves.toEqual([{ Name: 'telemetry' }]);
  });

  it('turns a missing database into DATABASE_NOT_FOUND naming the database, the region and the fix', async () => {
    glue
      .on(GetTablesCommand)
      .rejects(new EntityNotFoundException({ message: 'Database not found', $metadata: {} }));
    const failure = deployedTablesOf(client, 'nope_lake');
    await expect(failure).rejects.toBeInstanceOf(GlueCatalogError);
    await expect(failure).rejects.toMatchObject({
      code: 'DATABASE_NOT_FOUND',
      message: expect.stringMatching(/"nope_lake" does not exist in eu-west-1: deploy the store stage/),
    });
  });

  it('lets any other Glue error through unchanged', async () => {
    const denied = new AccessDeniedException({
      message: 'not authorized to perform glue:GetTables',
      $metadata: {},
    });
    glue.on(GetTablesCommand).rejects(denied);
    await expect(deployedTablesOf(client)).rejects.toBe(denied);
  });
});
