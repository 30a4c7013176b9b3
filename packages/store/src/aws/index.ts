// @tributary/store/aws — the lake as deployed on AWS, read through the AWS SDK.
export { deployedTablesOf, GlueCatalogError, type GlueCatalogErrorCode } from './glue-catalog.js';
export { AthenaStatements, type AthenaStatementsOptions, type StatementOutcome } from './athena-statements.js';
