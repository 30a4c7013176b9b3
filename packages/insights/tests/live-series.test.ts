// Merging live readings into a downsampled chart series (src/web/live-series.ts, pure).
import { describe, expect, it } from 'vitest';
import type { SeriesFrame } from '../src/core/index.js';
import { LiveSeries } from '../src/web/live-series.js';

const frame = (lines: SeriesFrame['lines'], times = [0, 10_000]): SeriesFrame => ({
  kind: 'series',
  bucketMs: 10_000,
  source: 'telemetry',
  times,
  lines,
});

describe('LiveSeries', () => {
  it('merges a reading into its bucket by the line aggregation, weighting averages by readings', () => {
    const series = new LiveSeries(
      frame([
        { label: 'avg', aggregation: 'avg', values: [1, 10], readings: [1, 3] },
        { label: 'min', aggregation: 'min', values: [1, 10], readings: [1, 3] },
        { label: 'max', aggregation: 'max', values: [1, 10], readings: [1, 3] },
        { label: 'count', aggregation: 'count', values: [1, 3], readings: [1, 3] },
        { label: 'last', aggregation: 'last', values: [1, 10], readings: [1, 3] },
      ]),
      10,
    );
    expect(series.addToEveryLine(15_000, 2)).toBe(true);
    expect(series.lines.map((line) => line.values[1])).toEqual([8, 2, 10, 4, 2]);
    expect(series.lines.map((line) => line.readings[1])).toEqual([4, 4, 4, 4, 4]);
  });

  it('opens a new bucket for a newer reading and drops the oldest past maxPoints', () => {
    const series = new LiveSeries(
      frame([{ label: 'a', aggregation: 'avg', values: [1, 2], readings: [1, 1] }]),
      2,
    );
    series.add('a', 25_000, 7, 'avg');
    expect(series.alignedData()).toEqual([
      [10_000, 20_000],
      [2, 7],
    ]);
    expect(series.add('a', 5_000, 1, 'avg')).toBe(false);
  });

  it('inserts a bucket the server had no readings in, in time order', () => {
    const series = new LiveSeries(
      frame([{ label: 'a', aggregation: 'max', values: [1, 3], readings: [1, 1] }], [0, 30_000]),
      10,
    );
    series.add('a', 12_000, 2, 'max');
    expect(series.alignedData()).toEqual([
      [0, 10_000, 30_000],
      [1, 2, 3],
    ]);
  });

  it('adds a line for a new device while there is room, and ignores it after', () => {
    const series = new LiveSeries(
      frame([{ label: 'pump-1', aggregation: 'last', values: [1, 1], readings: [1, 1] }]),
      10,
      2,
    );
    expect(series.add('pump-2', 12_000, 5, 'last')).toBe(true);
    expect(series.lines.map((line) => [line.label, line.values])).toEqual([
      ['pump-1', [1, 1]],
      ['pump-2', [null, 5]],
    ]);
    expect(series.add('pump-3', 12_000, 5, 'last')).toBe(false);
  });
});
