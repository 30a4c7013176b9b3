// POST /api/query {sql, params?}: runs read-only SQL and answers the QueryResult, or the QueryError with
// the HTTP status its code calls for.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { QueryError, type LakeQueries, type QueryErrorCode } from '../core/index.js';
import { HttpError, sendJson } from './http-responses.js';
import { readJsonBody } from './json-body.js';
import { assertSameOrigin } from './request-guards.js';

/** 64 KiB: far more than any hand-written query, small enough that a flood of bodies stays cheap. */
export const maxQueryBodyBytes = 64 * 1024;

export const statusByQueryErrorCode: Record<QueryErrorCode, number> = {
  SYNTAX_ERROR: 400,
  INVALID_QUERY: 400,
  FORBIDDEN: 400,
  BAD_PARAMETERS: 400,
  UNKNOWN_QUERY: 400,
  BUSY: 503,
  CLOSED: 503,
  TIMEOUT: 504,
  BYTES_SCANNED_LIMIT: 400,
  ACCESS_DENIED: 403,
  QUERY_FAILED: 500,
};

export async function answerQuery(
  req: IncomingMessage,
  res: ServerResponse,
  queryService: Pick<LakeQueries, 'query'>,
): Promise<void> {
  assertSameOrigin(req);
  const { sql, params } = queryRequestOf(await readJsonBody(req, maxQueryBodyBytes));
  try {
    sendJson(res, 200, await queryService.query(sql, params));
  } catch (error) {
    sendQueryError(res, error);
  }
}

/** Answers a QueryError with the status its code calls for; rethrows anything else. */
export function sendQueryError(res: ServerResponse, error: unknown): void {
  if (!(error instanceof QueryError)) throw error;
  const retryAfter: Record<string, string> = error.code === 'BUSY' ? { 'retry-after': '1' } : {};
  sendJson(res, statusByQueryErrorCode[error.code], { error: error.toJSON() }, retryAfter);
}

function queryRequestOf(body: unknown): { sql: string; params: unknown[] } {
  const { sql, params } = (body ?? {}) as { sql?: unknown; params?: unknown };
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      'Send {"sql": "SELECT …", "params": [ … ]}: "sql" must be a non-empty string.',
    );
  }
  if (params !== undefined && !Array.isArray(params)) {
    throw new HttpError(400, 'BAD_REQUEST', '"params" must be an array of values for the ? placeholders.');
  }
  return { sql, params: params ?? [] };
}
