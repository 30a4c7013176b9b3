// SQL over the lake as every surface (HTTP, CLI, dashboard) uses it: DuckDB over the local lake and
// Athena over the deployed one both answer it, so the same named queries run on a laptop and on AWS.
import type { NamedQueryName } from './named-queries.js';
import type { QueryResult } from './query-result.js';

export interface LakeQueries {
  /** Runs one read statement with `?` parameters; every failure is a QueryError. */
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  /** Runs a query from the named-query catalogue (see namedQueries) with parameters by name. */
  runNamed(name: NamedQueryName, params?: Readonly<Record<string, unknown>>): Promise<QueryResult>;
  /** Ends running queries (they fail with CLOSED) and refuses new ones. */
  close(): Promise<void>;
}

/** The Athena workgroup the AnalyticsStack deploys and the Athena adapter runs in. */
export const workgroupName = 'tributary';
