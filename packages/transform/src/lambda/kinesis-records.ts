// Decodes the records of a Kinesis event into telemetry envelopes. A record that is not an envelope
// (it was not put by the telemetry rule) becomes a quarantine record with its original bytes.
import type { KinesisStreamRecord } from 'aws-lambda';
import { TelemetryEnvelope, type QuarantineRecord } from '@tributary/contracts';

export type DecodedRecord =
  | { readonly kind: 'envelope'; readonly sequenceNumber: string; readonly envelope: TelemetryEnvelope }
  | { readonly kind: 'quarantined'; readonly sequenceNumber: string; readonly record: QuarantineRecord };

export function decodeKinesisRecord(record: KinesisStreamRecord): DecodedRecord {
  const { data, sequenceNumber, approximateArrivalTimestamp } = record.kinesis;
  const refuse = (detail: string): DecodedRecord => ({
    kind: 'quarantined',
    sequenceNumber,
    record: {
      correlation_id: `kinesis-${sequenceNumber}`,
      received_at: Math.round(approximateArrivalTimestamp * 1000),
      topic: '',
      client_id: '',
      thing_name: null,
      stage: 'transform',
      reason: 'SCHEMA_MISMATCH',
      detail: `Stream record ${sequenceNumber} is not a telemetry envelope: ${detail}`,
      payload_base64: data,
    },
  });
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return refuse('its data is not JSON');
  }
  const parsed = TelemetryEnvelope.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(`${issue?.path.join('.') || '(record)'}: ${issue?.message ?? 'invalid'}`);
  }
  return { kind: 'envelope', sequenceNumber, envelope: parsed.data };
}

/** The correlation id a record's logs carry: its envelope's, or the one its quarantine record was given. */
export function correlationIdOf(record: DecodedRecord): string {
  return record.kind === 'envelope' ? record.envelope.correlationId : record.record.correlation_id;
}
