// What a simulated device does with a shadow delta: a desired reportingIntervalMs it can run becomes its
// interval and is reported as given; one it cannot run is reported as the interval it keeps.
import { describe, expect, it } from 'vitest';
import { applyDesiredState, reportingIntervalMsOf } from '../../src/core/simulation/index.js';

describe('applyDesiredState', () => {
  it('runs a desired reporting interval and reports it back with the other desired fields', () => {
    expect(applyDesiredState({ reportingIntervalMs: 250, firmware: '2.1.0' }, 80)).toEqual({
      reportingIntervalMs: 250,
      reported: { reportingIntervalMs: 250, firmware: '2.1.0' },
    });
  });

  it.each([0, -5, 'fast', null, Number.NaN, 86_400_001])(
    'keeps its interval and reports it when the desired one is %s',
    (desired) => {
      expect(applyDesiredState({ reportingIntervalMs: desired }, 80)).toEqual({
        reportingIntervalMs: 80,
        reported: { reportingIntervalMs: 80 },
      });
    },
  );

  it('leaves the interval alone when the delta does not name it', () => {
    expect(applyDesiredState({ firmware: '2.1.0' }, 80)).toEqual({
      reportingIntervalMs: 80,
      reported: { firmware: '2.1.0' },
    });
  });

  it('takes fractional milliseconds from 1 up to a day', () => {
    expect(reportingIntervalMsOf(1)).toBe(1);
    expect(reportingIntervalMsOf(12.5)).toBe(12.5);
    expect(reportingIntervalMsOf(86_400_000)).toBe(86_400_000);
    expect(reportingIntervalMsOf(0.5)).toBeUndefined();
  });
});
