// The crash test's checker must be able to fail: each kind of anomaly is reported, and only it.
import { describe, expect, it } from 'vitest';
import { deliveryAnomaliesOf } from './delivery-anomalies.js';

const ledger = { sent: new Set(['a', 'b', 'c', 'd']), acknowledged: new Set(['a', 'b', 'c']) };

describe('deliveryAnomaliesOf', () => {
  it('finds nothing when every acknowledged message is in the lake once', () => {
    const lake = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
      ['d', 1],
    ]);
    expect(deliveryAnomaliesOf(ledger, lake)).toEqual({
      lost: [],
      duplicated: [],
      unexpected: [],
      unacknowledgedButStored: 1,
    });
  });

  it('reports an acknowledged message missing from the lake as lost, but not an unacknowledged one', () => {
    const lake = new Map([
      ['a', 1],
      ['c', 1],
    ]);
    expect(deliveryAnomaliesOf(ledger, lake).lost).toEqual(['b']);
  });

  it('reports a message held twice as duplicated, and one never sent as unexpected', () => {
    const lake = new Map([
      ['a', 2],
      ['b', 1],
      ['c', 1],
      ['zz', 1],
    ]);
    const anomalies = deliveryAnomaliesOf(ledger, lake);
    expect(anomalies.duplicated).toEqual(['a']);
    expect(anomalies.unexpected).toEqual(['zz']);
    expect(anomalies.lost).toEqual([]);
  });
});
