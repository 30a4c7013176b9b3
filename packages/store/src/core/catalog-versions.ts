// How one version of a lake table's definition differs from the next, as the local catalogue records it
// (Glue keeps table versions the same way on AWS). Adding or dropping a column is schema evolution: old
// files read with NULL for what they lack (DuckDB's union_by_name, Athena's by-name Parquet reading).
// Changing a column's type is not: files already written would be read as the wrong type.
import type { CatalogColumn, CatalogTable } from '@tributary/contracts';

export interface ColumnTypeChange {
  readonly column: string;
  readonly from: string;
  readonly to: string;
}

export interface CatalogVersionChange {
  /** The columns (name, type, nullability) differ: a new version of the table's schema. */
  readonly schemaChanged: boolean;
  readonly typeChanges: readonly ColumnTypeChange[];
}

const signatureOf = (column: CatalogColumn) => `${column.name}:${column.type}:${column.comment ?? ''}`;

export function catalogVersionChange(previous: CatalogTable, next: CatalogTable): CatalogVersionChange {
  const columnsOf = (table: CatalogTable) => [
    ...table.storageDescriptor.columns,
    ...table.partitionKeys.map((key) => ({ ...key, comment: 'partition' })),
  ];
  const previousColumns = columnsOf(previous);
  const nextColumns = columnsOf(next);
  const previousTypes = new Map(previousColumns.map((column) => [column.name, column.type]));
  const typeChanges = nextColumns.flatMap((column) => {
    const from = previousTypes.get(column.name);
    return from !== undefined && from !== column.type ? [{ column: column.name, from, to: column.type }] : [];
  });
  const schemaChanged = previousColumns.map(signatureOf).join(',') !== nextColumns.map(signatureOf).join(',');
  return { schemaChanged, typeChanges };
}

export class LakeCatalogError extends Error {
  override readonly name = 'LakeCatalogError';
  readonly code = 'INCOMPATIBLE_SCHEMA_CHANGE';

  constructor(
    readonly table: string,
    readonly typeChanges: readonly ColumnTypeChange[],
    lakeDir: string,
    previousVersion: number,
  ) {
    super(
      `Lake table "${table}" cannot move to the contract's new schema: ` +
        typeChanges
          .map(
            (change) =>
              `column ${change.column} is ${change.from} in version ${previousVersion} and ${change.to} now`,
          )
          .join('; ') +
        `. The files already in ${lakeDir} hold the old types and would be misread. Keep the column and add a new ` +
        'one instead, or move the lake directory away to start a new lake.',
    );
  }
}
