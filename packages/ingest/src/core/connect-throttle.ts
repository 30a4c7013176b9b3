// AWS IoT Core's quota of CONNECT requests per client id: 1 a second, not adjustable
// (https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits). It stops a reconnect
// storm — two devices sharing a client id taking each other over, or a device in a tight reconnect loop —
// from churning sessions (faults.md #10). Pure: the clock is passed in.
//
// The sustained rate is AWS's; the burst of 2 is ours. AWS documents no burst, but a device that drops and
// reconnects at once, or a second client that takes over an id (mqtt.html: the newest connection wins),
// connects against AWS — the throttle bites on a loop, not on one quick reconnect.
import { TokenBucket } from './token-bucket.js';

/** Connects one client id may make back to back before the per-second rate applies. */
export const connectBurstPerClientId = 2;

interface ClientIdRate {
  readonly bucket: TokenBucket;
  lastAttemptAt: number;
}

export class ConnectThrottle {
  private readonly rates = new Map<string, ClientIdRate>();
  private sweptAt: number;
  /** How long an unused bucket takes to fill up again; after that it is forgotten. */
  private readonly refillMs: number;

  constructor(
    private readonly perSecond: number,
    now: number,
    private readonly burst: number = connectBurstPerClientId,
  ) {
    this.sweptAt = now;
    this.refillMs = (burst / perSecond) * 1000;
  }

  /** Whether a CONNECT for `clientId` at `now` (milliseconds) is within the quota; every attempt counts. */
  admit(clientId: string, now: number): boolean {
    if (this.perSecond === Number.POSITIVE_INFINITY) return true;
    this.forgetIdleClientIds(now);
    let rate = this.rates.get(clientId);
    if (!rate) {
      rate = { bucket: new TokenBucket(this.perSecond, now, this.burst), lastAttemptAt: now };
      this.rates.set(clientId, rate);
    }
    rate.lastAttemptAt = now;
    return rate.bucket.take(now);
  }

  /** Client ids the throttle is tracking (a full bucket is forgotten, so memory follows recent connects). */
  get trackedClientIds(): number {
    return this.rates.size;
  }

  // A bucket idle for refillMs is full again, the same as a new one: dropping it changes nothing.
  private forgetIdleClientIds(now: number): void {
    if (now - this.sweptAt < this.refillMs) return;
    this.sweptAt = now;
    for (const [clientId, rate] of this.rates) {
      if (now - rate.lastAttemptAt >= this.refillMs) this.rates.delete(clientId);
    }
  }
}
