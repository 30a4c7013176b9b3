// A subscriber that stops reading must not hold back the others (faults.md #24). aedes routes a message
// to its subscribers and waits until every one's socket took it; with a full socket it waits for a drain
// (at most drainTimeoutMs, then it drops the client), and meanwhile it routes at most 100 messages at once
// (mqemitter's concurrency), so every other subscriber of those topics waited too. Here a delivery to a
// full socket is released at once: the client still has drainTimeoutMs to drain before aedes drops it, and
// one that has more than `maxUnsentBytes` waiting is dropped at once, so what it holds stays bounded.
import type { Client } from 'aedes';

interface DrainingClient {
  readonly conn: { readonly writableLength: number };
  waitForDrain(callback: (error: Error | null, client: unknown) => void): void;
  /** aedes's own slow-consumer exit: fails the waiting deliveries and destroys the socket ('drain timeout'). */
  _handleDrainTimeout(): void;
}

/** Applies the release to one client; call as aedes takes its connection. */
export function releaseDeliveriesToStalledClient(client: Client, maxUnsentBytes: number): void {
  const draining = client as unknown as DrainingClient;
  const waitForDrain = draining.waitForDrain.bind(draining);
  draining.waitForDrain = (callback) => {
    if (draining.conn.writableLength > maxUnsentBytes) {
      // Reported like the drain timeout (SERVER_INITIATED_DISCONNECT): the broker chose to drop a client
      // that stopped reading.
      draining._handleDrainTimeout();
    } else {
      // aedes's drain timer keeps running for the client; the delivery itself goes on.
      waitForDrain(() => undefined);
    }
    setImmediate(callback, null, client);
  };
}
