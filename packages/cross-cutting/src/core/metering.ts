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
