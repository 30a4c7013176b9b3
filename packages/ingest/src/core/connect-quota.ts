// AWS IoT Core's two CONNECT quotas together: 500 CONNECT requests a second per account (adjustable) and 1
// a second per client id (not adjustable, connect-throttle.ts) —
// https://docs.aws.amazon.com/general/latest/gr/iot-core.html#message-broker-limits. The broker is one
// account, so the account rate counts every CONNECT it is sent. Pure: the clock is passed in.
//
// The sustained rate is AWS's; the account's burst of 20 seconds' worth (10,000 at AWS's 500/s) is ours —
// AWS documents none. It lets a local fleet the size `tributary simulate --devices 10000` runs (or the
// ingest benchmark's 10,000 idle devices) come up at once, which AWS would spread over 20 s, while a fleet
// stuck in a reconnect loop is still held to the account's rate once the burst is spent. Every request
// counts against the account, as AWS counts requests: one refused for its client id has spent a token.
import { ConnectThrottle } from './connect-throttle.js';
import { TokenBucket } from './token-bucket.js';

/** Seconds' worth of the account's rate that may arrive back to back. */
export const connectBurstSecondsPerAccount = 20;

export interface ConnectQuotaLimits {
  /** CONNECT requests a second across all client ids (AWS: 500); Infinity for none. */
  readonly perAccount: number;
  /** CONNECT requests a second per client id (AWS: 1); Infinity for none. */
  readonly perClientId: number;
}

/** Which quota refused a CONNECT, or undefined when it is admitted. */
export type ConnectQuotaExceeded = 'perAccount' | 'perClientId';

export class ConnectQuota {
  private readonly account: TokenBucket | undefined;
  private readonly clientIds: ConnectThrottle;

  constructor(limits: ConnectQuotaLimits, now: number) {
    this.account =
      limits.perAccount === Number.POSITIVE_INFINITY
        ? undefined
        : new TokenBucket(limits.perAccount, now, limits.perAccount * connectBurstSecondsPerAccount);
    this.clientIds = new ConnectThrottle(limits.perClientId, now);
  }

  /**
   * Counts a CONNECT for `clientId` at `now` (milliseconds) and says which quota it exceeds, if any.
   * @param clientId '' for a client that lets the broker pick its id: it has no per-client-id rate
   */
  exceededBy(clientId: string, now: number): ConnectQuotaExceeded | undefined {
    if (this.account && !this.account.take(now)) return 'perAccount';
    if (clientId !== '' && !this.clientIds.admit(clientId, now)) return 'perClientId';
    return undefined;
  }
}
