// `tributary catalog diff|show` against a Glue client mocked at the SDK: exit 0 on no drift, 1 on drift,
// 2 on a usage error or a database that is not there. Nothing here reaches AWS.
import { EntityNotFoundException, GetTablesCommand, GlueClient, type Table } from '@aws-sdk/client-glue';
import type { CatalogTable } from '@tributary/contracts';
import { lakeCatalogOf } from '@tributary/store';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCatalogCommand } from '../src/cli/catalog-command.js';

const glue = mockClient(GlueClient);
const glueClient = new GlueClient({ region: 'eu-west-1' });
let stdout: string;
let stderr: string;

/** The contract's tables as GetTables returns them once the store stage is deployed. */
const deployedAsGlueReturnsIt = (table: CatalogTable): Table => ({
  Name: table.name,
  StorageDescriptor: {
    Location: table.storageDescriptor.location,
    Columns: table.storageDescriptor.columns.map((c) => ({ Name: c.name, Type: c.type, Comment: c.comment })),
  },
  PartitionKeys: table.partitionKeys.map((k) => ({ Name: k.name, Type: k.type })),
  Parameters: table.parameters,
});
const deployedContract = () => lakeCatalogOf('s3://tributary-lake-123').map(deployedAsGlueReturnsIt);

beforeEach(() => {
  glue.reset();
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('tributary catalog diff', () => {
  it('exits 0 and says so when the deployed database matches the contract', async () => {
    glue.on(GetTablesCommand, { DatabaseName: 'tributary_lake' }).resolves({ TableList: deployedContract() });
    await expect(runCatalogCommand('diff', { glueClient })).resolves.toBe(0);
    expect(stdout).toBe('Glue database tributary_lake (eu-west-1) matches the contract: no drift.\n');
  });

  it('exits 1 and lists each drift with its severity when Glue lags the contract', async () => {
    const [first, ...rest] = deployedContract().filter((table) => table.Name !== 'quarantine');
    const withoutSite = {
      ...first!,
      StorageDescriptor: {
        ...first!.StorageDescriptor,
        Columns: first!.StorageDescriptor!.Columns!.filter((c) => c.Name !== 'site'),
      },
    };
    const tables = [withoutSite, ...rest].map((t) =>
      t.Name === 'anomalies' ? { ...t, PartitionKeys: [] } : t,
    );
    glue.on(GetTablesCommand).resolves({ TableList: tables });

    await expect(runCatalogCommand('diff', { glueClient })).resolves.toBe(1);

    expect(stdout).toMatch(/differs from the contract: 2 additive, 1 breaking\./);
    expect(stdout).toMatch(/BREAKING\s+anomalies\s+Partition keys of anomalies/);
    expect(stdout).toMatch(/ADDITIVE\s+quarantine\s+Table quarantine is in the contract but not in Glue/);
    expect(stdout).toMatch(
      /ADDITIVE\s+telemetry\s+Column telemetry\.site \(string, nullable\) is not deployed yet/,
    );
  });

  it('prints the drifts as JSON with --format json', async () => {
    glue.on(GetTablesCommand, { DatabaseName: 'staging_lake' }).resolves({
      TableList: deployedContract().filter((table) => table.Name !== 'telemetry'),
    });
    await expect(
      runCatalogCommand('diff', { glueClient, database: 'staging_lake', format: 'json' }),
    ).resolves.toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      database: 'staging_lake',
      region: 'eu-west-1',
      additive: 1,
      breaking: 0,
      drifts: [{ table: 'telemetry', kind: 'missing-table', severity: 'additive' }],
    });
  });

  it('exits 2 with what to do when the database does not exist', async () => {
    glue
      .on(GetTablesCommand)
      .rejects(new EntityNotFoundException({ message: 'Database not found', $metadata: {} }));
    await expect(runCatalogCommand('diff', { glueClient })).resolves.toBe(2);
    expect(stderr).toMatch(
      /"tributary_lake" does not exist in eu-west-1: deploy the store stage.*--database NAME/,
    );
    expect(stdout).toBe('');
  });

  it('exits 2 on an unknown format without calling Glue', async () => {
    await expect(runCatalogCommand('diff', { glueClient, format: 'csv' })).resolves.toBe(2);
    expect(stderr).toContain('Unknown format "csv": use table or json');
    expect(glue.calls()).toHaveLength(0);
  });

  it('exits 2 with the usage on an unknown or missing subcommand', async () => {
    await expect(runCatalogCommand('drift', {})).resolves.toBe(2);
    await expect(runCatalogCommand(undefined, {})).resolves.toBe(2);
    expect(stderr).toContain('Unknown catalog subcommand "drift"');
    expect(stderr).toContain('tributary catalog diff [--database NAME] [--region R] [--format table|json]');
  });
});

describe('tributary catalog show', () => {
  it('prints the local definitions of every lake table, located in the local lake', async () => {
    await expect(runCatalogCommand('show', { dataDir: '/tmp/tributary-show' })).resolves.toBe(0);
    const tables = JSON.parse(stdout) as CatalogTable[];
    expect(tables.map((table) => table.name)).toEqual([
      'telemetry',
      'anomalies',
      'quarantine',
      'shadow_history',
      'lifecycle_events',
      'telemetry_1m',
      'telemetry_1h',
    ]);
    expect(tables[0]?.storageDescriptor.location).toBe('file:///tmp/tributary-show/lake/telemetry/');
    expect(tables[0]?.storageDescriptor.columns).toContainEqual({
      name: 'site',
      type: 'string',
      comment: 'nullable',
    });
  });
});
