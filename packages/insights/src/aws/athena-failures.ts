// Turns a failed or cancelled Athena query, or a refused API call, into a QueryError with the code the
// local service would give and advice a user can act on. Athena's messages carry Trino's error names
// (SYNTAX_ERROR: …, TABLE_NOT_FOUND: …); its error types are coarse.
// https://docs.aws.amazon.com/athena/latest/ug/error-reference.html
import type { QueryExecution } from '@aws-sdk/client-athena';
import { QueryError, type QueryErrorCode } from '../core/index.js';

const tablesAdvice =
  'The tables are telemetry, anomalies and quarantine: SHOW COLUMNS FROM telemetry lists its columns.';
const scanAdvice =
  'Filter on the partition columns (year, month, day, hour) so Athena reads fewer files, or raise ' +
  'bytesScannedCutoffPerQuery on the AnalyticsStack.';
const accessAdvice =
  'The caller needs athena:StartQueryExecution on the workgroup, glue:GetTable on the lake database and ' +
  's3:GetObject on the lake bucket (and Lake Formation SELECT where it governs the tables).';

const failureRules: readonly { pattern: RegExp; code: QueryErrorCode; advice?: string }[] = [
  { pattern: /bytes scanned limit/i, code: 'BYTES_SCANNED_LIMIT', advice: scanAdvice },
  { pattern: /SYNTAX_ERROR|mismatched input|extraneous input|no viable alternative/, code: 'SYNTAX_ERROR' },
  {
    pattern: /(TABLE|COLUMN|SCHEMA|FUNCTION)_NOT_FOUND|TYPE_MISMATCH|cannot be resolved|does not exist/,
    code: 'INVALID_QUERY',
    advice: tablesAdvice,
  },
  { pattern: /INVALID_PARAMETER_USAGE|number of parameters/i, code: 'BAD_PARAMETERS' },
  {
    pattern: /access denied|AccessDenied|permission denied|Insufficient Lake Formation permission/i,
    code: 'ACCESS_DENIED',
    advice: accessAdvice,
  },
  { pattern: /EXCEEDED_TIME_LIMIT|query timeout/i, code: 'TIMEOUT' },
];

/** A query that ended FAILED, or CANCELLED by Athena (the bytes-scanned cutoff) or by someone else. */
export function queryErrorOfExecution(execution: QueryExecution): QueryError {
  const status = execution.Status;
  const reason = status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason;
  const id = execution.QueryExecutionId;
  if (status?.State === 'CANCELLED' && !(reason && /bytes scanned limit/i.test(reason))) {
    return new QueryError(
      'QUERY_FAILED',
      `Athena query ${id} was cancelled${reason ? ` (${reason})` : ''}: run it again.`,
    );
  }
  const message = reason ?? `Athena query ${id} failed without a reason: see it in the Athena console.`;
  const rule = failureRules.find(({ pattern }) => pattern.test(message));
  const scanned = execution.Statistics?.DataScannedInBytes;
  const detail = rule?.code === 'BYTES_SCANNED_LIMIT' && scanned ? ` after scanning ${scanned} bytes` : '';
  return new QueryError(
    rule?.code ?? 'QUERY_FAILED',
    `${message}${detail}${rule?.advice ? `\n${rule.advice}` : ''}`,
  );
}

/** An Athena API call that was refused (StartQueryExecution, GetQueryExecution, GetQueryResults). */
export function queryErrorOfApiCall(error: unknown, workGroup: string): QueryError {
  if (error instanceof QueryError) return error;
  const name = error instanceof Error ? error.name : '';
  const message = (error instanceof Error ? error.message : String(error)).trim();
  if (name === 'TooManyRequestsException') {
    return new QueryError('BUSY', `Athena is throttling queries (${message}); retry in a moment.`, {
      cause: error,
    });
  }
  if (name === 'AccessDeniedException' || /not authorized/i.test(message)) {
    return new QueryError('ACCESS_DENIED', `${message}\n${accessAdvice}`, { cause: error });
  }
  if (/workgroup .* is not found/i.test(message)) {
    return new QueryError(
      'QUERY_FAILED',
      `Athena workgroup "${workGroup}" does not exist in this region: deploy the insights stage ` +
        `(nx deploy insights), or name the region and workgroup it was deployed to.`,
      { cause: error },
    );
  }
  const rule = failureRules.find(({ pattern }) => pattern.test(message));
  const code = rule?.code ?? (name === 'InvalidRequestException' ? 'INVALID_QUERY' : 'QUERY_FAILED');
  return new QueryError(code, rule?.advice ? `${message}\n${rule.advice}` : message, { cause: error });
}
