// Whether a client's PUBLISH goes on: topic and payload limits, iot:Publish and iot:RetainPublish, and
// then the rules engine (beforeAcknowledge). aedes writes the PUBACK only after this calls back, so a
// QoS 1 PUBACK means the rules engine has the message (iot-basic-ingest.html). Any refusal closes the
// connection: MQTT 3.1.1 has no negative PUBACK, and AWS disconnects (faults.md #6, #8).
import type { AedesOptions, Client, PublishPacket } from 'aedes';
import type { AuthorizationDecision, BrokerAuthorizer } from './authorizer.js';
import type { HookContext } from './hook-context.js';
import { BrokerRefusalError } from './refusals.js';
import { payloadRefusal, publishTopicRefusal } from './topic-limits.js';

type BeforeAcknowledge = (packet: PublishPacket, clientId: string) => Promise<unknown>;

export function authorizePublishHook(
  context: HookContext,
  beforeAcknowledge: BeforeAcknowledge | undefined,
): Required<AedesOptions>['authorizePublish'] {
  return (client, packet, done) => {
    // Wills published after their client is gone carry the client id on the packet.
    const clientId = client?.id ?? (packet as { clientId?: string }).clientId ?? 'n/a';
    const { settings } = context;
    const limitRefusal =
      publishTopicRefusal(packet.topic, settings) ?? payloadRefusal(payloadBytes(packet.payload), settings);
    if (limitRefusal) return refuse(context, client, limitRefusal, done);
    // The policy engine answers from memory for a topic the connection published before: then the
    // whole check stays synchronous, with no promise per message.
    const refusal = permissionRefusal(context, client, clientId, packet);
    if (!(refusal instanceof Promise)) {
      return afterPermission(context, beforeAcknowledge, client, clientId, packet, done, refusal);
    }
    refusal.then(
      (decided) => afterPermission(context, beforeAcknowledge, client, clientId, packet, done, decided),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

type Done = (error?: Error | null) => void;

function refuse(context: HookContext, client: Client | null, refusal: BrokerRefusalError, done: Done): void {
  context.logger.warn('publish refused', {
    clientId: client?.id,
    code: refusal.code,
    reason: refusal.message,
  });
  // A Will is checked as its connection closes: its refusal is not why the connection ended.
  if (client && !client.closed) context.connections.noteDisconnectReason(client, refusal.disconnectReason);
  done(refusal);
}

function afterPermission(
  context: HookContext,
  beforeAcknowledge: BeforeAcknowledge | undefined,
  client: Client | null,
  clientId: string,
  packet: PublishPacket,
  done: Done,
  refusal: BrokerRefusalError | undefined,
): void {
  if (refusal) return refuse(context, client, refusal, done);
  if (!beforeAcknowledge) return done(null);
  // A hook that throws instead of rejecting refuses the publish the same way.
  let acknowledged: Promise<unknown>;
  try {
    acknowledged = beforeAcknowledge(packet, clientId);
  } catch (error) {
    acknowledged = Promise.reject(error);
  }
  acknowledged.then(
    () => done(null),
    (error: unknown) => {
      // Refusing the publish disconnects the client, so the device retries instead of believing
      // an unrecorded message was accepted.
      context.logger.error('publish not recorded; refusing it', { topic: packet.topic, clientId, error });
      if (client) context.connections.noteDisconnectReason(client, 'SERVER_ERROR');
      done(error instanceof Error ? error : new Error(String(error)));
    },
  );
}

type Decision = AuthorizationDecision | Promise<AuthorizationDecision>;
type Refusal = BrokerRefusalError | undefined;

/** iot:Publish, then iot:RetainPublish for a retained message; synchronous when the authorizer is. */
function permissionRefusal(
  { authorizer, connections }: HookContext,
  client: Client | null,
  clientId: string,
  packet: PublishPacket,
): Refusal | Promise<Refusal> {
  if (!authorizer?.publish) return retainRefusal(authorizer, connections, client, clientId, packet);
  const authorization = connections.contextOf(client, clientId);
  const published: Decision = authorizer.publish(authorization, packet.topic, {
    retain: packet.retain,
    qos: packet.qos,
  });
  return published instanceof Promise
    ? published.then((decision) =>
        publishRefusal(decision, authorizer, connections, client, clientId, packet),
      )
    : publishRefusal(published, authorizer, connections, client, clientId, packet);
}

function publishRefusal(
  decision: AuthorizationDecision,
  authorizer: BrokerAuthorizer,
  connections: HookContext['connections'],
  client: Client | null,
  clientId: string,
  packet: PublishPacket,
): Refusal | Promise<Refusal> {
  return decision.allowed
    ? retainRefusal(authorizer, connections, client, clientId, packet)
    : new BrokerRefusalError('NOT_AUTHORIZED', `iot:Publish on "${packet.topic}" denied: ${decision.reason}`);
}

function retainRefusal(
  authorizer: BrokerAuthorizer | undefined,
  connections: HookContext['connections'],
  client: Client | null,
  clientId: string,
  packet: PublishPacket,
): Refusal | Promise<Refusal> {
  if (!packet.retain || !authorizer?.retainPublish) return undefined;
  const retained: Decision = authorizer.retainPublish(connections.contextOf(client, clientId), packet.topic);
  return retained instanceof Promise
    ? retained.then((decision) => retainDecisionRefusal(decision, packet))
    : retainDecisionRefusal(retained, packet);
}

const retainDecisionRefusal = (decision: AuthorizationDecision, packet: PublishPacket): Refusal =>
  decision.allowed
    ? undefined
    : new BrokerRefusalError(
        'NOT_AUTHORIZED',
        `iot:RetainPublish on "${packet.topic}" denied: ${decision.reason}`,
      );

const payloadBytes = (payload: Buffer | string): number =>
  typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
