// AWS IoT Core's quota of publish requests per connection per second (iot-core.html#message-broker-limits:
// 100, not adjustable). Over it AWS discards the publish and keeps the connection: a QoS 0 message is
// lost and a QoS 1 message gets no PUBACK, so the device retries it. The local broker does the same, and
// says so in a warning once a second per connection, with how many it dropped — never silently.
import type { Client } from 'aedes';
import type { Logger } from '@tributary/contracts';
import { TokenBucket } from '../../core/token-bucket.js';

interface ConnectionRate {
  readonly bucket: TokenBucket;
  dropped: number;
  warnedAt: number;
}

export class PublishThrottle {
  private readonly rates = new WeakMap<Client, ConnectionRate>();

  constructor(
    private readonly perSecond: number,
    private readonly logger: Logger,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Whether this client's publish is within its quota; a publish over it is counted and reported. */
  admit(client: Client): boolean {
    if (this.perSecond === Number.POSITIVE_INFINITY) return true;
    const now = this.clock();
    let rate = this.rates.get(client);
    if (!rate) {
      rate = { bucket: new TokenBucket(this.perSecond, now), dropped: 0, warnedAt: -Infinity };
      this.rates.set(client, rate);
    }
    if (rate.bucket.take(now)) return true;
    rate.dropped++;
    if (now - rate.warnedAt >= 1000) {
      this.logger.warn('publishes discarded: over the per-connection publish quota', {
        clientId: client.id,
        code: 'PUBLISH_THROTTLED',
        dropped: rate.dropped,
        limitPerSecond: this.perSecond,
        reason:
          'AWS IoT Core allows this many publishes per connection per second and discards the rest ' +
          '(QoS 1 gets no PUBACK); batch readings into one payload or spread them over connections',
      });
      rate.dropped = 0;
      rate.warnedAt = now;
    }
    return false;
  }
}
