// Drift between the lake's catalogue as the contract defines it and as a Glue database holds it. Additive
// drift is what a deploy simply applies (a new table, a new nullable column); breaking drift changes how
// files already in the lake are read, so it needs a decision before anyone deploys over it.
import type { CatalogColumn, CatalogTable } from '@tributary/contracts';

/** The parts of a Glue `Table` (as GetTables returns it) that the diff reads; the SDK's `Table` fits. */
export interface DeployedTable {
  readonly Name?: string | undefined;
  readonly StorageDescriptor?:
    | { readonly Location?: string | undefined; readonly Columns?: readonly DeployedColumn[] | undefined }
    | undefined;
  readonly PartitionKeys?: readonly DeployedColumn[] | undefined;
  readonly Parameters?: Readonly<Record<string, string>> | undefined;
}

export interface DeployedColumn {
  readonly Name?: string | undefined;
  readonly Type?: string | undefined;
}

/** In report order: a table's presence first, then its columns, then its layout. */
export const catalogDriftKinds = [
  'missing-table',
  'extra-table',
  'missing-column',
  'extra-column',
  'type-changed',
  'partition-keys-differ',
  'location-differs',
  'projection-differs',
] as const;
export type CatalogDriftKind = (typeof catalogDriftKinds)[number];

export interface CatalogDrift {
  readonly table: string;
  readonly kind: CatalogDriftKind;
  /** `additive`: deploying the store stage applies it. `breaking`: it changes how existing files are read. */
  readonly severity: 'additive' | 'breaking';
  /** The column, or the table parameter, the drift is about. */
  readonly subject?: string;
  readonly expected?: string;
  readonly deployed?: string;
  readonly message: string;
}

const deployHint = 'deploy the store stage (nx deploy store)';
/** Stands for the lake's root (its bucket) in compared paths: the bucket is a deploy-time value, not a contract one. */
const lakeRoot = '<lake>';
/** The parameters that place partitions: Athena partition projection. */
const isProjectionParameter = (key: string) =>
  key.startsWith('projection.') || key === 'storage.location.template';
// catalogTableOf marks a nullable column with this comment; Glue has no other notion of nullability.
const isNullable = (column: CatalogColumn) => column.comment === 'nullable';
// Glue (Hive) names and types are case-insensitive and stored lower-case.
const normalized = (value: string | undefined) => (value ?? '').trim().toLowerCase();

/** What differs between the `expected` catalogue and the `deployed` tables, sorted by table, kind, subject. */
export function diffCatalog(
  expected: readonly CatalogTable[],
  deployed: readonly DeployedTable[],
): CatalogDrift[] {
  const deployedByName = new Map(deployed.map((table) => [normalized(table.Name), table]));
  const expectedNames = new Set(expected.map((table) => table.name));
  const drifts = [
    ...expected.flatMap((table) => {
      const deployedTable = deployedByName.get(table.name);
      return deployedTable ? diffTable(table, deployedTable) : [missingTable(table)];
    }),
    ...deployed.filter((table) => !expectedNames.has(normalized(table.Name))).map(extraTable),
  ];
  return drifts.sort(inReportOrder);
}

function diffTable(expected: CatalogTable, deployed: DeployedTable): CatalogDrift[] {
  return [
    ...diffColumns(expected, deployed),
    ...diffPartitionKeys(expected, deployed),
    ...diffLayout(expected, deployed),
  ];
}

function diffColumns(expected: CatalogTable, deployed: DeployedTable): CatalogDrift[] {
  const table = expected.name;
  const deployedTypes = new Map(
    (deployed.StorageDescriptor?.Columns ?? []).map((column) => [
      normalized(column.Name),
      normalized(column.Type),
    ]),
  );
  const expectedNames = new Set(expected.storageDescriptor.columns.map((column) => column.name));
  const drifts: CatalogDrift[] = [];
  for (const column of expected.storageDescriptor.columns) {
    const deployedType = deployedTypes.get(column.name);
    if (deployedType === undefined) drifts.push(missingColumn(table, column));
    else if (deployedType !== normalized(column.type)) {
      drifts.push({
        table,
        kind: 'type-changed',
        severity: 'breaking',
        subject: column.name,
        expected: column.type,
        deployed: deployedType,
        message:
          `Column ${table}.${column.name} is ${column.type} in the contract but ${deployedType} in Glue: files ` +
          `already written as ${deployedType} will not read as ${column.type}. Add a new column instead of ` +
          `changing this one, or rewrite the table's files before you ${deployHint}.`,
      });
    }
  }
  for (const [name, type] of deployedTypes) {
    if (expectedNames.has(name)) continue;
    drifts.push({
      table,
      kind: 'extra-column',
      severity: 'breaking',
      subject: name,
      deployed: type,
      message:
        `Column ${table}.${name} (${type}) is in Glue but not in the contract: a deploy removes it and queries ` +
        `that read it fail. Keep it in the contract as a nullable column while anything still reads it.`,
    });
  }
  return drifts;
}

function missingColumn(table: string, column: CatalogColumn): CatalogDrift {
  const drift = { table, kind: 'missing-column', subject: column.name, expected: column.type } as const;
  if (isNullable(column)) {
    return {
      ...drift,
      severity: 'additive',
      message:
        `Column ${table}.${column.name} (${column.type}, nullable) is not deployed yet: ${deployHint} to add it. ` +
        `Until then Firehose converts records with the deployed schema and does not write it.`,
    };
  }
  return {
    ...drift,
    severity: 'breaking',
    message:
      `Column ${table}.${column.name} (${column.type}) is in the contract but not in Glue, and it is not ` +
      `nullable: files already in the lake lack it. Declare it .nullable() in the contract so old partitions ` +
      `read it as NULL, then ${deployHint}.`,
  };
}

function diffPartitionKeys(expected: CatalogTable, deployed: DeployedTable): CatalogDrift[] {
  const expectedKeys = expected.partitionKeys.map((key) => `${key.name} ${normalized(key.type)}`).join(', ');
  const deployedKeys = (deployed.PartitionKeys ?? [])
    .map((key) => `${normalized(key.Name)} ${normalized(key.Type)}`)
    .join(', ');
  if (expectedKeys === deployedKeys) return [];
  return [
    {
      table: expected.name,
      kind: 'partition-keys-differ',
      severity: 'breaking',
      expected: expectedKeys,
      deployed: deployedKeys || '(none)',
      message:
        `Partition keys of ${expected.name} are (${expectedKeys}) in the contract but (${deployedKeys || 'none'}) ` +
        `in Glue: existing partitions follow the deployed keys. Changing them needs a new table or a rewrite of ` +
        `the lake's files, not a deploy over this one.`,
    },
  ];
}

/** The table's location and partition projection, compared with the lake's root (bucket) left out. */
function diffLayout(expected: CatalogTable, deployed: DeployedTable): CatalogDrift[] {
  const table = expected.name;
  const expectedRoot = rootOf(table, expected.storageDescriptor.location);
  const deployedLocation = deployed.StorageDescriptor?.Location ?? '';
  const deployedRoot = rootOf(table, deployedLocation);
  const drifts: CatalogDrift[] = [];
  if (deployedRoot === undefined) {
    drifts.push({
      table,
      kind: 'location-differs',
      severity: 'breaking',
      expected: `${lakeRoot}/${table}/`,
      deployed: deployedLocation || '(none)',
      message:
        `Table ${table} reads ${deployedLocation || 'no location'} but Firehose writes it under ` +
        `${lakeRoot}/${table}/: Athena does not see the delivered files. ${capitalized(deployHint)} to point it back.`,
    });
  }
  const relative = (value: string | undefined, root: string | undefined) =>
    value !== undefined && root !== undefined ? value.replaceAll(root, lakeRoot) : value;
  const deployedParameters = deployed.Parameters ?? {};
  const keys = [...new Set([...Object.keys(expected.parameters), ...Object.keys(deployedParameters)])];
  for (const key of keys.filter(isProjectionParameter)) {
    const expectedValue = relative(expected.parameters[key], expectedRoot);
    const deployedValue = relative(deployedParameters[key], deployedRoot);
    if (expectedValue === deployedValue) continue;
    drifts.push({
      table,
      kind: 'projection-differs',
      severity: 'breaking',
      subject: key,
      expected: expectedValue ?? '(absent)',
      deployed: deployedValue ?? '(absent)',
      message:
        `Partition projection of ${table} differs: ${key} is ${quoted(expectedValue)} in the contract but ` +
        `${quoted(deployedValue)} in Glue, so Athena projects other partitions than Firehose writes. ` +
        `${capitalized(deployHint)} to apply the contract's.`,
    });
  }
  return drifts;
}

/** `s3://bucket` of `s3://bucket/telemetry/`; undefined when the location is not `<root>/<table>/`. */
function rootOf(table: string, location: string): string | undefined {
  const suffix = `/${table}/`;
  return location.endsWith(suffix) && location.length > suffix.length
    ? location.slice(0, -suffix.length)
    : undefined;
}

function missingTable(table: CatalogTable): CatalogDrift {
  return {
    table: table.name,
    kind: 'missing-table',
    severity: 'additive',
    message: `Table ${table.name} is in the contract but not in Glue: ${deployHint} to create it.`,
  };
}

function extraTable(table: DeployedTable): CatalogDrift {
  const name = normalized(table.Name);
  return {
    table: name,
    kind: 'extra-table',
    severity: 'breaking',
    message:
      `Table ${name} is in Glue but not in the contract: if it was removed from lake.ts, queries on it fail ` +
      `once a deploy deletes it; if it is not a lake table, keep it out of the lake's database.`,
  };
}

const quoted = (value: string | undefined) => (value === undefined ? 'absent' : `"${value}"`);
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const compared = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function inReportOrder(a: CatalogDrift, b: CatalogDrift): number {
  return (
    compared(a.table, b.table) ||
    catalogDriftKinds.indexOf(a.kind) - catalogDriftKinds.indexOf(b.kind) ||
    compared(a.subject ?? '', b.subject ?? '')
  );
}
