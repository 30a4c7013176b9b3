// A chart's series on the page: the downsampled frame the server sent, with live readings merged into its
// buckets by the widget's aggregation, the same way the server aggregated them. Pure (no DOM), so the
// merge rules are tested in Node.
import type { Aggregation } from '../core/dashboard-definition.js';
import type { SeriesFrame } from '../core/widget-data.js';

export interface LiveLine {
  readonly label: string;
  readonly aggregation: Aggregation;
  values: (number | null)[];
  readings: (number | null)[];
}

export class LiveSeries {
  readonly times: number[];
  readonly lines: LiveLine[];

  constructor(
    frame: SeriesFrame,
    readonly maxPoints: number,
    /** Lines the series may hold; a reading of an unknown label adds one while there is room. */
    private readonly maxLines: number = frame.lines.length,
  ) {
    this.bucketMs = frame.bucketMs;
    this.times = [...frame.times];
    this.lines = frame.lines.map((line) => ({
      ...line,
      values: [...line.values],
      readings: [...line.readings],
    }));
  }

  readonly bucketMs: number;

  /**
   * Merges one reading into the line labelled `label` (added if there is room); false when the reading
   * is older than the oldest bucket or its line has no room.
   */
  add(label: string, timeMs: number, value: number, aggregation: Aggregation): boolean {
    let line = this.lines.find((l) => l.label === label);
    if (!line) {
      if (this.lines.length >= this.maxLines) return false;
      line = { label, aggregation, values: this.times.map(() => null), readings: this.times.map(() => null) };
      this.lines.push(line);
    }
    const index = this.bucketIndexFor(timeMs);
    if (index === -1) return false;
    mergeInto(line, index, value);
    return true;
  }

  /** Adds the reading to every line (a fleet chart: one line per aggregation of the same readings). */
  addToEveryLine(timeMs: number, value: number): boolean {
    const index = this.bucketIndexFor(timeMs);
    if (index === -1) return false;
    for (const line of this.lines) mergeInto(line, index, value);
    return true;
  }

  /** uPlot's aligned data: the bucket starts, then each line's values. */
  alignedData(): [number[], ...(number | null)[][]] {
    return [this.times, ...this.lines.map((line) => line.values)];
  }

  private bucketIndexFor(timeMs: number): number {
    const bucketStart = timeMs - (((timeMs % this.bucketMs) + this.bucketMs) % this.bucketMs);
    let index = this.times.length;
    while (index > 0 && this.times[index - 1]! >= bucketStart) index--;
    if (this.times[index] === bucketStart) return index;
    if (index === 0 && this.times.length >= this.maxPoints) return -1; // older than the chart
    // A bucket the chart has no point for yet (the newest, or one the server had no readings in).
    this.times.splice(index, 0, bucketStart);
    for (const line of this.lines) {
      line.values.splice(index, 0, null);
      line.readings.splice(index, 0, null);
    }
    const excess = Math.max(0, this.times.length - this.maxPoints);
    this.times.splice(0, excess);
    for (const line of this.lines) {
      line.values.splice(0, excess);
      line.readings.splice(0, excess);
    }
    return index - excess;
  }
}

function mergeInto(line: LiveLine, index: number, value: number): void {
  const previous = line.values[index] ?? null;
  const readings = line.readings[index] ?? 0;
  line.readings[index] = readings + 1;
  switch (line.aggregation) {
    case 'count':
      line.values[index] = (previous ?? 0) + 1;
      return;
    case 'avg':
      line.values[index] =
        previous === null || readings === 0 ? value : (previous * readings + value) / (readings + 1);
      return;
    case 'min':
      line.values[index] = previous === null ? value : Math.min(previous, value);
      return;
    case 'max':
      line.values[index] = previous === null ? value : Math.max(previous, value);
      return;
    case 'last':
      line.values[index] = value;
      return;
  }
}
