// Why aedes closed a connection, in AWS's disconnectReason terms (life-cycle-events.html).
import type { DisconnectReason } from '../../core/lifecycle-events.js';
import { BrokerRefusalError } from './refusals.js';

export function disconnectReasonOfError(error: Error): DisconnectReason {
  if (error instanceof BrokerRefusalError) return error.disconnectReason;
  if (error.message === 'keep alive timeout') return 'MQTT_KEEP_ALIVE_TIMEOUT';
  // aedes's slow-consumer guard (drainTimeout): the broker chose to drop the client.
  if (error.message === 'drain timeout') return 'SERVER_INITIATED_DISCONNECT';
  // Socket errors (ECONNRESET, EPIPE, ...) carry a system error code; anything else the client sent wrong.
  if ((error as NodeJS.ErrnoException).code) return 'CONNECTION_LOST';
  return 'CLIENT_ERROR';
}
