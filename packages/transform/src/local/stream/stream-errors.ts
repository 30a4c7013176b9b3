// The typed error of the durable telemetry stream: a code a caller can branch on and a message that
// says what to do about it.

export type DurableStreamErrorCode =
  /** `put` or `replay` after `stop()`: the record was not written, so its PUBACK must not go out. */
  | 'CLOSED'
  /** The directory was created with another shard count; re-sharding would break per-device order. */
  | 'SHARD_COUNT_MISMATCH'
  /** A record before the durable end of a shard fails its CRC: the disk corrupted acknowledged data. */
  | 'CORRUPT_RECORD'
  /** A replay asked for a sequence number that is not retained (expired) or not yet written. */
  | 'SEQUENCE_OUT_OF_RANGE'
  /** A replay named a shard the stream does not have. */
  | 'UNKNOWN_SHARD'
  /** `start` was called twice: one consumer per shard keeps each device's records in order. */
  | 'ALREADY_CONSUMING';

export class DurableStreamError extends Error {
  override readonly name = 'DurableStreamError';

  constructor(
    readonly code: DurableStreamErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
