// The typed error of the Store stage: a code a caller can branch on and a message a user can act on.

export type LakeWriterErrorCode =
  /** A row does not match its table's contract: a programming error upstream. */
  | 'INVALID_ROW'
  /** Too many rows wait to be written (the lake is not accepting writes): retry later. */
  | 'BUFFER_FULL'
  /** Writing a Parquet file failed; its rows stay buffered for the next flush. */
  | 'WRITE_FAILED'
  /** The lake's disk is full (ENOSPC): free space; the buffered rows are written at the next flush. */
  | 'DISK_FULL'
  /** A computed file path left the lake directory. Never expected: partition paths come from timestamps. */
  | 'UNSAFE_PATH'
  | 'CLOSED';

export class LakeWriterError extends Error {
  override readonly name = 'LakeWriterError';

  constructor(
    readonly code: LakeWriterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Whether `error`, or an error it wraps, is ENOSPC: from Node's fs (`code`) or from DuckDB, whose IO errors
 * carry only the C library's text for it.
 */
export function isDiskFull(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ((cause as { code?: unknown }).code === 'ENOSPC') return true;
    if (cause.message.includes('No space left on device')) return true;
  }
  return false;
}
