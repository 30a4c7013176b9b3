// What the bench's devices send, in the telemetry contract's two shapes (packages/contracts telemetry.ts):
// one reading per message with the device's message id and time, or a batch of readings in one message.
import { maxReadingsPerBatch } from '@tributary/ingest';
import type { FleetLoad } from './device-fleet.js';

/** The contract's most readings in one message: the fewest messages for the most readings. */
export const readingsPerBatch = maxReadingsPerBatch;

/** `{"messageId":"m-<sequence>","ts":…,"metrics":{"temperature":…}}`: one row in the lake. */
export const singleReadingPayload: FleetLoad['payloadOf'] = (_device, sequence, sentAtEpochMs) =>
  JSON.stringify({
    messageId: messageIdOf(sequence),
    ts: Math.round(sentAtEpochMs),
    metrics: { temperature: 20 + (sequence % 50) / 10 },
  });

/** A device's message ids are its sequence numbers, unique across the bench's phases. */
export const messageIdOf = (sequence: number): string => `m-${sequence}`;

/**
 * `{"readings":[{"metrics":{"temperature":…}}, …]}` with `readingsPerBatch` readings: `readingsPerBatch` rows,
 * each identified by the message's correlation id and its index. The bodies are built once, so the clients
 * spend their time sending rather than serialising; they vary so the detectors see a moving series.
 */
export function batchPayloads(variants = 8): FleetLoad['payloadOf'] {
  const bodies = Array.from({ length: variants }, (_, variant) =>
    JSON.stringify({
      readings: Array.from({ length: readingsPerBatch }, (_, i) => ({
        metrics: { temperature: 20 + ((variant * readingsPerBatch + i) % 50) / 10 },
      })),
    }),
  );
  return (_device, sequence) => bodies[sequence % variants]!;
}
