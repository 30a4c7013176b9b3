// The lake's catalogue as the contract defines it: the Glue database name and one table definition per
// lake table. The CDK stack deploys it, the local lake writes it beside the files, the drift check reads it.
import { catalogTableOf, type CatalogTable } from '@tributary/contracts';
import { lakeTableNames } from './lake-rows.js';

export const glueDatabaseName = 'tributary_lake';

/** Every lake table's definition, with files under `lakeUri` (`s3://bucket`, or a `file://` URI locally). */
export const lakeCatalogOf = (lakeUri: string): CatalogTable[] =>
  lakeTableNames.map((table) => catalogTableOf(table, lakeUri));
