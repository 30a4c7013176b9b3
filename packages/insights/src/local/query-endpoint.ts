// POST /api/query {sql, params?, scanLimitBytes?}: runs read-only SQL and answers the QueryResult, or the
// QueryError with the HTTP status its code calls for. scanLimitBytes lowers the bytes-scanned cutoff for
// this query (`tributary query --scan-limit` while the platform runs); it cannot raise the platform's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { QueryError, type QueryErrorCode } from '../core/index.js';
import { HttpError, sendJson } from './http-responses.js';
import { readJsonBody } from './json-body.js';
import type { LakeQueryService } from './query-service.js';
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
  queryService: Pick<LakeQueryService, 'query'>,
): Promise<void> {
  assertSameOrigin(req);
  const { sql, params, scanLimitBytes } = queryRequestOf(await readJsonBody(req, maxQueryBodyBytes));
  try {
    sendJson(res, 200, await queryService.query(sql, params, { bytesScannedCutoff: scanLimitBytes }));
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

function queryRequestOf(body: unknown): { sql: string; params: unknown[]; scanLimitBytes?: number } {
  const { sql, params, scanLimitBytes } = (body ?? {}) as {
    sql?: unknown;
    params?: unknown;
    scanLimitBytes?: unknown;
  };
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
  if (scanLimitBytes !== undefined && !(typeof scanLimitBytes === 'number' && scanLimitBytes > 0)) {
    throw new HttpError(400, 'BAD_REQUEST', '"scanLimitBytes" must be a number of bytes above 0.');
  }
  return { sql, params: params ?? [], ...(scanLimitBytes === undefined ? {} : { scanLimitBytes }) };
}
