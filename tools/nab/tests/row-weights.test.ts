// The per-row weights against values worked out by hand from the rules in the NAB README.
import { describe, expect, it } from 'vitest';
import { probationLength, rowWeights, scaledSigmoid } from '@tributary/transform/nab';

const standard = { name: 'standard', tpWeight: 1, fpWeight: 0.11, fnWeight: 1 };

describe('scaled sigmoid', () => {
  it('matches the reference values of the NAB README', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
  });

  it('is exactly −1 beyond 3', () => {
    expect(scaledSigmoid(3.0001)).toBe(-1);
    expect(scaledSigmoid(3)).toBeGreaterThan(-1);
  });
});

describe('probation period', () => {
  it('is 15 % of the rows, rounded down, and at most 750 rows', () => {
    expect(probationLength(100)).toBe(15);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(22695)).toBe(750);
  });
});

describe('row weights', () => {
  const { weight, window } = rowWeights(40, [[10, 19]], standard);

  it('earns the full true-positive weight at the first row of a window', () => {
    expect(weight[10]).toBeCloseTo(1, 12);
    expect(window[10]).toBe(0);
  });

  it('earns less toward the right edge of a window', () => {
    // y = −1/10 at the last row: σ_s(−0.1) / σ_s(−1).
    expect(weight[19]).toBeCloseTo((2 / (1 + Math.exp(-0.5)) - 1) / 0.986614, 5);
    for (let row = 11; row <= 19; row += 1) expect(weight[row]).toBeLessThan(weight[row - 1]!);
  });

  it('costs the full false-positive weight before the first window, however close', () => {
    expect(weight[0]).toBe(-0.11);
    expect(weight[9]).toBe(-0.11);
    expect(window[9]).toBe(-1);
  });

  it('costs less right after a window, measured in widths minus one', () => {
    // y = |20 − 19| / (10 − 1).
    expect(weight[20]).toBeCloseTo(0.11 * (2 / (1 + Math.exp(5 / 9)) - 1), 12);
    expect(weight[20]).toBeGreaterThan(weight[25]!);
    // Beyond 3 · (W − 1) = 27 rows after the window the cost is the full weight.
    const longer = rowWeights(60, [[10, 19]], standard).weight;
    expect(longer[19 + 27]).toBeGreaterThan(-0.11);
    expect(longer[19 + 28]).toBe(-0.11);
  });
});
