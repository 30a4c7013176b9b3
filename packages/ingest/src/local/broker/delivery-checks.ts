// Whether one message is delivered to one subscriber. aedes matches filters as the MQTT spec does; the
// AWS profile then takes back what AWS would not deliver (mqtt.html#mqtt-differences): `a/#` does not
// match `a`, and a retained message is sent on subscribe only to a filter without wildcards. Every
// delivery also asks iot:Receive, so revoking it stops delivery on the next message, and QoS 1
// deliveries stop at the in-flight limit until the client acknowledges (iot-core.html: 100 per client).
import type { AedesOptions, AedesPublishPacket, Client } from 'aedes';
import { topicMatches } from '../../core/topic-filter.js';
import type { HookContext } from './hook-context.js';
import { internalsOf } from './connections.js';

export function authorizeForwardHook({
  settings,
  connections,
  authorizer,
  logger,
}: HookContext): Required<AedesOptions>['authorizeForward'] {
  const receive = authorizer?.receive?.bind(authorizer);
  const inflightLimit = settings.limits.maxInflightOutbound;
  return (client, packet) => {
    if (settings.profile === 'aws' && !awsWouldDeliver(client, packet)) return null;
    if (receive) {
      const decision = receive(connections.contextOf(client, client.id), packet.topic);
      if (!decision.allowed) {
        logger.debug('delivery withheld: iot:Receive denied', {
          clientId: client.id,
          topic: packet.topic,
          reason: decision.reason,
        });
        return null;
      }
    }
    const state = connections.stateOf(client);
    if (state && Number.isFinite(inflightLimit) && deliveredQos(client, packet) > 0) {
      if (state.unacknowledgedOutbound >= inflightLimit) {
        logger.debug('delivery withheld: in-flight limit reached', {
          clientId: client.id,
          topic: packet.topic,
        });
        return null;
      }
      state.unacknowledgedOutbound++;
    }
    return packet;
  };
}

function awsWouldDeliver(client: Client, packet: AedesPublishPacket): boolean {
  const subscriptions = internalsOf(client).subscriptions;
  if (subscriptions[packet.topic]) return true;
  // aedes clears brokerId only on retained messages it replays to a new subscription (handlers/subscribe.js).
  const isRetainedReplay = packet.retain && !packet.brokerId;
  if (isRetainedReplay) return false;
  return Object.keys(subscriptions).some((filter) => topicMatches(filter, packet.topic));
}

/** The QoS aedes will send the message with: the lower of the message's and the matching subscription's. */
function deliveredQos(client: Client, packet: AedesPublishPacket): number {
  if (packet.qos === 0) return 0;
  const subscriptions = internalsOf(client).subscriptions;
  const exact = subscriptions[packet.topic];
  const subscribedQos = exact
    ? exact.qos
    : Math.max(
        0,
        ...Object.entries(subscriptions)
          .filter(([filter]) => topicMatches(filter, packet.topic))
          .map(([, subscription]) => subscription.qos),
      );
  return Math.min(packet.qos, subscribedQos);
}
