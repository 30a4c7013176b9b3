// Publishes the local registry's changes as AWS IoT registry events: each change whose event type is enabled
// (UpdateEventConfigurations) goes out on its `$aws/events/...` topic through the broker and to the rules
// engine, which sees it as on AWS (registry-events.html). The registry itself knows nothing of MQTT.
import type { Aedes } from 'aedes';
import type { Logger } from '@tributary/contracts';
import { registryEventOf } from '../core/registry-events.js';
import type { LocalRegistry } from './registry/index.js';

export interface RegistryEventPublisherOptions {
  readonly registry: LocalRegistry;
  readonly aedes: Pick<Aedes, 'publish'>;
  /** The account events name in `accountId`. */
  readonly accountId: string;
  /** Hands each event to the rules engine, like the messages IoT Core publishes itself. */
  readonly onServiceMessage: (topic: string, payload: Buffer) => Promise<unknown>;
  readonly logger: Logger;
}

/** Starts publishing; the returned function stops it (the registry outlives the broker). */
export function publishRegistryEvents(options: RegistryEventPublisherOptions): () => void {
  const { registry, aedes, logger } = options;
  return registry.onChange((change) => {
    const message = registryEventOf(change, {
      accountId: options.accountId,
      eventId: crypto.randomUUID(),
      timestamp: Date.now(),
    });
    if (!registry.isEventEnabled(message.eventConfiguration)) return;
    const payload = Buffer.from(JSON.stringify(message.event));
    // QoS 0 as for lifecycle events: IoT promises neither order nor exactly-once for either.
    aedes.publish(
      { cmd: 'publish', topic: message.topic, payload, qos: 0, retain: false, dup: false },
      (error) => {
        if (error)
          logger.warn('registry event not published', { topic: message.topic, error: error.message });
      },
    );
    void options.onServiceMessage(message.topic, payload);
  });
}
