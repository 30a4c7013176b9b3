// How many retained messages the broker stores, held to a quota as AWS IoT Core holds an account to
// "Maximum number of retained messages per account" (iot-core.html#message-broker-limits): at the limit,
// no new retained message is stored and every retained publish with a payload is throttled; an empty
// retained payload still deletes its topic's message and frees a place (faults.md #16; mqtt.html#mqtt-retain).
// The count follows the store itself (aedes's persistence, in memory or LevelDB), so it survives a restart.

/** The part of aedes's persistence (aedes-persistence, aedes-persistence-level) that holds retained messages. */
export interface RetainedMessageStore {
  storeRetained(packet: { topic: string; payload: Buffer | string }): Promise<void>;
  createRetainedStream(pattern: string): AsyncIterable<{ topic: string }>;
}

export class RetainedMessageQuota {
  // One entry per topic with a stored retained message: the store keeps one message per topic.
  private readonly retainedTopics = new Set<string>();

  constructor(readonly limit: number) {}

  /** Retained messages stored now. */
  get count(): number {
    return this.retainedTopics.size;
  }

  /** Counts what `store` already holds (after a restart), then every message it stores or deletes. */
  async track(store: RetainedMessageStore): Promise<void> {
    for await (const packet of store.createRetainedStream('#')) this.retainedTopics.add(packet.topic);
    const storeRetained = store.storeRetained.bind(store);
    store.storeRetained = async (packet) => {
      await storeRetained(packet);
      if (packet.payload.length === 0) this.retainedTopics.delete(packet.topic);
      else this.retainedTopics.add(packet.topic);
    };
  }

  /**
   * Whether a retained publish with `payloadBytes` may go on. Checked when the packet arrives and counted
   * when it is stored, so publishes already on their way may pass the limit by as many as one socket
   * read of one connection carries at once.
   */
  admits(payloadBytes: number): boolean {
    return payloadBytes === 0 || this.retainedTopics.size < this.limit;
  }
}
