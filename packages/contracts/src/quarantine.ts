// Input that could not be processed, kept with its reason and its original bytes — never dropped.
import { z } from 'zod';
import { column } from './lake-columns.js';

export const quarantineReasons = [
  'INVALID_UTF8',
  'INVALID_JSON',
  'SCHEMA_MISMATCH',
  'NON_FINITE_NUMBER',
  /** An integer literal beyond 2^53, which a double would round. */
  'INEXACT_NUMBER',
  /** A device time that can only be seconds, not epoch milliseconds. */
  'INVALID_DEVICE_TIME',
  /** Received more than the allowed lateness after its device time (transform/core/device-time.ts). */
  'LATE_READING',
  'PAYLOAD_TOO_LARGE',
  'UNKNOWN_TOPIC',
  'PROCESSING_FAILED',
] as const;
export type QuarantineReason = (typeof quarantineReasons)[number];

export const QuarantineRecord = z.object({
  correlation_id: column.string(),
  received_at: column.timestamp(),
  topic: column.string(),
  client_id: column.string(),
  thing_name: column.string().nullable(),
  /** The stage that refused the input. */
  stage: column.string(),
  reason: column.enumOf(quarantineReasons),
  /** What was wrong, in words a user can act on. */
  detail: column.string(),
  payload_base64: column.string(),
});
export type QuarantineRecord = z.infer<typeof QuarantineRecord>;
