// The recent anomalies table: the lake's, then live ones on top. (The device list is device-list-widget.ts.)
import type { AnomalyEvent } from '@tributary/contracts';
import type { AnomalyTableWidget } from '../core/dashboard-definition.js';
import type { RowsData } from '../core/widget-data.js';
import { fillTable, scrollingTable, type TableColumn } from './dom.js';
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
