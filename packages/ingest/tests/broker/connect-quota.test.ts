// AWS IoT Core's CONNECT quotas together, the pure core (iot-core.html#message-broker-limits: 500 a second
// per account, adjustable; 1 a second per client id, not adjustable), on a clock the test moves by hand.
import { describe, expect, it } from 'vitest';
import { connectBurstSecondsPerAccount, ConnectQuota } from '../../src/core/connect-quota.js';

const unlimitedClientIds = Number.POSITIVE_INFINITY;

describe('ConnectQuota', () => {
  it('admits a burst of 20 seconds of the account rate from distinct client ids, then refuses perAccount', () => {
    const quota = new ConnectQuota({ perAccount: 5, perClientId: 1 }, 0);
    const burst = 5 * connectBurstSecondsPerAccount;
    for (let i = 0; i < burst; i++) expect(quota.exceededBy(`device-${i}`, 0)).toBeUndefined();
    expect(quota.exceededBy('device-late', 0)).toBe('perAccount');
  });

  it('holds a sustained flood to the account rate once the burst is spent', () => {
    const quota = new ConnectQuota({ perAccount: 500, perClientId: unlimitedClientIds }, 0);
    let admitted = 0;
    // 2,000 CONNECTs a second for 60 s: the 10,000 burst, then 500 a second.
    for (let i = 0; i < 120_000; i++) if (!quota.exceededBy(`device-${i}`, i / 2)) admitted++;
    expect(admitted).toBeGreaterThanOrEqual(10_000 + 500 * 60 - 1);
    expect(admitted).toBeLessThanOrEqual(10_000 + 500 * 60 + 1);
  });

  it('lets the account rate refill: one more connect every 1/rate seconds after the burst', () => {
    const quota = new ConnectQuota({ perAccount: 2, perClientId: unlimitedClientIds }, 0);
    for (let i = 0; i < 2 * connectBurstSecondsPerAccount; i++) quota.exceededBy(`device-${i}`, 0);
    expect(quota.exceededBy('a', 0)).toBe('perAccount');
    expect(quota.exceededBy('a', 499)).toBe('perAccount');
    expect(quota.exceededBy('a', 500)).toBeUndefined();
    expect(quota.exceededBy('b', 600)).toBe('perAccount');
  });

  it('refuses perClientId for a flapping id while other ids connect', () => {
    const quota = new ConnectQuota({ perAccount: 500, perClientId: 1 }, 0);
    expect(quota.exceededBy('pump-7', 0)).toBeUndefined();
    expect(quota.exceededBy('pump-7', 10)).toBeUndefined();
    expect(quota.exceededBy('pump-7', 20)).toBe('perClientId');
    expect(quota.exceededBy('pump-8', 20)).toBeUndefined();
    expect(quota.exceededBy('pump-7', 1_100)).toBeUndefined();
  });

  it('counts a client that lets the broker pick its id (empty client id) against the account only', () => {
    const quota = new ConnectQuota({ perAccount: 1, perClientId: 1 }, 0);
    for (let i = 0; i < connectBurstSecondsPerAccount; i++) expect(quota.exceededBy('', 0)).toBeUndefined();
    expect(quota.exceededBy('', 0)).toBe('perAccount');
  });

  it('counts a CONNECT refused for its client id against the account, as AWS counts requests', () => {
    const quota = new ConnectQuota({ perAccount: 1, perClientId: 1 }, 0);
    const refusals = Array.from({ length: connectBurstSecondsPerAccount }, () =>
      quota.exceededBy('pump-7', 0),
    );
    expect(refusals.filter((refusal) => refusal === 'perClientId')).toHaveLength(
      connectBurstSecondsPerAccount - 2,
    );
    expect(quota.exceededBy('pump-8', 0)).toBe('perAccount');
  });

  it('never refuses when both limits are Infinity (the mqtt-3.1.1 profile)', () => {
    const quota = new ConnectQuota(
      { perAccount: Number.POSITIVE_INFINITY, perClientId: unlimitedClientIds },
      0,
    );
    for (let i = 0; i < 1_000; i++) expect(quota.exceededBy('pump-7', 0)).toBeUndefined();
  });
});
