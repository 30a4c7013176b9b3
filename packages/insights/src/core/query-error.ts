// The typed error of the SQL endpoint: a code a client can branch on and a message a user can act on.

export type QueryErrorCode =
  /** The SQL does not parse. */
  | 'SYNTAX_ERROR'
  /** The SQL parses but names a table, column or function that does not exist, or mixes types. */
  | 'INVALID_QUERY'
  /** The SQL would write, leave the lake, or change the sandbox (DESIGN.md §4). */
  | 'FORBIDDEN'
  | 'TIMEOUT'
  /** The query would scan more bytes than the per-query cutoff (an Athena workgroup's BytesScannedCutoffPerQuery). */
  | 'BYTES_SCANNED_LIMIT'
  /** The caller's credentials may not run the query or read the data it names (IAM, Lake Formation, S3). */
  | 'ACCESS_DENIED'
  /** Parameters do not match the query's placeholders. */
  | 'BAD_PARAMETERS'
  | 'UNKNOWN_QUERY'
  /** Too many queries are running; retry shortly. */
  | 'BUSY'
  /** DuckDB failed while running a valid query (e.g. a cast of bad data, out of memory). */
  | 'QUERY_FAILED'
  | 'CLOSED';

export class QueryError extends Error {
  override readonly name = 'QueryError';

  constructor(
    readonly code: QueryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { code: QueryErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}
