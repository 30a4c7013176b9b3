// The typed error of lake compaction: a code a caller can branch on and a message a user can act on.

export type LakeCompactionErrorCode =
  /** A merged file did not hold exactly its inputs' rows; the inputs were kept and the merge discarded. */
  | 'ROW_COUNT_MISMATCH'
  /** A journal under `<lake>/_compaction/journal/` names something other than a partition's data files. */
  | 'INVALID_JOURNAL'
  | 'CLOSED';

export class LakeCompactionError extends Error {
  override readonly name = 'LakeCompactionError';

  constructor(
    readonly code: LakeCompactionErrorCode,
    message: string,
  ) {
    super(message);
  }
}
