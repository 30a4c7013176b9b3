// Packets aedes must never see: QoS 2, which AWS IoT Core does not support — it answers neither a QoS 2
// PUBLISH nor a SUBSCRIBE asking for QoS 2 (mqtt.html#mqtt-qos) — and SUBSCRIBE packets with more
// filters than allowed; and publishes over the per-connection quota (publish-throttle.ts) or retained
// publishes over the retained-message quota (retained-quota.ts). The filter sits between aedes's packet
// parser and its dispatcher.
import type { EventEmitter } from 'node:events';
import type { Client } from 'aedes';
import { internalsOf } from './connections.js';
import type { HookContext } from './hook-context.js';
import type { PublishThrottle } from './publish-throttle.js';
import type { RetainedMessageQuota } from './retained-quota.js';
import { BrokerRefusalError } from './refusals.js';

type Verdict = 'dispatch' | 'ignore' | BrokerRefusalError;

/** The fields of mqtt-packet's parsed packets this filter reads (mqtt-packet is not a direct dependency). */
interface ParsedPacket {
  readonly cmd: string;
  readonly qos?: number;
  readonly retain?: boolean;
  readonly topic?: string;
  readonly payload?: Buffer;
  readonly subscriptions?: { topic: string; qos: number }[];
}

export function filterIncomingPackets(
  client: Client,
  context: HookContext,
  publishThrottle: PublishThrottle,
  retainedMessages: RetainedMessageQuota,
): void {
  const parser = internalsOf(client)._parser;
  // aedes 1.2 registers exactly one 'packet' listener (lib/client.js, enqueue); it is re-added behind the filter.
  const dispatch = parser.listeners('packet')[0] as (this: EventEmitter, packet: ParsedPacket) => void;
  parser.removeAllListeners('packet');
  parser.on('packet', function filterPacket(this: EventEmitter, packet: ParsedPacket) {
    // Over the quota the publish is dropped here, before aedes sees it: no PUBACK, no routing, no rules.
    if (packet.cmd === 'publish' && !publishThrottle.admit(client)) return;
    if (packet.retain && !retainedMessages.admits(packet.payload?.length ?? 0)) {
      // AWS throttles it and keeps the connection: not stored, not routed, no PUBACK.
      context.logger.warn('retained publish discarded: retained-message quota reached', {
        clientId: client.id,
        topic: packet.topic,
        limit: retainedMessages.limit,
      });
      return;
    }
    const verdict = verdictOn(packet, context);
    if (verdict === 'dispatch') return dispatch.call(this, packet);
    if (verdict === 'ignore') {
      context.logger.info('packet ignored as AWS IoT Core ignores it', {
        clientId: client.id,
        cmd: packet.cmd,
      });
      return;
    }
    context.logger.warn('packet refused', {
      clientId: client.id,
      code: verdict.code,
      reason: verdict.message,
    });
    context.connections.noteDisconnectReason(client, verdict.disconnectReason);
    client.emit('error', verdict);
  });
}

function verdictOn(packet: ParsedPacket, { settings }: HookContext): Verdict {
  const isAws = settings.profile === 'aws';
  if (packet.cmd === 'publish' && packet.qos === 2) {
    return isAws
      ? 'ignore'
      : new BrokerRefusalError('QOS_NOT_SUPPORTED', 'QoS 2 is not supported; publish with QoS 0 or 1');
  }
  const subscriptions = packet.cmd === 'subscribe' ? packet.subscriptions : undefined;
  if (!subscriptions) return 'dispatch';
  const limit = settings.limits.maxFiltersPerSubscribe;
  if (subscriptions.length > limit) {
    return new BrokerRefusalError(
      'SUBSCRIPTION_LIMIT_EXCEEDED',
      `A SUBSCRIBE may carry at most ${limit} topic filters; this one has ${subscriptions.length}: split it`,
    );
  }
  if (!subscriptions.some((subscription) => subscription.qos === 2)) return 'dispatch';
  if (isAws) return 'ignore';
  // The spec lets a server grant less than asked (MQTT-3.9.3); QoS 2 is never granted.
  for (const subscription of subscriptions) {
    if (subscription.qos === 2) subscription.qos = 1;
  }
  return 'dispatch';
}
