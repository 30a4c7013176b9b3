// A token bucket: `perSecond` events a second sustained, with a burst of `capacity` (by default one
// second's worth), refilled continuously. Pure, with the clock passed in, so quotas (AWS IoT's publishes
// per connection per second, connects per client id) are tested without waiting.

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly perSecond: number,
    now: number,
    private readonly capacity: number = perSecond,
  ) {
    this.tokens = capacity;
    this.refilledAt = now;
  }

  /** Takes one token if there is one; `now` is in milliseconds. */
  take(now: number): boolean {
    const elapsedMs = now - this.refilledAt;
    if (elapsedMs > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs * this.perSecond) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
