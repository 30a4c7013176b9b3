// With durable persistence, a QoS 1 PUBACK goes out only after the broker stored the message: the
// retained copy and the queue entry of every persistent subscriber (DESIGN.md §4, faults.md #21).
// aedes 1.2 writes the PUBACK first and stores afterwards (lib/handlers/publish.js, enqueuePublish), so a
// kill -9 between the two loses a message the publisher was told is safe. Here the message is published
// (stored and routed) once it is authorized, and aedes's own publish after its PUBACK is skipped.
import type { Aedes, AedesPublishPacket, Client, PublishPacket } from 'aedes';

type Authorize = (client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void) => void;
type Publish = (packet: PublishPacket | AedesPublishPacket, ...rest: unknown[]) => void;

/** Makes `aedes` store every client's QoS 1 message before acknowledging it; call once, before listening. */
export function storeBeforeAcknowledging(aedes: Aedes): void {
  const broker = aedes as unknown as { authorizePublish: Authorize; publish: Publish };
  const authorize = broker.authorizePublish;
  const publish = broker.publish.bind(aedes);
  // The very packet objects aedes is about to publish a second time (same object from authorize to publish).
  const publishedAhead = new WeakSet<object>();

  broker.authorizePublish = (client, packet, done) =>
    authorize(client, packet, (error) => {
      // QoS 0 has no PUBACK; a publish with no client (a will of another broker) has no one to answer.
      if (error || !client || packet.qos !== 1) return done(error);
      publish(packet, client, (publishError?: Error) => {
        if (publishError) return done(publishError);
        publishedAhead.add(packet);
        done(null);
      });
    });

  broker.publish = (packet, ...rest) => {
    if (!publishedAhead.delete(packet)) return publish(packet, ...rest);
    const done = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
    done?.();
  };
}
