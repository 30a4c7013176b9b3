// The drift check against the contract's own catalogue: a table deployed as CloudFormation deploys it
// shows no drift, and each kind of change is reported once, classified, with what to do about it.
import type { CatalogTable } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { diffCatalog, lakeCatalogOf, type DeployedTable } from '../src/core/index.js';

const contract = lakeCatalogOf('s3://contract-bucket');

/** A catalogue table as Glue's GetTables returns it once CloudFormation deployed it into `bucketUri`. */
function deployedAsGlueReturnsIt(table: CatalogTable, bucketUri = 's3://deployed-bucket'): DeployedTable {
  const inBucket = (value: string) => value.replaceAll('s3://contract-bucket', bucketUri);
  return {
    Name: table.name,
    StorageDescriptor: {
      Location: inBucket(table.storageDescriptor.location),
      Columns: table.storageDescriptor.columns.map((c) => ({
        Name: c.name,
        Type: c.type,
        Comment: c.comment,
      })),
    },
    PartitionKeys: table.partitionKeys.map((k) => ({ Name: k.name, Type: k.type })),
    Parameters: Object.fromEntries(Object.entries(table.parameters).map(([k, v]) => [k, inBucket(v)])),
  };
}

const deployedContract = () => contract.map((table) => deployedAsGlueReturnsIt(table));

function withTable(tables: DeployedTable[], name: string, change: (table: DeployedTable) => DeployedTable) {
  return tables.map((table) => (table.Name === name ? change(table) : table));
}

function withColumns(
  table: DeployedTable,
  change: (columns: { Name?: string; Type?: string }[]) => unknown[],
) {
  return {
    ...table,
    StorageDescriptor: {
      ...table.StorageDescriptor,
      Columns: change([...(table.StorageDescriptor?.Columns ?? [])]),
    },
  } as DeployedTable;
}

function withContractColumn(name: string, nullable: boolean): CatalogTable[] {
  return contract.map((table) =>
    table.name === 'telemetry'
      ? {
          ...table,
          storageDescriptor: {
            ...table.storageDescriptor,
            columns: [
              ...table.storageDescriptor.columns,
              { name, type: 'string', ...(nullable ? { comment: 'nullable' } : {}) },
            ],
          },
        }
      : table,
  );
}

describe('diffCatalog', () => {
  it('finds no drift when Glue holds the contract, whatever bucket it was deployed to', () => {
    expect(diffCatalog(contract, deployedContract())).toEqual([]);
  });

  it('ignores case in names and types, and table parameters that place no partition', () => {
    const deployed = withTable(deployedContract(), 'telemetry', (table) => ({
      ...withColumns(table, (columns) =>
        columns.map((c) => ({ Name: c.Name?.toUpperCase(), Type: c.Type?.toUpperCase() })),
      ),
      Parameters: { ...table.Parameters, transient_lastDdlTime: '1764046800', classification: 'PARQUET' },
    }));
    expect(diffCatalog(contract, deployed)).toEqual([]);
  });

  it('reports a new nullable contract column that Glue lacks as additive: deploy to add it', () => {
    const drifts = diffCatalog(withContractColumn('serial_number', true), deployedContract());
    expect(drifts).toEqual([
      expect.objectContaining({
        table: 'telemetry',
        kind: 'missing-column',
        severity: 'additive',
        subject: 'serial_number',
      }),
    ]);
    expect(drifts[0]?.message).toMatch(
      /telemetry\.serial_number \(string, nullable\) is not deployed yet: deploy the store stage/,
    );
  });

  it('reads nullability from the real contract: a missing telemetry.site is additive', () => {
    const deployed = withTable(deployedContract(), 'telemetry', (table) =>
      withColumns(table, (columns) => columns.filter((c) => c.Name !== 'site')),
    );
    expect(diffCatalog(contract, deployed)).toEqual([
      expect.objectContaining({ kind: 'missing-column', severity: 'additive', subject: 'site' }),
    ]);
  });

  it('reports a new required contract column as breaking: old files lack it', () => {
    const drifts = diffCatalog(withContractColumn('serial_number', false), deployedContract());
    expect(drifts).toEqual([
      expect.objectContaining({ kind: 'missing-column', severity: 'breaking', subject: 'serial_number' }),
    ]);
    expect(drifts[0]?.message).toContain('.nullable()');
  });

  it('reports a column Glue has and the contract removed as breaking', () => {
    const deployed = withTable(deployedContract(), 'anomalies', (table) =>
      withColumns(table, (columns) => [...columns, { Name: 'legacy_score', Type: 'double' }]),
    );
    expect(diffCatalog(contract, deployed)).toEqual([
      expect.objectContaining({
        table: 'anomalies',
        kind: 'extra-column',
        severity: 'breaking',
        subject: 'legacy_score',
        deployed: 'double',
      }),
    ]);
  });

  it('reports a changed column type as breaking, naming both types', () => {
    const deployed = withTable(deployedContract(), 'telemetry', (table) =>
      withColumns(table, (columns) =>
        columns.map((c) => (c.Name === 'value' ? { ...c, Type: 'bigint' } : c)),
      ),
    );
    const drifts = diffCatalog(contract, deployed);
    expect(drifts).toEqual([
      expect.objectContaining({
        kind: 'type-changed',
        severity: 'breaking',
        subject: 'value',
        expected: 'double',
        deployed: 'bigint',
      }),
    ]);
    expect(drifts[0]?.message).toMatch(/telemetry\.value is double in the contract but bigint in Glue/);
  });

  it('reports a table not yet deployed as additive and a table the contract lacks as breaking', () => {
    const deployed = [
      ...deployedContract().filter((table) => table.Name !== 'quarantine'),
      {
        Name: 'retired_readings',
        StorageDescriptor: { Location: 's3://deployed-bucket/retired_readings/', Columns: [] },
      },
    ];
    expect(diffCatalog(contract, deployed)).toEqual([
      expect.objectContaining({ table: 'quarantine', kind: 'missing-table', severity: 'additive' }),
      expect.objectContaining({ table: 'retired_readings', kind: 'extra-table', severity: 'breaking' }),
    ]);
  });

  it('reports partition keys that differ as one breaking drift', () => {
    const deployed = withTable(deployedContract(), 'telemetry', (table) => ({
      ...table,
      PartitionKeys: table.PartitionKeys?.filter((key) => key.Name !== 'hour'),
    }));
    expect(diffCatalog(contract, deployed)).toEqual([
      expect.objectContaining({
        kind: 'partition-keys-differ',
        severity: 'breaking',
        expected: 'year string, month string, day string, hour string',
        deployed: 'year string, month string, day string',
      }),
    ]);
  });

  it('reports each partition projection parameter that differs, present or absent', () => {
    const deployed = withTable(deployedContract(), 'telemetry', (table) => {
      const { ['projection.enabled']: _enabled, ...parameters } = table.Parameters ?? {};
      return {
        ...table,
        Parameters: {
          ...parameters,
          'projection.year.range': '2020,2100',
          'storage.location.template': 's3://deployed-bucket/telemetry/${year}/${month}/${day}/${hour}',
        },
      };
    });
    const drifts = diffCatalog(contract, deployed);
    expect(drifts.map((d) => [d.kind, d.subject, d.expected, d.deployed])).toEqual([
      ['projection-differs', 'projection.enabled', 'true', '(absent)'],
      ['projection-differs', 'projection.year.range', '2024,2100', '2020,2100'],
      [
        'projection-differs',
        'storage.location.template',
        '<lake>/telemetry/year=${year}/month=${month}/day=${day}/hour=${hour}',
        '<lake>/telemetry/${year}/${month}/${day}/${hour}',
      ],
    ]);
    expect(drifts.every((d) => d.severity === 'breaking')).toBe(true);
  });

  it('reports a table whose location is not the lake layout', () => {
    const deployed = withTable(deployedContract(), 'anomalies', (table) => ({
      ...table,
      StorageDescriptor: { ...table.StorageDescriptor, Location: 's3://deployed-bucket/old/anomalies-v1/' },
    }));
    const drifts = diffCatalog(contract, deployed).filter((d) => d.kind === 'location-differs');
    expect(drifts).toEqual([
      expect.objectContaining({
        table: 'anomalies',
        severity: 'breaking',
        deployed: 's3://deployed-bucket/old/anomalies-v1/',
      }),
    ]);
  });

  it('orders drifts by table, then kind, then subject, whatever order Glue lists tables in', () => {
    const drifted = withTable(
      withTable(deployedContract(), 'telemetry', (table) =>
        withColumns(table, (columns) => [
          ...columns.filter((c) => c.Name !== 'site'),
          { Name: 'zeta', Type: 'int' },
          { Name: 'alpha', Type: 'int' },
        ]),
      ),
      'anomalies',
      (table) => withColumns(table, (columns) => [...columns, { Name: 'extra', Type: 'string' }]),
    ).filter((table) => table.Name !== 'quarantine');
    const expectedOrder = [
      ['anomalies', 'extra-column', 'extra'],
      ['quarantine', 'missing-table', undefined],
      ['telemetry', 'missing-column', 'site'],
      ['telemetry', 'extra-column', 'alpha'],
      ['telemetry', 'extra-column', 'zeta'],
    ];
    const order = (tables: DeployedTable[]) =>
      diffCatalog(contract, tables).map((d) => [d.table, d.kind, d.subject]);
    expect(order(drifted)).toEqual(expectedOrder);
    expect(order([...drifted].reverse())).toEqual(expectedOrder);
  });
});
