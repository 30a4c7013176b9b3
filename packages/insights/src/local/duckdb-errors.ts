// Turns a DuckDB error into a QueryError a user can act on, by DuckDB's error class ("Parser Error: …").
import { QueryError, type QueryErrorCode } from '../core/index.js';

const tablesAdvice =
  'The tables are telemetry, anomalies and quarantine: DESCRIBE telemetry lists its columns.';
const memoryAdvice =
  'The query needs more memory than the SQL endpoint allows: filter on received_at, aggregate, or add a LIMIT.';

const byDuckDBErrorClass: Record<string, { code: QueryErrorCode; advice?: string }> = {
  Parser: { code: 'SYNTAX_ERROR' },
  Binder: { code: 'INVALID_QUERY', advice: tablesAdvice },
  Catalog: { code: 'INVALID_QUERY', advice: tablesAdvice },
  Permission: {
    code: 'FORBIDDEN',
    advice: 'The SQL endpoint reads only the lake tables (telemetry, anomalies, quarantine).',
  },
  Memory: { code: 'QUERY_FAILED', advice: memoryAdvice },
  'Out of Memory': { code: 'QUERY_FAILED', advice: memoryAdvice },
};

// The binding may put its own words first ("Failed to extract statements: Parser Error: …").
const duckdbErrorClass = /\b([A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*) Error: /;

export interface QueryFailureContext {
  /** The query's timer fired and interrupted it. */
  readonly timedOut: boolean;
  readonly timeoutMs: number;
  /** The service was closed while the query ran, which interrupts it. */
  readonly closed: boolean;
}

export function queryErrorOf(error: unknown, context: QueryFailureContext): QueryError {
  if (error instanceof QueryError) return error;
  if (context.timedOut) {
    return new QueryError(
      'TIMEOUT',
      `The query ran longer than ${context.timeoutMs} ms and was stopped: filter on received_at or add a LIMIT.`,
      { cause: error },
    );
  }
  if (context.closed) {
    return new QueryError('CLOSED', 'The query service closed while the query ran.', { cause: error });
  }
  const fullMessage = (error instanceof Error ? error.message : String(error)).trim();
  const errorClass = duckdbErrorClass.exec(fullMessage);
  const known = errorClass ? byDuckDBErrorClass[errorClass[1] ?? ''] : undefined;
  const message = errorClass ? fullMessage.slice(errorClass.index) : fullMessage;
  return new QueryError(
    known?.code ?? 'QUERY_FAILED',
    known?.advice ? `${message}\n${known.advice}` : message,
    {
      cause: error,
    },
  );
}
