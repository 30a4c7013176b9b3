// The broker's edge of AWS IoT Core's CONNECT quotas (core/connect-quota.ts; iot-core.html, message broker
// limits): a CONNECT over a quota gets the refusal that closes the connection without a CONNACK
// (faults.md #10), and a warning says so — at most one a second per quota, with how many were refused, so a
// storm of thousands of CONNECTs does not become a storm of log lines.
import type { Logger } from '@tributary/contracts';
import { ConnectQuota, type ConnectQuotaExceeded } from '../../core/connect-quota.js';
import type { BrokerLimits } from './options.js';
import { BrokerRefusalError } from './refusals.js';

type ConnectLimits = Pick<BrokerLimits, 'maxConnectsPerSecondPerClientId' | 'maxConnectsPerSecondPerAccount'>;

const advice: Record<ConnectQuotaExceeded, string> = {
  perClientId:
    'AWS IoT Core allows 1 CONNECT per second per client id; back off between reconnects ' +
    '(exponential, with jitter) and give every device its own client id',
  perAccount:
    "AWS IoT Core allows 500 CONNECT requests per second per account by default; stagger a fleet's " +
    'connects (jittered backoff), or raise the broker limit maxConnectsPerSecondPerAccount as you would ' +
    'ask AWS for a quota increase',
};

export class ConnectQuotaGuard {
  private readonly quota: ConnectQuota;
  private readonly refusedSinceWarning: Record<ConnectQuotaExceeded, number> = {
    perAccount: 0,
    perClientId: 0,
  };
  private readonly warnedAt: Record<ConnectQuotaExceeded, number> = {
    perAccount: Number.NEGATIVE_INFINITY,
    perClientId: Number.NEGATIVE_INFINITY,
  };

  constructor(
    private readonly limits: ConnectLimits,
    private readonly logger: Logger,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.quota = new ConnectQuota(
      {
        perAccount: limits.maxConnectsPerSecondPerAccount,
        perClientId: limits.maxConnectsPerSecondPerClientId,
      },
      clock(),
    );
  }

  /**
   * Counts a CONNECT and returns the error to refuse it with when it is over a quota, else undefined.
   * @param clientId as sent; '' when the broker will pick one (only the account's rate applies then)
   */
  refusalOf(clientId: string): BrokerRefusalError | undefined {
    const now = this.clock();
    const exceeded = this.quota.exceededBy(clientId, now);
    if (!exceeded) return undefined;
    const limitPerSecond =
      exceeded === 'perClientId'
        ? this.limits.maxConnectsPerSecondPerClientId
        : this.limits.maxConnectsPerSecondPerAccount;
    this.warnRefused(exceeded, clientId, limitPerSecond, now);
    return new BrokerRefusalError(
      'CONNECT_THROTTLED',
      exceeded === 'perClientId'
        ? `client id ${clientId} is connecting faster than ${limitPerSecond} a second`
        : `the broker is taking more than ${limitPerSecond} CONNECT requests a second`,
      'THROTTLED',
    );
  }

  private warnRefused(
    exceeded: ConnectQuotaExceeded,
    clientId: string,
    limitPerSecond: number,
    now: number,
  ): void {
    this.refusedSinceWarning[exceeded]++;
    if (now - this.warnedAt[exceeded] < 1000) return;
    this.logger.warn(`connections refused: over the CONNECT quota ${exceeded}`, {
      code: 'CONNECT_THROTTLED',
      quota: exceeded,
      clientId,
      refused: this.refusedSinceWarning[exceeded],
      limitPerSecond,
      reason: advice[exceeded],
    });
    this.refusedSinceWarning[exceeded] = 0;
    this.warnedAt[exceeded] = now;
  }
}
