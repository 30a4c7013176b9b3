// The local dashboard's front end (bundled by esbuild when the dashboard server starts): builds one widget
// per entry of the dashboard definition the page carries, loads each widget's data, then keeps it current
// from the live feed and the platform status.
import 'uplot/dist/uPlot.min.css';
import './dashboard.css';
import type { DashboardWidget } from '../core/dashboard-definition.js';
import type { DashboardPageConfig } from '../local/dashboard-page.js';
import { byId } from './dom.js';
import { connectLive } from './live-connection.js';
import { anomalyTimelineView, deviceSeriesView, fleetSeriesView } from './series-widgets.js';
import { startSqlConsole } from './sql-console.js';
import { costEstimateView, pipelineHealthView } from './status-widgets.js';
import { deviceListView } from './device-list-widget.js';
import { anomalyTableView } from './table-widgets.js';
import { fetchJson, widgetSection, type PlatformStatus, type WidgetView } from './widget-view.js';

const statusPollMs = 2_000;

const config = JSON.parse(byId('dashboard-config').textContent ?? '{}') as DashboardPageConfig;

function viewOf(widget: DashboardWidget, body: HTMLElement): WidgetView {
  switch (widget.kind) {
    case 'device-series':
      return deviceSeriesView(widget, body);
    case 'fleet-series':
      return fleetSeriesView(widget, body);
    case 'anomaly-timeline':
      return anomalyTimelineView(widget, body);
    case 'anomaly-table':
      return anomalyTableView(widget, body, config.fields.anomaly);
    case 'device-list':
      return deviceListView(widget, body);
    case 'pipeline-health':
      return pipelineHealthView(widget, body);
    case 'cost-estimate':
      return costEstimateView(widget, body);
  }
}

const main = byId('widgets');
const loads: Promise<unknown>[] = [];
const views = config.definition.widgets.map((widget) => {
  const { section, error, body } = widgetSection(widget.id, widget.title, widget.width);
  main.append(section);
  const view = viewOf(widget, body);
  const toMs = Date.now();
  section.dataset['state'] = 'loading';
  const load = view
    .load({ fromMs: toMs - config.definition.rangeMs, toMs })
    .then(() => (section.dataset['state'] = 'loaded'))
    .catch((failure: Error) => {
      section.dataset['state'] = 'failed';
      error.textContent = `Could not load this widget: ${failure.message}`;
    });
  loads.push(load);
  return view;
});
// For the first-paint measurement (tests/dashboard-first-paint.test.ts) and the browser's performance tools.
void Promise.all(loads).then(() => performance.mark('dashboard-widgets-loaded'));

let dropped = 0;
connectLive({
  reading: (reading) => views.forEach((view) => view.reading?.(reading)),
  anomaly: (event) => views.forEach((view) => view.anomaly?.(event)),
  quarantine: (record) => views.forEach((view) => view.quarantine?.(record)),
  device: (device) => views.forEach((view) => view.device?.(device)),
  dropped: (count) => {
    dropped += count;
    byId('dropped').textContent = `${dropped} live events skipped (the page fell behind)`;
  },
});

const pollStatus = async () => {
  try {
    const status = await fetchJson<PlatformStatus>('/api/status');
    for (const view of views) view.status?.(status);
  } catch (error) {
    byId('dropped').textContent = `Platform status unavailable: ${(error as Error).message}`;
  } finally {
    setTimeout(() => void pollStatus(), statusPollMs);
  }
};
void pollStatus();
startSqlConsole();
