// One row per lifecycle event IoT Core publishes on `$aws/events/presence/<eventType>/<clientId>` and
// `$aws/events/subscriptions/<eventType>/<clientId>` (life-cycle-events.html), flattened for the lake:
// a field an event type does not carry is null.
import { z } from 'zod';
import { column } from './lake-columns.js';

export const lifecycleEventTypes = [
  'connected',
  'disconnected',
  'connect_failed',
  'subscribed',
  'unsubscribed',
] as const;
export type LifecycleEventType = (typeof lifecycleEventTypes)[number];

export const LifecycleEventRecord = z.object({
  event_type: column.enumOf(lifecycleEventTypes),
  client_id: column.string(),
  /** Only when the client connected with the exclusive thing feature. */
  thing_name: column.string().nullable(),
  /** One per connection (session); absent from some connect_failed events. */
  session_identifier: column.string().nullable(),
  /** The certificate id of a mutual-TLS client. */
  principal_identifier: column.string().nullable(),
  /** Connect and disconnect: the same for a connection's two events; orders a client's connections. */
  version_number: column.bigint().nullable(),
  /** Connect and connect_failed. */
  ip_address: column.string().nullable(),
  /** Disconnect only. */
  client_initiated_disconnect: column.boolean().nullable(),
  /** Disconnect only: AUTH_ERROR, CLIENT_INITIATED_DISCONNECT, CONNECTION_LOST, DUPLICATE_CLIENTID, … */
  disconnect_reason: column.string().nullable(),
  /** connect_failed only, e.g. AUTHORIZATION_FAILED. */
  connect_failure_reason: column.string().nullable(),
  /** Subscribe and unsubscribe: the topic filters, as a JSON array. */
  topics: column.string().nullable(),
  /** The event's own `timestamp` (epoch ms, "an approximation of when the event occurred"). */
  event_timestamp: column.timestamp(),
  /** When the rule saw the event (IoT SQL `timestamp()`): places the row in its partition. */
  received_at: column.timestamp(),
});
export type LifecycleEventRecord = z.infer<typeof LifecycleEventRecord>;

/**
 * Identifies an event across redeliveries (AWS: "you might receive duplicate messages"). A session has one
 * connect and one disconnect; its subscription events differ by time or topics.
 */
export const lifecycleEventKey = (
  e: Pick<
    LifecycleEventRecord,
    'client_id' | 'session_identifier' | 'event_type' | 'event_timestamp' | 'topics'
  >,
): string =>
  // JSON, not a separator: client ids and topic filters may contain any separator.
  JSON.stringify([
    e.client_id,
    e.session_identifier,
    e.event_type,
    epochMillisOf(e.event_timestamp),
    e.topics,
  ]);

// A key read back from Parquet holds the timestamp as a Date: the same key must come out.
const epochMillisOf = (value: unknown): number => (value instanceof Date ? value.getTime() : Number(value));
