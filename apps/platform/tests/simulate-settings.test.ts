// The options of `tributary simulate` read into settings: each option it cannot take is refused with a
// message naming that option and what it takes (the command prints it and exits 2), before any platform
// is looked for.
import { describe, expect, it } from 'vitest';
import { durationMsOf, simulateSettingsOf } from '../src/cli/simulate-settings.js';

describe('simulateSettingsOf', () => {
  it('defaults to 10 devices at one reading a second each, 100 in flight, until Ctrl-C', () => {
    expect(simulateSettingsOf({})).toEqual({
      devices: 10,
      rate: 10,
      batchSize: 1,
      maxInFlight: 100,
      seed: 1,
      durationMs: undefined,
    });
  });

  it('reads every option given', () => {
    const settings = simulateSettingsOf({
      devices: '5',
      rate: '2.5',
      duration: '2m',
      batch: '4',
      maxInFlight: '7',
      seed: '0',
    });
    expect(settings).toEqual({
      devices: 5,
      rate: 2.5,
      durationMs: 120_000,
      batchSize: 4,
      maxInFlight: 7,
      seed: 0,
    });
  });

  it.each([
    [{ rate: '0' }, '--rate needs readings a second above 0, e.g. 20 or 0.5 (got 0)'],
    [{ rate: 'fast' }, '--rate needs readings a second above 0, e.g. 20 or 0.5 (got fast)'],
    [{ rate: '1e3' }, '--rate needs readings a second above 0, e.g. 20 or 0.5 (got 1e3)'],
    [{ devices: 'abc' }, '--devices needs a whole number of at least 1 (got abc)'],
    [{ devices: '2.5' }, '--devices needs a whole number of at least 1 (got 2.5)'],
    [{ devices: '0x10' }, '--devices needs a whole number of at least 1 (got 0x10)'],
    [{ devices: '0' }, '--devices needs a whole number of at least 1 (got 0)'],
    [{ duration: '5x' }, '--duration takes 30s, 5m, 1h or seconds (got 5x)'],
    [{ duration: '0' }, '--duration takes 30s, 5m, 1h or seconds (got 0)'],
    [{ batch: '' }, '--batch needs a whole number of at least 1 (got )'],
    [{ maxInFlight: '0' }, '--max-in-flight needs a whole number of at least 1 (got 0)'],
    [{ seed: '-1' }, '--seed needs a whole number of at least 0 (got -1)'],
  ])('refuses %j, naming the option and what it takes', (options, message) => {
    expect(simulateSettingsOf(options)).toBe(message);
  });

  it('refuses more than 100 messages a second per device, the AWS IoT Core limit per connection', () => {
    expect(simulateSettingsOf({ devices: '2', rate: '300' })).toBe(
      '--rate 300 over 2 device(s) is 150 messages a second per device; AWS IoT Core allows 100 per ' +
        'connection: add --devices or --batch',
    );
    expect(simulateSettingsOf({ devices: '2', rate: '300', batch: '2' })).toMatchObject({ rate: 300 });
    expect(simulateSettingsOf({ devices: '2', rate: '200' })).toMatchObject({ rate: 200 });
  });
});

describe('durationMsOf', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['90', 90_000],
    ['0.5', 500],
  ])('reads %s as %d ms', (text, ms) => {
    expect(durationMsOf(text)).toBe(ms);
  });
});
