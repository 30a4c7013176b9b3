// Publishes AWS lifecycle events through the broker on `$aws/events/...` and hands each to the caller's
// callback (life-cycle-events.html). aedes's own events say when; the connection registry says who and why.
import type { Aedes, Client } from 'aedes';
import type { Logger } from '@tributary/contracts';
import {
  clientIdHasLifecycleEvents,
  connectedEvent,
  disconnectedEvent,
  subscriptionEvent,
  type LifecycleEvent,
  type LifecycleMessage,
} from '../../core/lifecycle-events.js';
import type { ConnectionRegistry } from './connections.js';

export function publishLifecycleEvents(
  aedes: Aedes,
  connections: ConnectionRegistry,
  logger: Logger,
  onLifecycleEvent: ((event: LifecycleEvent) => void) | undefined,
): void {
  const send = (client: Client, build: (now: number) => LifecycleMessage | undefined) => {
    if (!clientIdHasLifecycleEvents(client.id)) return;
    const message = build(Date.now());
    if (!message) return;
    aedes.publish(
      {
        cmd: 'publish',
        topic: message.topic,
        payload: Buffer.from(JSON.stringify(message.event)),
        qos: 0,
        retain: false,
        dup: false,
      },
      (error) => {
        if (error)
          logger.warn('lifecycle event not published', { topic: message.topic, error: error.message });
      },
    );
    try {
      onLifecycleEvent?.(message.event);
    } catch (error) {
      logger.error('onLifecycleEvent callback failed', { topic: message.topic, error });
    }
  };

  aedes.on('clientReady', (client) =>
    send(client, (now) => {
      const session = connections.sessionOf(client);
      const state = connections.stateOf(client);
      return session && state && connectedEvent(session, state.ipAddress, now);
    }),
  );
  aedes.on('clientDisconnect', (client) =>
    send(client, (now) => {
      const session = connections.sessionOf(client);
      return session && disconnectedEvent(session, connections.disconnectReasonOf(client), now);
    }),
  );
  aedes.on('subscribe', (subscriptions, client) => {
    // 128 is the SUBACK failure code: those filters were not subscribed.
    const topics = subscriptions.filter((s) => (s.qos as number) !== 128).map((s) => s.topic);
    if (topics.length === 0) return;
    send(client, (now) => {
      const session = connections.sessionOf(client);
      return session && subscriptionEvent(session, 'subscribed', topics, now);
    });
  });
  aedes.on('unsubscribe', (topics, client) => {
    // aedes also reports the subscriptions a closing connection drops; AWS reports only UNSUBSCRIBE.
    if (client.closed) return;
    send(client, (now) => {
      const session = connections.sessionOf(client);
      return session && subscriptionEvent(session, 'unsubscribed', topics, now);
    });
  });
}
