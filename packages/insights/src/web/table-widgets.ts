// The table widgets: recent anomalies (the lake's, then live ones on top) and the device list (latest
// values and last seen, from the lake's rollups, kept current by the live readings).
import type { AnomalyEvent, EnrichedReading } from '@tributary/contracts';
import type { AnomalyTableWidget, DeviceListWidget } from '../core/dashboard-definition.js';
import type { DeviceListData, DeviceRow, RowsData } from '../core/widget-data.js';
import { el, fillTable, scrollingTable, timeText, valueText, type TableColumn } from './dom.js';
import { fetchWidgetData, type WidgetView } from './widget-view.js';

export function anomalyTableView(
  widget: AnomalyTableWidget,
  body: HTMLElement,
  columns: readonly TableColumn[],
): WidgetView {
  const { box, table } = scrollingTable(`${widget.id}-table`);
  body.append(box);
  let rows: Record<string, unknown>[] = [];
  const render = () => fillTable(table, columns, rows);
  // The live feed replays recent events the lake may already hold: one row per alarm transition.
  const keep = (candidates: Record<string, unknown>[]) => {
    const seen = new Set<string>();
    rows = candidates
      .filter((row) => {
        const receivedAt = new Date(row['received_at'] as string | number).getTime();
        const key = JSON.stringify([receivedAt, row['thing_name'], row['metric'], row['state']]);
        return !seen.has(key) && seen.add(key);
      })
      .slice(0, widget.maxRows);
    render();
  };
  render();
  return {
    load: async (range) => {
      const lakeRows = (await fetchWidgetData<RowsData>(widget.id, range)).rows;
      keep([...rows, ...lakeRows]);
    },
    anomaly: (event: AnomalyEvent) => keep([event as unknown as Record<string, unknown>, ...rows]),
  };
}

interface DeviceEntry extends DeviceRow {
  readonly row: HTMLTableRowElement;
}

export function deviceListView(widget: DeviceListWidget, body: HTMLElement): WidgetView {
  const summary = el('p', '', 'widget-note');
  const { box, table } = scrollingTable(`${widget.id}-table`);
  fillTable(
    table,
    ['device', 'status', 'last seen', 'latest values'].map((name) => ({ name })),
    [],
  );
  body.append(summary, box);
  const devices = new Map<string, DeviceEntry>();

  const statusOf = (lastSeenMs: number) =>
    Date.now() - lastSeenMs <= widget.silentAfterMs ? 'reporting' : 'silent';
  const rowOf = (device: DeviceRow): HTMLTableRowElement => {
    const status = statusOf(device.lastSeenMs);
    const values = el('td');
    for (const [metric, value] of Object.entries(device.latestValues).sort(([a], [b]) => (a < b ? -1 : 1))) {
      values.append(el('span', `${metric} = ${valueText(value)}`, 'metric'));
    }
    const row = el('tr');
    row.dataset['device'] = device.thingName;
    row.append(
      el('td', device.thingName),
      el('td', status, status),
      el('td', timeText(device.lastSeenMs)),
      values,
    );
    return row;
  };
  const describe = () => {
    const silent = [...devices.values()].filter((d) => statusOf(d.lastSeenMs) === 'silent').length;
    summary.textContent =
      `${devices.size} devices, ${silent} silent for over ${widget.silentAfterMs / 60_000} min ` +
      '(last seen in the lake; connection and shadow state are not shown here)';
  };

  return {
    load: async (range) => {
      const data = await fetchWidgetData<DeviceListData>(widget.id, range);
      devices.clear();
      const rows = data.devices.map((device) => {
        const row = rowOf(device);
        devices.set(device.thingName, { ...device, row });
        return row;
      });
      table.tBodies[0]!.replaceChildren(...rows);
      describe();
    },
    reading: (reading: EnrichedReading) => {
      const known = devices.get(reading.thing_name);
      const device: DeviceRow = {
        thingName: reading.thing_name,
        lastSeenMs: Math.max(known?.lastSeenMs ?? 0, reading.received_at),
        latestValues: { ...known?.latestValues, [reading.metric]: reading.value },
      };
      const row = rowOf(device);
      if (known) known.row.replaceWith(row);
      else insertSorted(table.tBodies[0]!, row, reading.thing_name);
      devices.set(reading.thing_name, { ...device, row });
      describe();
    },
  };
}

function insertSorted(body: HTMLTableSectionElement, row: HTMLTableRowElement, name: string): void {
  const next = [...body.rows].find((candidate) => (candidate.dataset['device'] ?? '') > name);
  body.insertBefore(row, next ?? null);
}
