// Serves the device provisioning MQTT API on the local broker (fleet-provision-api.html). A client's
// publish to a request topic is answered on `<request topic>/accepted` or `/rejected` through that same
// connection only — AWS "returns the ... results through the same MQTT connection used to publish the API
// request", and a CreateKeysAndCertificate answer carries a private key no other claim holder may see.
// Like shadow-topics.ts it is served through service-topics.ts; delivery goes through the client's own
// subscriptions, so the broker's iot:Receive check still applies.
import type { Aedes, Client } from 'aedes';
import type { Logger } from '@tributary/contracts';
import { topicMatches } from '../../core/index.js';
import { serveServiceTopics, type AttachedServiceTopics } from '../service-topics.js';
import { cborEncodeRejection } from './cbor-rejection.js';
import { cborUnsupported, internalFailure } from './provisioning-rejections.js';
import type { FleetProvisioningService, ProvisioningOutcome } from './provisioning-service.js';

export type ProvisioningRequest =
  | { readonly operation: 'CreateKeysAndCertificate'; readonly payloadFormat: string }
  | { readonly operation: 'CreateCertificateFromCsr'; readonly payloadFormat: string }
  | { readonly operation: 'RegisterThing'; readonly payloadFormat: string; readonly templateName: string };

const payloadFormats = ['json', 'cbor'];

/** The request a topic names, or undefined when it is not a provisioning request topic. */
export function parseProvisioningRequestTopic(topic: string): ProvisioningRequest | undefined {
  // Every publish is asked: most are not under $aws/ at all, and need not be split to tell.
  if (!topic.startsWith('$aws/')) return undefined;
  const levels = topic.split('/');
  const payloadFormat = levels.at(-1) ?? '';
  if (levels[0] !== '$aws' || !payloadFormats.includes(payloadFormat)) return undefined;
  if (levels.length === 4 && levels[1] === 'certificates') {
    if (levels[2] === 'create') return { operation: 'CreateKeysAndCertificate', payloadFormat };
    if (levels[2] === 'create-from-csr') return { operation: 'CreateCertificateFromCsr', payloadFormat };
  }
  if (
    levels.length === 5 &&
    levels[1] === 'provisioning-templates' &&
    levels[3] === 'provision' &&
    levels[2]
  ) {
    return { operation: 'RegisterThing', payloadFormat, templateName: levels[2] };
  }
  return undefined;
}

export type AttachedProvisioningTopics = AttachedServiceTopics;

export function attachProvisioningTopics(
  aedes: Aedes,
  service: FleetProvisioningService,
  options: { readonly logger: Logger },
): AttachedProvisioningTopics {
  const { logger } = options;

  const answer = async (request: ProvisioningRequest, payload: Buffer): Promise<ProvisioningOutcome> => {
    if (request.operation === 'CreateKeysAndCertificate') return service.createKeysAndCertificate();
    if (request.operation === 'CreateCertificateFromCsr') return service.createCertificateFromCsr(payload);
    return service.registerThing(request.templateName, payload);
  };

  const handle = async (topic: string, request: ProvisioningRequest, payload: Buffer, client: Client) => {
    if (request.payloadFormat === 'cbor') {
      await replyTo(client, `${topic}/rejected`, cborEncodeRejection(cborUnsupported));
      return;
    }
    let outcome: ProvisioningOutcome;
    try {
      outcome = await answer(request, payload);
    } catch (error) {
      logger.error('fleet provisioning request failed; answering 500', { topic, clientId: client.id, error });
      outcome = { rejected: internalFailure() };
    }
    if ('rejected' in outcome) {
      logger.warn('fleet provisioning request rejected', { topic, clientId: client.id, ...outcome.rejected });
      await replyTo(client, `${topic}/rejected`, Buffer.from(JSON.stringify(outcome.rejected)));
    } else {
      await replyTo(client, `${topic}/accepted`, Buffer.from(JSON.stringify(outcome.accepted)));
    }
  };

  return serveServiceTopics(aedes, {
    parse: parseProvisioningRequestTopic,
    handle: (request, packet, client) => handle(packet.topic, request, Buffer.from(packet.payload), client),
    logger,
    failure: 'could not answer a fleet provisioning request',
  });
}

/**
 * Publishes to `client` alone, at the QoS of its matching subscription (at most 1, as AWS); without a
 * matching subscription the answer is dropped, as AWS drops it for a client that did not subscribe first.
 */
async function replyTo(client: Client, topic: string, payload: Buffer): Promise<void> {
  const subscriptions = (client as Client & { subscriptions: Record<string, { qos: number }> }).subscriptions;
  const matching = Object.entries(subscriptions).filter(([filter]) => topicMatches(filter, topic));
  if (matching.length === 0 || client.closed) return;
  const qos = Math.min(1, Math.max(...matching.map(([, subscription]) => subscription.qos))) as 0 | 1;
  await new Promise<void>((resolve, reject) =>
    client.publish({ cmd: 'publish', topic, payload, qos, retain: false, dup: false }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
}
