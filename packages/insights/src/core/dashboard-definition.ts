// The platform's dashboard as data: one definition that the local web dashboard and the CloudWatch
// dashboard (DashboardStack) both render, so the two views show the same widgets in the same order.
// Pure: no I/O, no browser, no CDK.

/** How the readings of one bucket become one point. */
export const aggregations = ['avg', 'min', 'max', 'last', 'count'] as const;
export type Aggregation = (typeof aggregations)[number];

interface WidgetBase {
  /** Unique in its dashboard; the local page and the data endpoint address the widget by it. */
  readonly id: string;
  readonly title: string;
  /** Half or the whole width of the dashboard. */
  readonly width: 'half' | 'full';
}

/** One metric, one line per device: the devices seen most recently, up to `maxDevices`. */
export interface DeviceSeriesWidget extends WidgetBase {
  readonly kind: 'device-series';
  readonly metric: string;
  readonly aggregation: Aggregation;
  /** Points per line at most; the bucket size is chosen from the time range so a line never has more. */
  readonly maxPoints: number;
  readonly maxDevices: number;
}

/** One metric over the whole fleet: one line per aggregation (e.g. min, avg and max). */
export interface FleetSeriesWidget extends WidgetBase {
  readonly kind: 'fleet-series';
  readonly metric: string;
  readonly aggregations: readonly Aggregation[];
  readonly maxPoints: number;
}

/** Anomalies raised and cleared per bucket. */
export interface AnomalyTimelineWidget extends WidgetBase {
  readonly kind: 'anomaly-timeline';
  readonly maxPoints: number;
}

/** The most recent anomaly events, newest first. */
export interface AnomalyTableWidget extends WidgetBase {
  readonly kind: 'anomaly-table';
  readonly maxRows: number;
}

/**
 * Every device, a page at a time: its registration, connection (lifecycle events), shadow and latest
 * readings, kept current by the live feed.
 */
export interface DeviceListWidget extends WidgetBase {
  readonly kind: 'device-list';
  /** A device not heard from for longer is shown as silent. */
  readonly silentAfterMs: number;
  /** Devices per page; a page reads one shadow per device, so this bounds the load of a page. */
  readonly pageSize: number;
}

/** Whether data flows: stream depth, processed, lake writes, quarantine. */
export interface PipelineHealthWidget extends WidgetBase {
  readonly kind: 'pipeline-health';
}

/** What the traffic so far costs (locally: would cost) on AWS. */
export interface CostEstimateWidget extends WidgetBase {
  readonly kind: 'cost-estimate';
}

export type DashboardWidget =
  | DeviceSeriesWidget
  | FleetSeriesWidget
  | AnomalyTimelineWidget
  | AnomalyTableWidget
  | DeviceListWidget
  | PipelineHealthWidget
  | CostEstimateWidget;

export type DashboardWidgetKind = DashboardWidget['kind'];
/** The widgets that chart values over time, and so take a bucket size. */
export type SeriesWidget = DeviceSeriesWidget | FleetSeriesWidget | AnomalyTimelineWidget;

export interface DashboardDefinition {
  readonly title: string;
  /** The time range the charts open with, ending now. */
  readonly rangeMs: number;
  readonly widgets: readonly DashboardWidget[];
}

const hourMs = 3_600_000;

export const defaultDashboard: DashboardDefinition = {
  title: 'Tributary',
  rangeMs: hourMs,
  widgets: [
    {
      kind: 'device-series',
      id: 'temperature-by-device',
      title: 'Temperature by device',
      width: 'half',
      metric: 'temperature',
      aggregation: 'avg',
      maxPoints: 240,
      maxDevices: 8,
    },
    {
      kind: 'fleet-series',
      id: 'temperature-fleet',
      title: 'Temperature across the fleet',
      width: 'half',
      metric: 'temperature',
      aggregations: ['min', 'avg', 'max'],
      maxPoints: 240,
    },
    {
      kind: 'device-series',
      id: 'humidity-by-device',
      title: 'Humidity by device',
      width: 'half',
      metric: 'humidity',
      aggregation: 'last',
      maxPoints: 240,
      maxDevices: 8,
    },
    {
      kind: 'fleet-series',
      id: 'readings-fleet',
      title: 'Temperature readings per bucket',
      width: 'half',
      metric: 'temperature',
      aggregations: ['count'],
      maxPoints: 120,
    },
    {
      kind: 'anomaly-timeline',
      id: 'anomaly-timeline',
      title: 'Anomalies raised and cleared',
      width: 'half',
      maxPoints: 120,
    },
    { kind: 'anomaly-table', id: 'anomalies', title: 'Recent anomalies', width: 'half', maxRows: 100 },
    {
      kind: 'device-list',
      id: 'devices',
      title: 'Devices',
      width: 'full',
      silentAfterMs: 5 * 60_000,
      pageSize: 50,
    },
    { kind: 'pipeline-health', id: 'pipeline', title: 'Pipeline health', width: 'half' },
    { kind: 'cost-estimate', id: 'cost', title: 'AWS cost estimate', width: 'half' },
  ],
};

/** Throws when two widgets share an id, a series widget cannot hold a point or a list cannot hold a row. */
export function assertValidDashboard(definition: DashboardDefinition): void {
  const seen = new Set<string>();
  for (const widget of definition.widgets) {
    if (seen.has(widget.id)) throw new Error(`Dashboard widget id "${widget.id}" is used twice.`);
    seen.add(widget.id);
    if ('maxPoints' in widget && !(Number.isInteger(widget.maxPoints) && widget.maxPoints >= 1)) {
      throw new Error(`Widget "${widget.id}": maxPoints must be a positive integer.`);
    }
    if ('pageSize' in widget && !(Number.isInteger(widget.pageSize) && widget.pageSize >= 1)) {
      throw new Error(`Widget "${widget.id}": pageSize must be a positive integer.`);
    }
  }
}

export const isSeriesWidget = (widget: DashboardWidget): widget is SeriesWidget =>
  widget.kind === 'device-series' || widget.kind === 'fleet-series' || widget.kind === 'anomaly-timeline';
