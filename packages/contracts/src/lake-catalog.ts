// The lake's catalogue: one Glue-compatible table definition per lake table, derived from the contract.
// The CDK Glue tables and the local catalogue written beside the Parquet files are the same document, so
// a table Athena reads on AWS has the columns DuckDB reads on this machine.
import {
  allLakeTables,
  columnsOf,
  partitionKeys,
  partitionProjectionFor,
  type AnyLakeTableName,
} from './lake.js';
import { glueTypeOf } from './lake-columns.js';

export interface CatalogColumn {
  readonly name: string;
  readonly type: string;
  readonly comment?: string;
}

/** The shape of Glue's TableInput (camelCase, as CloudFormation's AWS::Glue::Table TableInput takes it). */
export interface CatalogTable {
  readonly name: string;
  readonly description: string;
  readonly tableType: 'EXTERNAL_TABLE';
  readonly parameters: Record<string, string>;
  readonly partitionKeys: CatalogColumn[];
  readonly storageDescriptor: {
    readonly location: string;
    readonly columns: CatalogColumn[];
    readonly inputFormat: string;
    readonly outputFormat: string;
    readonly serdeInfo: { readonly serializationLibrary: string };
  };
}

/**
 * The catalogue entry of a lake table whose files live under `lakeUri` (`s3://bucket` on AWS, a
 * `file://` URI locally); partition projection means Athena needs no crawler and no MSCK REPAIR.
 */
export function catalogTableOf(table: AnyLakeTableName, lakeUri: string): CatalogTable {
  return {
    name: table,
    description: allLakeTables[table].description,
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      classification: 'parquet',
      ...partitionProjectionFor(table, lakeUri),
    },
    partitionKeys: partitionKeys.map((name) => ({ name, type: 'string' })),
    storageDescriptor: {
      location: `${lakeUri}/${table}/`,
      columns: columnsOf(table).map((column) => ({
        name: column.name,
        type: glueTypeOf(column.type),
        ...(column.nullable ? { comment: 'nullable' } : {}),
      })),
      inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    },
  };
}
