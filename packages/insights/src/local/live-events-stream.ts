// GET /api/live: the LiveFeed as Server-Sent Events. The recent history first, then each event as it is
// published; writes wait for the socket to drain, so a slow client only loses its oldest events (and is
// told how many, as a `dropped` event) instead of growing the server's memory.
// https://html.spec.whatwg.org/multipage/server-sent-events.html
import type { ServerResponse } from 'node:http';
import type { LiveEvent, LiveFeed } from './live-feed.js';

export interface LiveEventsStream {
  /** Ends the stream and releases its subscription. */
  end(): void;
}

/** Throws LiveFeedFullError, before writing anything, when the feed has no room for another subscriber. */
export function streamLiveEvents(
  res: ServerResponse,
  feed: LiveFeed,
  heartbeatIntervalMs: number,
): LiveEventsStream {
  let waitingForDrain = false;
  const flush = () => {
    if (waitingForDrain || res.writableEnded) return;
    const { events, dropped } = subscription.take();
    const chunk =
      (dropped > 0 ? sseMessage('dropped', { count: dropped }) : '') + events.map(sseMessageOf).join('');
    if (chunk !== '') write(chunk);
  };
  const write = (chunk: string) => {
    if (res.write(chunk)) return;
    waitingForDrain = true;
    res.once('drain', () => {
      waitingForDrain = false;
      flush();
    });
  };
  const subscription = feed.subscribe(flush);

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  write(`retry: 2000\n\n${feed.recent().map(sseMessageOf).join('')}`);

  // A comment line keeps idle connections open through proxies and lets either side notice a dead peer.
  const heartbeat = setInterval(() => {
    if (!waitingForDrain) write(': heartbeat\n\n');
  }, heartbeatIntervalMs);
  const release = () => {
    clearInterval(heartbeat);
    subscription.close();
  };
  res.once('close', release);
  return {
    end: () => {
      release();
      res.end();
    },
  };
}

const sseMessage = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

function sseMessageOf(event: LiveEvent): string {
  switch (event.type) {
    case 'reading':
      return sseMessage('reading', event.reading);
    case 'anomaly':
      return sseMessage('anomaly', event.event);
    case 'quarantine':
      return sseMessage('quarantine', event.record);
    case 'device':
      return sseMessage('device', event.device);
  }
}
