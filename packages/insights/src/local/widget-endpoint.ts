// GET /api/widget?id=<widget id>&from=<epoch ms>&to=<epoch ms>: one widget's data, downsampled on the
// server (series-queries.ts) so a chart never receives more points than its widget's maxPoints; the device
// list takes `offset=<n>` and answers one page of its widget's pageSize.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  QueryError,
  anomalyTimelineQuery,
  devicePageOf,
  deviceRowOf,
  deviceSeriesQuery,
  fleetSeriesQuery,
  isSeriesWidget,
  lakeDevicesOf,
  planSeries,
  seriesFrameOf,
  type DashboardDefinition,
  type DashboardWidget,
  type DeviceDirectory,
  type DeviceListData,
  type DeviceListWidget,
  type LakeQueries,
  type SeriesWidget,
  type WidgetData,
} from '../core/index.js';
import { HttpError, sendJson } from './http-responses.js';
import { statusByQueryErrorCode } from './query-endpoint.js';
import type { QuerySlots } from './query-slots.js';

/** How far back the device list looks for a device's latest values. */
const deviceListLookbackMs = 7 * 24 * 3_600_000;

export async function answerWidget(
  req: IncomingMessage,
  res: ServerResponse,
  definition: DashboardDefinition,
  queries: Pick<LakeQueries, 'query' | 'runNamed'>,
  slots: QuerySlots,
  devices: DeviceDirectory | undefined,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const id = url.searchParams.get('id');
  const widget = definition.widgets.find((w) => w.id === id);
  if (!widget) {
    const ids = definition.widgets.map((w) => w.id).join(', ');
    throw new HttpError(404, 'UNKNOWN_WIDGET', `There is no widget "${id}"; the widgets are ${ids}.`);
  }
  const toMs = epochMsParam(url, 'to', Date.now());
  const fromMs = epochMsParam(url, 'from', toMs - definition.rangeMs);
  if (!(fromMs < toMs))
    throw new HttpError(400, 'BAD_RANGE', `"from" (${fromMs}) must be before "to" (${toMs}).`);
  const offset = offsetParam(url);
  try {
    const request = { fromMs, toMs, offset };
    sendJson(res, 200, await slots.run(() => widgetData(widget, request, queries, devices)));
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    sendJson(res, statusByQueryErrorCode[error.code], { error: error.toJSON() });
  }
}

async function widgetData(
  widget: DashboardWidget,
  { fromMs, toMs, offset }: { fromMs: number; toMs: number; offset: number },
  queries: Pick<LakeQueries, 'query' | 'runNamed'>,
  devices: DeviceDirectory | undefined,
): Promise<WidgetData> {
  if (isSeriesWidget(widget)) return seriesData(widget, fromMs, toMs, queries);
  switch (widget.kind) {
    case 'anomaly-table': {
      const result = await queries.runNamed('recent_anomalies', { since: fromMs });
      return { kind: 'rows', rows: result.rows.slice(0, widget.maxRows) };
    }
    case 'device-list':
      return deviceListPage(widget, toMs, offset, queries, devices);
    case 'pipeline-health': {
      const result = await queries.runNamed('quarantine_reasons', { since: fromMs });
      return { kind: 'rows', rows: result.rows };
    }
    case 'cost-estimate':
      return { kind: 'status' };
  }
}

/** One page of the device list: the lake's devices and the directory's, merged by name. */
async function deviceListPage(
  widget: DeviceListWidget,
  toMs: number,
  offset: number,
  queries: Pick<LakeQueries, 'runNamed'>,
  directory: DeviceDirectory | undefined,
): Promise<DeviceListData> {
  const [lake, directoryNames] = await Promise.all([
    queries.runNamed('latest_values', { since: toMs - deviceListLookbackMs }).then(lakeDevicesOf),
    directory?.thingNames() ?? [],
  ]);
  const lakeByName = new Map(lake.devices.map((device) => [device.thingName, device]));
  const page = devicePageOf([...lakeByName.keys()], directoryNames, offset, widget.pageSize);
  const known = new Map((await directory?.devices(page.names))?.map((d) => [d.thingName, d]));
  return {
    kind: 'devices',
    devices: page.names.map((name) => deviceRowOf(name, lakeByName.get(name), known.get(name))),
    total: page.total,
    offset,
    directory: directory !== undefined,
    truncated: lake.truncated,
  };
}

async function seriesData(
  widget: SeriesWidget,
  fromMs: number,
  toMs: number,
  queries: Pick<LakeQueries, 'query'>,
): Promise<WidgetData> {
  const plan = planSeries(fromMs, toMs, widget.maxPoints);
  switch (widget.kind) {
    case 'device-series': {
      const { sql, params } = deviceSeriesQuery(widget, plan);
      const result = await queries.query(sql, params);
      const things = [...new Set(result.rows.map((row) => String(row['thing_name'])))];
      const lines = things.map((thing) => ({
        label: thing,
        key: thing,
        aggregation: widget.aggregation,
        valueColumn: 'value',
        readingsColumn: 'readings',
      }));
      return seriesFrameOf(plan, result, lines, 'thing_name');
    }
    case 'fleet-series': {
      const { sql, params } = fleetSeriesQuery(widget, plan);
      const lines = widget.aggregations.map((aggregation, index) => ({
        label: aggregation,
        aggregation,
        valueColumn: `value_${index}`,
        readingsColumn: 'readings',
      }));
      return seriesFrameOf(plan, await queries.query(sql, params), lines);
    }
    case 'anomaly-timeline': {
      const { sql, params } = anomalyTimelineQuery(plan);
      const lines = (['raised', 'cleared'] as const).map((state) => ({
        label: state,
        aggregation: 'count' as const,
        valueColumn: state,
        readingsColumn: state,
      }));
      return { ...seriesFrameOf(plan, await queries.query(sql, params), lines), source: 'anomalies' };
    }
  }
}

function offsetParam(url: URL): number {
  const text = url.searchParams.get('offset') ?? '0';
  const offset = Number(text);
  if (!(Number.isSafeInteger(offset) && offset >= 0)) {
    throw new HttpError(
      400,
      'BAD_OFFSET',
      `"offset" must be a whole number of devices (0 or more), not "${text}".`,
    );
  }
  return offset;
}

function epochMsParam(url: URL, name: string, fallback: number): number {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new HttpError(400, 'BAD_RANGE', `"${name}" must be epoch milliseconds, not "${text}".`);
  }
  return value;
}
