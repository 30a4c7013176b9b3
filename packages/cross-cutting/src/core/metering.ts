// How AWS meters each billed thing, in one place for the projection and the live meter
// (../shared/reference/aws-quotas-and-prices.md).

const kib = 1024;

/** IoT Core meters a PUBLISH on payload + topic bytes, in 5 KB increments. */
export const iotMessageUnits = (topicBytes: number, payloadBytes: number): number =>
  Math.max(1, Math.ceil((topicBytes + payloadBytes) / (5 * kib)));

/** A provisioned Kinesis PUT payload unit is each 25 KB chunk of a record. */
export const kinesisPutUnits = (recordBytes: number): number =>
  Math.max(1, Math.ceil(recordBytes / (25 * kib)));

/** Firehose bills ingestion per record rounded up to 5 KB. */
export const firehoseBilledBytes = (recordBytes: number): number =>
  Math.max(1, Math.ceil(recordBytes / (5 * kib))) * 5 * kib;

/** The smallest billing increment above: any record smaller bills the same in every meter here. */
const smallestIncrement = 5 * kib;

/**
 * A flat record's JSON size as billing sees it, without serialising it when it is clearly small: under
 * 5 KB every size bills the same (one Kinesis PUT unit, 5 KB of Firehose, one IoT message unit), so a
 * cheap upper bound stands for it there; at or above, the exact UTF-8 size of its JSON.
 */
export function billableJsonBytes(record: Readonly<Record<string, unknown>>): number {
  let atMost = 2;
  for (const key in record) {
    atMost += jsonBytesAtMost(key) + 2 + jsonBytesAtMost(record[key]);
    if (atMost >= smallestIncrement) return Buffer.byteLength(JSON.stringify(record));
  }
  return atMost;
}

/** An upper bound on a value's JSON bytes: a UTF-16 unit is at most 6 bytes (a \uXXXX escape). */
function jsonBytesAtMost(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length * 6 + 2;
    case 'number':
      return 24; // the longest a double prints, e.g. -2.2250738585072014e-308
    case 'boolean':
      return 5;
    case 'undefined':
      return 4;
    default:
      return value === null ? 4 : Buffer.byteLength(JSON.stringify(value) ?? 'null');
  }
}
