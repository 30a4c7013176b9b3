// In-process fan-out of the platform's live events (readings, anomalies, quarantine, device changes) to
// dashboard clients. Memory stays bounded: each subscriber has a fixed buffer that loses its oldest events, counted,
// when the subscriber falls behind, and the feed keeps only a short history per event type.
import type { AnomalyEvent, EnrichedReading, QuarantineRecord } from '@tributary/contracts';
import type { DirectoryDevice } from '../core/index.js';
import { BoundedQueue } from './bounded-queue.js';

export type LiveEvent =
  | { readonly type: 'reading'; readonly reading: EnrichedReading }
  | { readonly type: 'anomaly'; readonly event: AnomalyEvent }
  | { readonly type: 'quarantine'; readonly record: QuarantineRecord }
  /** A device connected, disconnected, or its shadow or registration changed: its directory entry now. */
  | { readonly type: 'device'; readonly device: DirectoryDevice };

export type LiveEventType = LiveEvent['type'];
const liveEventTypes: readonly LiveEventType[] = ['reading', 'anomaly', 'quarantine', 'device'];

export interface LiveFeedOptions {
  /** Events a subscriber may have waiting; past it, its oldest are dropped and counted. @default 1_000 */
  readonly subscriberBufferSize?: number;
  /** Recent events kept per type and handed to new subscribers, so a page load shows data at once. @default 100 */
  readonly recentPerType?: number;
  /** Subscribers at once; subscribe() refuses more. @default 32 */
  readonly maxSubscribers?: number;
}

export interface LiveBatch {
  /** Waiting events, oldest first. */
  readonly events: LiveEvent[];
  /** Events this subscriber lost, since its previous take, because it fell behind. */
  readonly dropped: number;
}

export class LiveFeedFullError extends Error {
  override readonly name = 'LiveFeedFullError';
  readonly code = 'TOO_MANY_SUBSCRIBERS';
}

/** One subscriber's buffer. `onAvailable` runs (in a microtask) when events arrive in an empty buffer. */
export class LiveSubscription {
  private readonly pending: BoundedQueue<LiveEvent>;
  private droppedSinceTake = 0;
  private notifyScheduled = false;
  private closed = false;

  /** @internal Created by LiveFeed.subscribe. */
  constructor(
    bufferSize: number,
    private readonly onAvailable: () => void,
    private readonly detach: (subscription: LiveSubscription) => void,
  ) {
    this.pending = new BoundedQueue(bufferSize);
  }

  take(): LiveBatch {
    const batch = { events: this.pending.drain(), dropped: this.droppedSinceTake };
    this.droppedSinceTake = 0;
    return batch;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.drain();
    this.detach(this);
  }

  /** @internal */
  deliver(event: LiveEvent): void {
    if (this.pending.push(event)) this.droppedSinceTake += 1;
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      if (!this.closed && this.pending.size > 0) this.onAvailable();
    });
  }
}

export class LiveFeed {
  private readonly subscribers = new Set<LiveSubscription>();
  private readonly recentByType: Record<LiveEventType, BoundedQueue<{ seq: number; event: LiveEvent }>>;
  private readonly subscriberBufferSize: number;
  private readonly maxSubscribers: number;
  private published = 0;

  constructor(options: LiveFeedOptions = {}) {
    this.subscriberBufferSize = options.subscriberBufferSize ?? 1_000;
    this.maxSubscribers = options.maxSubscribers ?? 32;
    const recentPerType = options.recentPerType ?? 100;
    this.recentByType = {
      reading: new BoundedQueue(recentPerType),
      anomaly: new BoundedQueue(recentPerType),
      quarantine: new BoundedQueue(recentPerType),
      device: new BoundedQueue(recentPerType),
    };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  publish(event: LiveEvent): void {
    this.published += 1;
    this.recentByType[event.type].push({ seq: this.published, event });
    for (const subscriber of this.subscribers) subscriber.deliver(event);
  }

  /** The kept history of every type, oldest first. */
  recent(): LiveEvent[] {
    return liveEventTypes
      .flatMap((type) => this.recentByType[type].toArray())
      .sort((a, b) => a.seq - b.seq)
      .map(({ event }) => event);
  }

  /** Throws LiveFeedFullError when maxSubscribers are already subscribed. */
  subscribe(onAvailable: () => void): LiveSubscription {
    if (this.subscribers.size >= this.maxSubscribers) {
      throw new LiveFeedFullError(
        `The live feed already has ${this.maxSubscribers} subscribers: close a dashboard tab and retry.`,
      );
    }
    const subscription = new LiveSubscription(this.subscriberBufferSize, onAvailable, (s) =>
      this.subscribers.delete(s),
    );
    this.subscribers.add(subscription);
    return subscription;
  }
}
