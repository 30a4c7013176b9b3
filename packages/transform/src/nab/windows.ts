// The labelled anomaly windows (labels/combined_windows.json), turned into row-index ranges of a series
// by exact timestamp match, as NAB does.
import { parseNabTimestamp } from './timestamps.js';

/** Inclusive row indices [left, right] of one window. */
export type RowRange = readonly [left: number, right: number];

/** Window edges in epoch milliseconds, keyed by series name ("<category>/<file>.csv"). */
export type WindowsBySeries = ReadonlyMap<string, ReadonlyArray<readonly [start: number, end: number]>>;

export function parseWindows(json: unknown): WindowsBySeries {
  if (typeof json !== 'object' || json === null) throw new Error('combined_windows.json must hold an object');
  const windows = new Map<string, Array<readonly [number, number]>>();
  for (const [series, pairs] of Object.entries(json)) {
    if (!Array.isArray(pairs)) throw new Error(`windows of "${series}" must be an array of [start, end]`);
    windows.set(
      series,
      pairs.map((pair: unknown) => {
        if (!Array.isArray(pair) || pair.length !== 2) {
          throw new Error(`a window of "${series}" is not a [start, end] pair: ${JSON.stringify(pair)}`);
        }
        return [parseNabTimestamp(String(pair[0])), parseNabTimestamp(String(pair[1]))] as const;
      }),
    );
  }
  return windows;
}

/** Row ranges of a series' windows; every window edge must be one of the series' timestamps. */
export function windowRowRanges(
  series: string,
  timestamps: readonly number[],
  windows: ReadonlyArray<readonly [number, number]>,
): RowRange[] {
  const rowOf = new Map<number, number>();
  timestamps.forEach((timestamp, row) => rowOf.set(timestamp, row));
  const rowAt = (timestamp: number): number => {
    const row = rowOf.get(timestamp);
    if (row === undefined) {
      throw new Error(`window edge ${new Date(timestamp).toISOString()} is not a timestamp of "${series}"`);
    }
    return row;
  };
  const ranges = windows.map(([start, end]) => [rowAt(start), rowAt(end)] as const);
  ranges.forEach(([left, right], index) => {
    const previousRight = index > 0 ? ranges[index - 1]![1] : -1;
    if (left > right || left <= previousRight) {
      throw new Error(`windows of "${series}" must be sorted, non-empty and non-overlapping`);
    }
  });
  return ranges;
}
