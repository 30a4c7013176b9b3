// Whether a subscription is granted: filter limits, the per-connection subscription quota and
// iot:Subscribe. A refusal disconnects under the AWS profile (what AWS does for MQTT 3.1.1,
// faults.md #7) and answers SUBACK 0x80 for that filter under the spec profile (MQTT 3.9.3).
import type { AedesOptions } from 'aedes';
import { decide, type HookContext } from './hook-context.js';
import { BrokerRefusalError } from './refusals.js';
import { subscribeFilterRefusal } from './topic-limits.js';

export function authorizeSubscribeHook(context: HookContext): Required<AedesOptions>['authorizeSubscribe'] {
  const { settings, connections, authorizer, logger } = context;
  return (client, subscription, done) => {
    const filter = subscription.topic;
    const grantedFilters = connections.stateOf(client)?.subscriptionFilters ?? new Set<string>();
    const isNewFilter = !grantedFilters.has(filter);
    const refuse = (refusal: BrokerRefusalError) => {
      if (isNewFilter) grantedFilters.delete(filter);
      logger.warn('subscription refused', {
        clientId: client.id,
        filter,
        code: refusal.code,
        reason: refusal.message,
      });
      if (settings.profile === 'mqtt-3.1.1') return done(null, null);
      connections.noteDisconnectReason(client, refusal.disconnectReason);
      done(refusal);
    };
    const limitRefusal = subscribeFilterRefusal(filter, settings);
    if (limitRefusal) return refuse(limitRefusal);
    const quota = settings.limits.maxSubscriptionsPerConnection;
    if (isNewFilter && grantedFilters.size >= quota) {
      return refuse(
        new BrokerRefusalError(
          'SUBSCRIPTION_LIMIT_EXCEEDED',
          `This connection already holds ${quota} subscriptions; unsubscribe from one first`,
        ),
      );
    }
    // Reserved before the (possibly asynchronous) decision, so filters of one SUBSCRIBE that are decided
    // in parallel cannot together overshoot the quota.
    grantedFilters.add(filter);
    const subscribe = authorizer?.subscribe?.bind(authorizer);
    decide(subscribe && (() => subscribe(connections.contextOf(client, client.id), filter))).then(
      (decision) => {
        if (decision.allowed) return done(null, subscription);
        refuse(
          new BrokerRefusalError('NOT_AUTHORIZED', `iot:Subscribe on "${filter}" denied: ${decision.reason}`),
        );
      },
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  };
}
