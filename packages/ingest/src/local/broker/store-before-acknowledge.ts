// With durable persistence, a QoS 1 PUBACK goes out only after the broker stored the message: the
// retained copy and the queue entry of every persistent subscriber (DESIGN.md §4, faults.md #21).
// aedes 1.2 writes the PUBACK first and stores afterwards (lib/handlers/publish.js, enqueuePublish), so a
// kill -9 between the two loses a message the publisher was told is safe. Here the message is published
// (stored and routed) once it is authorized, and aedes's own publish after its PUBACK is skipped.
// The PUBACK goes out as soon as aedes starts routing the message: by then it has stored the retained
// copy and queued it for every persistent subscription (aedes.js publishFuncsQoS: storeRetained,
// enqueueOffline, emitPacket), and routing waits for each subscriber's socket to drain, so waiting for
// it would hold every publisher of a topic a stalled subscriber reads for drainTimeoutMs (faults.md #24).
import type { Aedes, AedesPublishPacket, Client, PublishPacket } from 'aedes';

type Authorize = (client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void) => void;
type Publish = (packet: PublishPacket | AedesPublishPacket, ...rest: unknown[]) => void;
type Emit = (packet: { brokerCounter?: number }, ...rest: unknown[]) => unknown;

/** Makes `aedes` store every client's QoS 1 message before acknowledging it; call once, before listening. */
export function storeBeforeAcknowledging(aedes: Aedes): void {
  const broker = aedes as unknown as {
    authorizePublish: Authorize;
    publish: Publish;
    counter: number;
    mq: { emit: Emit };
  };
  const authorize = broker.authorizePublish;
  const publish = broker.publish.bind(aedes);
  // The very packet objects aedes is about to publish a second time (same object from authorize to publish).
  const publishedAhead = new WeakSet<object>();
  // Stored messages waiting for their routing to start, by the brokerCounter aedes's Packet copies over.
  const storedOnRouting = new Map<number, () => void>();
  const emit = broker.mq.emit.bind(broker.mq);
  broker.mq.emit = (packet, ...rest) => {
    storedOnRouting.get(packet.brokerCounter ?? -1)?.();
    return emit(packet, ...rest);
  };

  broker.authorizePublish = (client, packet, done) =>
    authorize(client, packet, (error) => {
      // QoS 0 has no PUBACK; a publish with no client (a will of another broker) has no one to answer.
      if (error || !client || packet.qos !== 1) return done(error);
      const counter = ++broker.counter;
      (packet as { brokerCounter?: number }).brokerCounter = counter;
      let answered = false;
      const answer = (publishError?: Error) => {
        storedOnRouting.delete(counter);
        if (answered) return;
        answered = true;
        if (publishError) return done(publishError);
        publishedAhead.add(packet);
        done(null);
      };
      storedOnRouting.set(counter, () => answer());
      publish(packet, client, answer);
    });

  broker.publish = (packet, ...rest) => {
    if (!publishedAhead.delete(packet)) return publish(packet, ...rest);
    const done = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
    done?.();
  };
}
