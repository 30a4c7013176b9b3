// How IoT Core's own services (Device Shadow, fleet provisioning) answer MQTT requests on the local broker:
// they watch aedes's 'publish' event for their request topics, so the broker needs no change. Only a
// client's own publishes are requests: broker-originated publishes (responses, $SYS) have no client, and a
// Will on a `$aws` topic reaches subscribers and rules but no service (iot-device-shadows.html) — aedes
// publishes a Will with its client, so Will packets are remembered as clients connect.
import type { Aedes, Client, PublishPacket } from 'aedes';
import type { Logger } from '@tributary/contracts';

export interface AttachedServiceTopics {
  /** Resolves once every request received so far has been answered. */
  idle(): Promise<void>;
  detach(): void;
}

export interface ServiceTopics<Request> {
  /** The request a topic names, or undefined when the topic is not this service's. */
  parse(topic: string): Request | undefined;
  /** Answers one request; a rejection is logged with `failure`. */
  handle(request: Request, packet: PublishPacket, client: Client): Promise<void>;
  readonly logger: Logger;
  /** What the log says when `handle` fails, e.g. 'could not publish a shadow response'. */
  readonly failure: string;
}

export function serveServiceTopics<Request>(
  aedes: Aedes,
  service: ServiceTopics<Request>,
): AttachedServiceTopics {
  const pending = new Set<Promise<void>>();
  const willPackets = new WeakSet<object>();

  const onClient = (client: Client) => {
    const will = (client as Client & { will?: object | null }).will;
    if (will) willPackets.add(will);
  };
  const onPublish = (packet: PublishPacket, client: Client | null) => {
    if (!client || willPackets.has(packet)) return;
    const request = service.parse(packet.topic);
    if (request === undefined) return;
    const work = service
      .handle(request, packet, client)
      .catch((error: unknown) => service.logger.error(service.failure, { topic: packet.topic, error }));
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
