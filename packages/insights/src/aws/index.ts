// @tributary/insights/aws — SQL over the deployed lake: ad-hoc and named queries run by Athena, answered in
// the same QueryResult shape as the local DuckDB service.
export type { LakeQueries, QueryColumn, QueryErrorCode, QueryResult } from '../core/index.js';
export { QueryError } from '../core/index.js';
export { AthenaQueryService, type AthenaQueryServiceOptions } from './athena-query-service.js';
