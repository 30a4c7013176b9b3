// The per-client-id CONNECT quota's pure core (AWS: 1 CONNECT a second per client id, not adjustable;
// iot-core.html#message-broker-limits), on a clock the test moves by hand.
import { describe, expect, it } from 'vitest';
import { ConnectThrottle } from '../../src/core/connect-throttle.js';

describe('ConnectThrottle', () => {
  it('admits a burst of 2 connects for one client id, then refuses until a second has passed', () => {
    const throttle = new ConnectThrottle(1, 0);
    expect(throttle.admit('pump-7', 0)).toBe(true);
    expect(throttle.admit('pump-7', 10)).toBe(true);
    expect(throttle.admit('pump-7', 20)).toBe(false);
    expect(throttle.admit('pump-7', 900)).toBe(false);
    expect(throttle.admit('pump-7', 1_100)).toBe(true);
    expect(throttle.admit('pump-7', 1_200)).toBe(false);
  });

  it('holds a client id in a reconnect loop to 1 connect a second', () => {
    const throttle = new ConnectThrottle(1, 0);
    let admitted = 0;
    for (let now = 0; now < 10_000; now += 100) if (throttle.admit('flapping', now)) admitted++;
    // The burst of 2, then one a second for the remaining ~9.9 s.
    expect(admitted).toBe(2 + 9);
  });

  it('keeps a separate quota per client id', () => {
    const throttle = new ConnectThrottle(1, 0);
    throttle.admit('pump-7', 0);
    throttle.admit('pump-7', 0);
    expect(throttle.admit('pump-7', 0)).toBe(false);
    expect(throttle.admit('pump-8', 0)).toBe(true);
  });

  it('counts refused attempts too: a client that keeps hammering stays refused', () => {
    const throttle = new ConnectThrottle(1, 0);
    throttle.admit('pump-7', 0);
    throttle.admit('pump-7', 0);
    // A refused attempt takes no token, so one arrives a second after the burst.
    expect(throttle.admit('pump-7', 500)).toBe(false);
    expect(throttle.admit('pump-7', 1_000)).toBe(true);
  });

  it('never refuses when the limit is Infinity (the mqtt-3.1.1 profile)', () => {
    const throttle = new ConnectThrottle(Number.POSITIVE_INFINITY, 0);
    for (let i = 0; i < 100; i++) expect(throttle.admit('pump-7', 0)).toBe(true);
  });

  it('forgets client ids whose quota has refilled, so 10,000 devices connecting once leave no state behind', () => {
    const throttle = new ConnectThrottle(1, 0);
    for (let i = 0; i < 10_000; i++) throttle.admit(`device-${i}`, 0);
    expect(throttle.trackedClientIds).toBe(10_000);
    throttle.admit('late', 2_500);
    expect(throttle.trackedClientIds).toBe(1);
  });
});
