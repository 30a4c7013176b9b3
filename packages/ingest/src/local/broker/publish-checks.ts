// Whether a client's PUBLISH goes on: topic and payload limits, iot:Publish and iot:RetainPublish, and
// then the rules engine (beforeAcknowledge). aedes writes the PUBACK only after this calls back, so a
// QoS 1 PUBACK means the rules engine has the message (iot-basic-ingest.html). Any refusal closes the
// connection: MQTT 3.1.1 has no negative PUBACK, and AWS disconnects (faults.md #6, #8).
import type { AedesOptions, Client, PublishPacket } from 'aedes';
import { decide, type HookContext } from './hook-context.js';
import { BrokerRefusalError } from './refusals.js';
import { payloadRefusal, publishTopicRefusal } from './topic-limits.js';

type BeforeAcknowledge = (packet: PublishPacket, clientId: string) => Promise<unknown>;

export function authorizePublishHook(
  context: HookContext,
  beforeAcknowledge: BeforeAcknowledge | undefined,
): Required<AedesOptions>['authorizePublish'] {
  const { settings, logger, connections } = context;
  const refuse = (
    client: Client | null,
    refusal: BrokerRefusalError,
    done: (error?: Error | null) => void,
  ) => {
    logger.warn('publish refused', { clientId: client?.id, code: refusal.code, reason: refusal.message });
    if (client) connections.noteDisconnectReason(client, refusal.disconnectReason);
    done(refusal);
  };
  return (client, packet, done) => {
    // Wills published after their client is gone carry the client id on the packet.
    const clientId = client?.id ?? (packet as { clientId?: string }).clientId ?? 'n/a';
    const limitRefusal =
      publishTopicRefusal(packet.topic, settings) ?? payloadRefusal(payloadBytes(packet.payload), settings);
    if (limitRefusal) return refuse(client, limitRefusal, done);
    permissionRefusal(context, client, clientId, packet).then(
      (refusal) => {
        if (refusal) return refuse(client, refusal, done);
        if (!beforeAcknowledge) return done(null);
        beforeAcknowledge(packet, clientId).then(
          () => done(null),
          (error: unknown) => {
            // Refusing the publish disconnects the client, so the device retries instead of believing
            // an unrecorded message was accepted.
            logger.error('publish not recorded; refusing it', { topic: packet.topic, clientId, error });
            if (client) connections.noteDisconnectReason(client, 'SERVER_ERROR');
            done(error instanceof Error ? error : new Error(String(error)));
          },
        );
      },
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

async function permissionRefusal(
  { authorizer, connections }: HookContext,
  client: Client | null,
  clientId: string,
  packet: PublishPacket,
): Promise<BrokerRefusalError | undefined> {
  if (!authorizer) return undefined;
  const authorization = connections.contextOf(client, clientId);
  const publish = authorizer.publish?.bind(authorizer);
  const published = await decide(
    publish && (() => publish(authorization, packet.topic, { retain: packet.retain, qos: packet.qos })),
  );
  if (!published.allowed) {
    return new BrokerRefusalError(
      'NOT_AUTHORIZED',
      `iot:Publish on "${packet.topic}" denied: ${published.reason}`,
    );
  }
  if (!packet.retain) return undefined;
  const retainPublish = authorizer.retainPublish?.bind(authorizer);
  const retained = await decide(retainPublish && (() => retainPublish(authorization, packet.topic)));
  return retained.allowed
    ? undefined
    : new BrokerRefusalError(
        'NOT_AUTHORIZED',
        `iot:RetainPublish on "${packet.topic}" denied: ${retained.reason}`,
      );
}

const payloadBytes = (payload: Buffer | string): number =>
  typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
