// A token bucket: up to `perSecond` events in any one second, with a burst of one second's worth, refilled
// continuously. Pure, with the clock passed in, so quotas (AWS IoT's publishes per connection per second)
// are tested without waiting.

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond;
    this.refilledAt = now;
  }

  /** Takes one token if there is one; `now` is in milliseconds. */
  take(now: number): boolean {
    const elapsedMs = now - this.refilledAt;
    if (elapsedMs > 0) {
      this.tokens = Math.min(this.perSecond, this.tokens + (elapsedMs * this.perSecond) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
