// Admission of a CONNECT: protocol level, client id and iot:Connect, decided before aedes creates a
// session. Refusals answer with the CONNACK code MQTT 3.1.1 §3.2.2.3 names, except that the AWS profile
// drops an unauthorized connection without a CONNACK, as AWS does for MQTT 3.1.1 (reference b-6). A CONNECT
// over AWS's 1 a second per client id or 500 a second per account (core/connect-quota.ts) is dropped without
// a CONNACK too: MQTT 3.1.1 has no return code for "too many", and AWS documents none.
import type { AedesOptions, Client, ConnectPacket } from 'aedes';
import type { ConnectQuotaGuard } from './connect-quota-guard.js';
import type { HookContext } from './hook-context.js';
import { decide } from './hook-context.js';
import { BrokerRefusalError } from './refusals.js';

const connackReturnCode = {
  unacceptableProtocolVersion: 1,
  identifierRejected: 2,
  notAuthorized: 5,
} as const;

type ConnectHooks = Required<Pick<AedesOptions, 'preConnect' | 'authenticate'>>;

export function connectHooks(
  context: HookContext,
  clientsById: () => Record<string, Client>,
  connectQuota: ConnectQuotaGuard,
): ConnectHooks {
  const { settings, connections, authorizer, logger } = context;
  return {
    preConnect(client, packet, callback) {
      const refusal = connectPacketRefusal(packet, context);
      if (refusal) {
        logger.info('connection refused', { clientId: packet.clientId, reason: refusal.error.message });
        return refuseWithConnack(client, refusal.returnCode, refusal.error, callback);
      }
      const clientId = packet.clientId;
      const throttled = connectQuota.refusalOf(clientId);
      if (throttled) return callback(throttled, false);
      const askConnect = authorizer?.connect?.bind(authorizer);
      decide(askConnect && (() => askConnect(connections.contextOf(client, clientId)))).then(
        (decision) => {
          if (decision.allowed) return callback(null, true);
          logger.warn('connection not authorized', { clientId, reason: decision.reason });
          const error = new BrokerRefusalError('NOT_AUTHORIZED', `iot:Connect denied: ${decision.reason}`);
          if (settings.profile === 'aws') return callback(error, false);
          refuseWithConnack(client, connackReturnCode.notAuthorized, error, callback);
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
      );
    },
    // Runs after preConnect and before aedes registers the client: the moment to know that an older
    // connection with this client id is about to be taken over (mqtt.html: the newest connection wins).
    authenticate(client, _username, _password, done) {
      const previous = clientsById()[client.id];
      if (previous && previous !== client) connections.noteDisconnectReason(previous, 'DUPLICATE_CLIENTID');
      done(null, true);
    },
  };
}

function connectPacketRefusal(
  packet: ConnectPacket,
  { settings }: HookContext,
): { returnCode: number; error: BrokerRefusalError } | undefined {
  const supportedLevels = settings.profile === 'aws' ? [4] : [3, 4];
  if (!supportedLevels.includes(packet.protocolVersion ?? 4)) {
    return {
      returnCode: connackReturnCode.unacceptableProtocolVersion,
      error: new BrokerRefusalError(
        'MALFORMED_PACKET',
        `MQTT protocol level ${packet.protocolVersion} is not supported; connect with MQTT 3.1.1 (level 4)`,
      ),
    };
  }
  const clientId = packet.clientId ?? '';
  if (clientId === '' && packet.clean === false) {
    return {
      returnCode: connackReturnCode.identifierRejected,
      error: new BrokerRefusalError(
        'MALFORMED_PACKET',
        'An empty client id needs clean session 1 (MQTT-3.1.3-8); give the client an id to keep a session',
      ),
    };
  }
  if (Buffer.byteLength(clientId) > settings.limits.maxClientIdBytes) {
    return {
      returnCode: connackReturnCode.identifierRejected,
      error: new BrokerRefusalError(
        'MALFORMED_PACKET',
        `Client id is longer than ${settings.limits.maxClientIdBytes} bytes; use a shorter one`,
      ),
    };
  }
  return undefined;
}

// aedes has no way to answer a refused CONNECT with a chosen code from preConnect, so the CONNACK is
// written here; aedes closes the connection once the callback reports the error.
function refuseWithConnack(
  client: Client,
  returnCode: number,
  error: Error,
  callback: (error: Error | null, success: boolean) => void,
): void {
  client.conn.write(Buffer.from([0x20, 0x02, 0x00, returnCode]), () => callback(error, false));
}
