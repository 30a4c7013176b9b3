// The device list widget: a page of devices with their registration, connection, shadow and latest
// readings, paged by the server, kept current by live readings and `device` events (device-page.ts).
import type { EnrichedReading } from '@tributary/contracts';
import type { DeviceListWidget } from '../core/dashboard-definition.js';
import type { DirectoryDevice } from '../core/device-directory.js';
import type { DeviceListData, DeviceRow } from '../core/widget-data.js';
import {
  connectionStateOf,
  shownPageOf,
  entriesText,
  withDirectoryDevice,
  withReading,
  type DevicePage,
} from './device-page.js';
import { el, fillTable, scrollingTable, timeText, valueText } from './dom.js';
import { fetchWidgetData, type TimeRange, type WidgetView } from './widget-view.js';

const columns = [
  'device',
  'type',
  'attributes',
  'connection',
  'since',
  'disconnect reason',
  'reported',
  'desired ≠ reported',
  'shadow version',
  'last reading',
  'latest values',
];

const entriesCell = (entries: string[]) => {
  const cell = el('td');
  for (const entry of entries) cell.append(el('span', entry, 'metric'));
  return cell;
};

export function deviceListView(widget: DeviceListWidget, body: HTMLElement): WidgetView {
  const summary = el('p', '', 'widget-note');
  const previous = el('button', '‹ previous');
  const next = el('button', 'next ›');
  previous.id = `${widget.id}-previous`;
  next.id = `${widget.id}-next`;
  const pager = el('div', undefined, 'pager');
  pager.append(previous, next, summary);
  const { box, table } = scrollingTable(`${widget.id}-table`);
  fillTable(
    table,
    columns.map((name) => ({ name })),
    [],
  );
  body.append(pager, box);

  let page: DevicePage = { rows: [], offset: 0, total: 0, pageSize: widget.pageSize };
  let hasDirectory = true;
  let range: TimeRange | undefined;
  /** Live changes that arrive while a page loads, applied to it once it has. */
  let arrivedWhileLoading: ((page: DevicePage) => DevicePage)[] | undefined;

  const silent = (row: DeviceRow) =>
    row.lastSeenMs === null || Date.now() - row.lastSeenMs > widget.silentAfterMs;
  const rowOf = (device: DeviceRow): HTMLTableRowElement => {
    const state = connectionStateOf(device.connection);
    const row = el('tr');
    row.dataset['device'] = device.thingName;
    row.dataset['connection'] = state;
    row.append(
      el('td', device.thingName),
      el('td', device.thingTypeName ?? (device.registered ? '' : 'not registered')),
      entriesCell(entriesText(device.attributes)),
      el('td', state, state),
      el('td', device.connection ? timeText(device.connection.sinceMs) : ''),
      el('td', device.connection?.disconnectReason ?? ''),
      device.shadowError === null
        ? entriesCell(entriesText(device.shadow?.reported ?? null))
        : el('td', `shadow unreadable: ${device.shadowError}`, 'error'),
      entriesCell(entriesText(device.shadow?.delta ?? null)),
      el('td', device.shadow ? String(device.shadow.version) : ''),
      el(
        'td',
        device.lastSeenMs === null ? 'none' : timeText(device.lastSeenMs),
        silent(device) ? 'silent' : 'reporting',
      ),
      entriesCell(
        Object.entries(device.latestValues)
          .map(([m, v]) => `${m} = ${valueText(v)}`)
          .sort(),
      ),
    );
    return row;
  };
  /** The element of each row on screen, so a live change redraws only the rows it changed. */
  let elementsOf = new Map<DeviceRow, HTMLTableRowElement>();
  const render = () => {
    const elements = page.rows.map((row) => elementsOf.get(row) ?? rowOf(row));
    const tbody = table.tBodies[0]!;
    if (tbody.rows.length === elements.length) {
      elements.forEach((element, i) => {
        if (tbody.rows[i] !== element) tbody.rows[i]!.replaceWith(element);
      });
    } else {
      tbody.replaceChildren(...elements);
    }
    elementsOf = new Map(page.rows.map((row, i) => [row, elements[i]!]));
    const first = page.rows.length === 0 ? 0 : page.offset + 1;
    const connected = page.rows.filter((row) => row.connection?.connected).length;
    const silentCount = page.rows.filter(silent).length;
    summary.textContent =
      `${first}–${page.offset + page.rows.length} of ${page.total} devices; on this page ` +
      `${connected} connected, ${silentCount} without a reading for over ${widget.silentAfterMs / 60_000} min` +
      (hasDirectory ? '' : ' (connection and shadow state are not known to this dashboard)');
    previous.disabled = page.offset === 0;
    next.disabled = page.offset + page.rows.length >= page.total;
  };
  const change = (apply: (page: DevicePage) => DevicePage) => {
    if (arrivedWhileLoading) arrivedWhileLoading.push(apply);
    const changed = apply(page);
    if (changed === page) return; // a device on another page
    page = changed;
    render();
  };
  const load = async (loadRange: TimeRange, offset: number) => {
    range = loadRange;
    arrivedWhileLoading = [];
    try {
      const data = await fetchWidgetData<DeviceListData>(widget.id, loadRange, { offset: String(offset) });
      hasDirectory = data.directory;
      page = arrivedWhileLoading.reduce((loaded, apply) => apply(loaded), shownPageOf(data, widget.pageSize));
    } finally {
      arrivedWhileLoading = undefined;
    }
    render();
  };
  const turnPage = (by: number) => {
    if (!range) return;
    // The range ends now, as on the first load: "last reading" is relative to the present.
    const toMs = Date.now();
    load({ fromMs: toMs - (range.toMs - range.fromMs), toMs }, Math.max(0, page.offset + by)).catch(
      (error: Error) => (summary.textContent = `Could not load that page: ${error.message}`),
    );
  };
  previous.addEventListener('click', () => turnPage(-widget.pageSize));
  next.addEventListener('click', () => turnPage(widget.pageSize));
  render();

  return {
    load: (loadRange) => load(loadRange, 0),
    reading: (reading: EnrichedReading) => change((shown) => withReading(shown, reading)),
    device: (device: DirectoryDevice) => change((shown) => withDirectoryDevice(shown, device)),
  };
}
