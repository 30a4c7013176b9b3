import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../src/local/bounded-queue.js';
import { LiveFeed, LiveFeedFullError, type LiveEvent } from '../src/local/index.js';
import { aQuarantineRecord, aReading, anAnomaly } from './lake-fixtures.js';

const readingEvent = (value: number): LiveEvent => ({ type: 'reading', reading: aReading({ value }) });
const valuesOf = (events: LiveEvent[]) =>
  events.map((e) => (e.type === 'reading' ? e.reading.value : e.type));
const nextMicrotasks = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('BoundedQueue', () => {
  it('keeps the newest items up to its capacity, oldest first', () => {
    const queue = new BoundedQueue<number>(3);
    expect([1, 2, 3, 4, 5].map((n) => queue.push(n))).toEqual([false, false, false, true, true]);
    expect(queue.toArray()).toEqual([3, 4, 5]);
    expect(queue.drain()).toEqual([3, 4, 5]);
    expect(queue.size).toBe(0);
    queue.push(6);
    expect(queue.toArray()).toEqual([6]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
  });
});

describe('LiveFeed', () => {
  it('fans every published event out to every subscriber, in order', async () => {
    const feed = new LiveFeed();
    let notified = 0;
    const first = feed.subscribe(() => (notified += 1));
    const second = feed.subscribe(() => undefined);
    feed.publish(readingEvent(1));
    feed.publish({ type: 'anomaly', event: anAnomaly() });
    feed.publish({ type: 'quarantine', record: aQuarantineRecord() });
    await nextMicrotasks();
    expect(notified).toBe(1);
    for (const subscription of [first, second]) {
      expect(valuesOf(subscription.take().events)).toEqual([1, 'anomaly', 'quarantine']);
    }
    expect(first.take()).toEqual({ events: [], dropped: 0 });
  });

  it('bounds a slow subscriber: it loses its oldest events and is told how many', async () => {
    const feed = new LiveFeed({ subscriberBufferSize: 3 });
    const slow = feed.subscribe(() => undefined);
    const fast: LiveEvent[] = [];
    const fastSubscription = feed.subscribe(() => fast.push(...fastSubscription.take().events));
    for (let value = 1; value <= 10; value += 1) {
      feed.publish(readingEvent(value));
      await nextMicrotasks();
    }
    expect(valuesOf(fast)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const batch = slow.take();
    expect(valuesOf(batch.events)).toEqual([8, 9, 10]);
    expect(batch.dropped).toBe(7);
    expect(slow.take().dropped).toBe(0);
  });

  it('keeps recent events per type, so a burst of readings does not push out anomalies', () => {
    const feed = new LiveFeed({ recentPerType: 2 });
    feed.publish({ type: 'anomaly', event: anAnomaly() });
    for (let value = 1; value <= 5; value += 1) feed.publish(readingEvent(value));
    expect(valuesOf(feed.recent())).toEqual(['anomaly', 4, 5]);
  });

  it('stops delivering to a closed subscription and frees its place', () => {
    const feed = new LiveFeed({ maxSubscribers: 1 });
    const subscription = feed.subscribe(() => undefined);
    expect(() => feed.subscribe(() => undefined)).toThrow(LiveFeedFullError);
    subscription.close();
    expect(feed.subscriberCount).toBe(0);
    feed.publish(readingEvent(1));
    expect(subscription.take().events).toEqual([]);
    expect(() => feed.subscribe(() => undefined)).not.toThrow();
  });
});
