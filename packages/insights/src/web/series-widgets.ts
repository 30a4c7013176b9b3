// The chart widgets: one metric per device, one metric over the fleet, and the anomaly timeline. Each
// loads its downsampled frame from the server, then merges the live events it charts.
import type {
  AnomalyTimelineWidget,
  DeviceSeriesWidget,
  FleetSeriesWidget,
} from '../core/dashboard-definition.js';
import type { SeriesFrame } from '../core/widget-data.js';
import { LiveSeries } from './live-series.js';
import { SeriesChart } from './series-chart.js';
import { fetchWidgetData, type TimeRange, type WidgetView } from './widget-view.js';

/**
 * A chart and its live merges. The lake already holds the events received before the load started (the
 * live feed replays its recent history on connect), so only later ones are merged; those arriving while
 * the frame loads wait for it.
 */
function chartView(id: string, body: HTMLElement, seriesOf: (frame: SeriesFrame) => LiveSeries) {
  const chart = new SeriesChart(body);
  let series: LiveSeries | undefined;
  let loadStartedAt = Number.POSITIVE_INFINITY;
  const waiting: ((series: LiveSeries) => boolean)[] = [];
  return {
    load: async (range: TimeRange) => {
      loadStartedAt = Date.now();
      series = undefined;
      const loaded = seriesOf(await fetchWidgetData<SeriesFrame>(id, range));
      for (const merge of waiting.splice(0)) merge(loaded);
      series = loaded;
      chart.show(series, range);
    },
    /** Merges an event received at `receivedAt` into the series (or keeps it until the series loads). */
    update: (receivedAt: number, merge: (series: LiveSeries) => boolean) => {
      if (receivedAt < loadStartedAt) return;
      if (!series) waiting.push(merge);
      else if (merge(series)) chart.changed();
    },
  };
}

export function deviceSeriesView(widget: DeviceSeriesWidget, body: HTMLElement): WidgetView {
  const view = chartView(
    widget.id,
    body,
    (frame) => new LiveSeries(frame, widget.maxPoints, widget.maxDevices),
  );
  return {
    load: view.load,
    reading: (reading) => {
      if (reading.metric !== widget.metric) return;
      view.update(reading.received_at, (series) =>
        series.add(reading.thing_name, reading.received_at, reading.value, widget.aggregation),
      );
    },
  };
}

export function fleetSeriesView(widget: FleetSeriesWidget, body: HTMLElement): WidgetView {
  const view = chartView(widget.id, body, (frame) => new LiveSeries(frame, widget.maxPoints));
  return {
    load: view.load,
    reading: (reading) => {
      if (reading.metric !== widget.metric) return;
      view.update(reading.received_at, (series) => series.addToEveryLine(reading.received_at, reading.value));
    },
  };
}

export function anomalyTimelineView(widget: AnomalyTimelineWidget, body: HTMLElement): WidgetView {
  const view = chartView(widget.id, body, (frame) => new LiveSeries(frame, widget.maxPoints));
  return {
    load: view.load,
    anomaly: (event) =>
      view.update(event.received_at, (series) => series.add(event.state, event.received_at, 1, 'count')),
  };
}
