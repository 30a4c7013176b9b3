// Serves the shadow request topics on the local broker (device-shadow-mqtt.html): a client publish to
// `$aws/things/<thing>/shadow[/name/<shadowName>]/{get,update,delete}` is answered on the matching
// response topics, published through the broker to every subscriber (service-topics.ts hooks the broker).
import type { Aedes } from 'aedes';
import type { Logger } from '@tributary/contracts';
import {
  parseShadowRequestTopic,
  type ShadowAddress,
  type ShadowOperation,
} from '../core/shadow/shadow-address.js';
import { publishAsService } from './broker/service-publish.js';
import { maxInFlightRequestsPerConnection } from '../core/shadow/shadow-limits.js';
import {
  acceptedMessage,
  rejectedMessage,
  updateAcceptedMessages,
  type ShadowMessage,
} from '../core/shadow/shadow-messages.js';
import { ShadowRejection } from '../core/shadow/shadow-rejection.js';
import { serveServiceTopics, type AttachedServiceTopics } from './service-topics.js';
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

export type AttachedShadowTopics = AttachedServiceTopics;

export function attachShadowTopics(
  aedes: Aedes,
  service: ShadowRequests,
  options: ShadowTopicsOptions,
): AttachedShadowTopics {
  const { logger, onResponse } = options;
  const inFlightByClient = new Map<string, number>();

  const publish = (message: ShadowMessage) => publishAsService(aedes, message.topic, message.payload);
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

  return serveServiceTopics(aedes, {
    parse: parseShadowRequestTopic,
    handle: (request, packet, client) =>
      handle(request.address, request.operation, Buffer.from(packet.payload), client.id),
    logger,
    failure: 'could not publish a shadow response',
  });
}
