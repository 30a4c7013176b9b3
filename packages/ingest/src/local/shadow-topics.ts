// Serves the shadow request topics on the local broker (device-shadow-mqtt.html): a client publish to
// `$aws/things/<thing>/shadow[/name/<shadowName>]/{get,update,delete}` is answered on the matching
// response topics, published through the broker to every subscriber. Hooks aedes's 'publish' event,
// so broker.ts needs no change.
import type { Aedes, Client, PublishPacket } from 'aedes';
import type { Logger } from '@tributary/contracts';
import {
  parseShadowRequestTopic,
  type ShadowAddress,
  type ShadowOperation,
} from '../core/shadow/shadow-address.js';
import { maxInFlightRequestsPerConnection } from '../core/shadow/shadow-limits.js';
import {
  acceptedMessage,
  rejectedMessage,
  updateAcceptedMessages,
  type ShadowMessage,
} from '../core/shadow/shadow-messages.js';
import { ShadowRejection } from '../core/shadow/shadow-rejection.js';
import type { ShadowRequests } from './shadow-service.js';

export interface ShadowTopicsOptions {
  readonly logger: Logger;
  /**
   * Runs for every response before it is published, e.g. to feed the rules engine: AWS rules see shadow
   * responses (`SELECT ... FROM '$aws/things/+/shadow/update/accepted'`), while aedes's
   * `authorizePublish` hook only sees client publishes.
   */
  readonly onResponse?: (message: ShadowMessage) => Promise<unknown>;
}

export interface AttachedShadowTopics {
  /** Resolves once every request received so far has been answered. */
  idle(): Promise<void>;
  detach(): void;
}

export function attachShadowTopics(
  aedes: Aedes,
  service: ShadowRequests,
  options: ShadowTopicsOptions,
): AttachedShadowTopics {
  const { logger, onResponse } = options;
  const inFlightByClient = new Map<string, number>();
  const pending = new Set<Promise<void>>();
  // A will message on a `$aws` topic reaches subscribers and rules, but the Shadow service ignores it
  // (iot-device-shadows.html). aedes publishes a will with the client, so remember which packets are wills.
  const willPackets = new WeakSet<object>();

  const publish = (message: ShadowMessage) =>
    new Promise<void>((resolve, reject) =>
      aedes.publish(
        {
          cmd: 'publish',
          topic: message.topic,
          payload: Buffer.from(message.payload),
          qos: 1,
          retain: false,
          dup: false,
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  const respond = async (messages: ShadowMessage[]) => {
    for (const message of messages) {
      await onResponse?.(message);
      await publish(message);
    }
  };

  const answer = async (address: ShadowAddress, operation: ShadowOperation, payload: Buffer) => {
    const rejected = (rejection: ShadowRejection) => [
      rejectedMessage(address, operation, rejection, service.nowSeconds()),
    ];
    if (operation === 'update') {
      const outcome = await service.update(address, payload);
      return outcome instanceof ShadowRejection
        ? rejected(outcome)
        : updateAcceptedMessages(address, outcome);
    }
    if (operation === 'get') {
      const outcome = await service.get(address, payload);
      return outcome instanceof ShadowRejection
        ? rejected(outcome)
        : [acceptedMessage(address, 'get', outcome)];
    }
    const outcome = await service.delete(address, payload);
    return outcome instanceof ShadowRejection
      ? rejected(outcome)
      : [acceptedMessage(address, 'delete', outcome.accepted)];
  };

  const handle = async (
    address: ShadowAddress,
    operation: ShadowOperation,
    payload: Buffer,
    clientId: string,
  ) => {
    const inFlight = inFlightByClient.get(clientId) ?? 0;
    if (inFlight >= maxInFlightRequestsPerConnection) {
      await respond([
        rejectedMessage(address, operation, ShadowRejection.tooManyRequests(), service.nowSeconds()),
      ]);
      return;
    }
    inFlightByClient.set(clientId, inFlight + 1);
    try {
      await respond(await answer(address, operation, payload));
    } catch (error) {
      logger.error('shadow request failed; answering 500', { clientId, operation, ...address, error });
      await respond([
        rejectedMessage(address, operation, ShadowRejection.internalFailure(), service.nowSeconds()),
      ]);
    } finally {
      const left = (inFlightByClient.get(clientId) ?? 1) - 1;
      if (left > 0) inFlightByClient.set(clientId, left);
      else inFlightByClient.delete(clientId);
    }
  };

  const onClient = (client: Client) => {
    const will = (client as Client & { will?: object | null }).will;
    if (will) willPackets.add(will);
  };
  const onPublish = (packet: PublishPacket, client: Client | null) => {
    // Broker-originated publishes (our own responses, $SYS) have no client.
    if (!client || willPackets.has(packet)) return;
    const request = parseShadowRequestTopic(packet.topic);
    if (!request) return;
    const work = handle(request.address, request.operation, Buffer.from(packet.payload), client.id).catch(
      (error: unknown) => logger.error('could not publish a shadow response', { topic: packet.topic, error }),
    );
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  aedes.on('client', onClient);
  aedes.on('publish', onPublish);
  return {
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    detach() {
      aedes.off('client', onClient);
      aedes.off('publish', onPublish);
    },
  };
}
