// The injected anomalies as labelled windows, so a detector's output can be scored against them; and
// those windows in the NAB corpus's labels/combined_windows.json shape, which tools/nab already scores.
import type { DeviceReading } from './device-readings.js';
import type { AnomalyKind, InjectedAnomaly } from './signal.js';

/** One anomaly window: `start` and `end` are the ts of its first and last point (inclusive). */
export interface AnomalyLabel {
  readonly thingName: string;
  readonly metric: string;
  readonly kind: AnomalyKind;
  readonly start: number;
  readonly end: number;
}

interface OpenWindow {
  readonly anomaly: InjectedAnomaly;
  readonly thingName: string;
  readonly metric: string;
  end: number;
}

/**
 * Collects windows reading by reading, holding only the open ones, so a long run need not keep its
 * readings. Feed each device's readings in time order.
 */
export class AnomalyLabeller {
  private readonly open = new Map<string, OpenWindow>();
  private readonly closed: AnomalyLabel[] = [];

  add(reading: DeviceReading): void {
    for (const [metric, point] of Object.entries(reading.points)) {
      const key = `${reading.thingName}\u0000${metric}`;
      const window = this.open.get(key);
      if (window && window.anomaly === point.anomaly) {
        window.end = point.ts;
        continue;
      }
      if (window) {
        this.closed.push(labelOf(window));
        this.open.delete(key);
      }
      if (point.anomaly) {
        this.open.set(key, { anomaly: point.anomaly, thingName: reading.thingName, metric, end: point.ts });
      }
    }
  }

  /** Every window so far — those still open end at their latest point — by thing, metric and start. */
  labels(): AnomalyLabel[] {
    const all = [...this.closed, ...[...this.open.values()].map(labelOf)];
    return all.sort(
      (a, b) => compareText(a.thingName, b.thingName) || compareText(a.metric, b.metric) || a.start - b.start,
    );
  }
}

export function anomalyLabelsOf(readings: Iterable<DeviceReading>): AnomalyLabel[] {
  const labeller = new AnomalyLabeller();
  for (const reading of readings) labeller.add(reading);
  return labeller.labels();
}

/** The NAB series name of a (thing, metric): "<category>/<file>.csv", as in a NAB results tree. */
export const nabSeriesNameOf = (thingName: string, metric: string): string => `${thingName}/${metric}.csv`;

/**
 * Labels as NAB's combined_windows.json: series name → [start, end] pairs in "YYYY-MM-DD HH:MM:SS.ffffff"
 * (UTC). Edges are point timestamps, as NAB requires. NAB's own windows are widened around each anomaly
 * (10 % of the series split among them); these are the exact injected windows — widen before scoring if
 * the NAB reward shape is wanted.
 */
export function nabCombinedWindowsOf(
  labels: readonly AnomalyLabel[],
): Record<string, Array<[string, string]>> {
  const windows: Record<string, Array<[string, string]>> = {};
  for (const label of labels) {
    const series = nabSeriesNameOf(label.thingName, label.metric);
    (windows[series] ??= []).push([nabTimestampOf(label.start), nabTimestampOf(label.end)]);
  }
  return windows;
}

/** Epoch ms as a NAB window edge, e.g. "2014-04-10 07:15:00.000000". */
export function nabTimestampOf(epochMillis: number): string {
  const iso = new Date(epochMillis).toISOString(); // 2014-04-10T07:15:00.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

const labelOf = (window: OpenWindow): AnomalyLabel => ({
  thingName: window.thingName,
  metric: window.metric,
  kind: window.anomaly.kind,
  start: window.anomaly.startedAt,
  end: window.end,
});

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
