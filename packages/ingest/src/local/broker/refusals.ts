// Why the broker refused a client's packet. A refusal ends the connection (MQTT 3.1.1 has no negative
// PUBACK) unless the profile answers a SUBSCRIBE with a 0x80 return code instead.
import type { DisconnectReason } from '../../core/lifecycle-events.js';

export type RefusalCode =
  | 'PAYLOAD_LIMIT_EXCEEDED'
  | 'TOPIC_LIMIT_EXCEEDED'
  | 'INVALID_TOPIC'
  | 'RESERVED_TOPIC'
  | 'QOS_NOT_SUPPORTED'
  | 'SUBSCRIPTION_LIMIT_EXCEEDED'
  | 'PACKET_TOO_LARGE'
  | 'MALFORMED_PACKET'
  | 'NOT_AUTHORIZED'
  | 'CONNECT_THROTTLED'
  | 'RECORDING_FAILED';

export class BrokerRefusalError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    /** What the disconnected lifecycle event reports if this refusal closes the connection. */
    readonly disconnectReason: DisconnectReason = code === 'NOT_AUTHORIZED' ? 'AUTH_ERROR' : 'CLIENT_ERROR',
  ) {
    super(message);
    this.name = 'BrokerRefusalError';
  }
}
