// The device list's page on screen and how live events change it: a reading updates a device's last
// reading and values, a `device` event its registration, connection and shadow; a device new to the list
// joins the page when its name sorts into it. Pure (no DOM), so the rules are tested in Node.
import type { DeviceConnection, DeviceShadowView, DirectoryDevice } from '../core/device-directory.js';
import { unknownDevice } from '../core/device-list.js';
import type { DeviceListData, DeviceRow } from '../core/widget-data.js';

export interface DevicePage {
  /** Sorted by thing name. */
  readonly rows: readonly DeviceRow[];
  readonly offset: number;
  readonly total: number;
  readonly pageSize: number;
}

export const shownPageOf = (data: DeviceListData, pageSize: number): DevicePage => ({
  rows: data.devices,
  offset: data.offset,
  total: data.total,
  pageSize,
});

export interface LiveReading {
  readonly thing_name: string;
  readonly metric: string;
  readonly value: number;
  readonly received_at: number;
}

export const withReading = (page: DevicePage, reading: LiveReading): DevicePage =>
  upsert(page, reading.thing_name, (row) => ({
    ...row,
    lastSeenMs: Math.max(row.lastSeenMs ?? 0, reading.received_at),
    latestValues:
      reading.received_at >= (row.lastSeenMs ?? 0) || !(reading.metric in row.latestValues)
        ? { ...row.latestValues, [reading.metric]: reading.value }
        : row.latestValues,
  }));

/** Live `device` events may replay older states (on reconnect): the newer connection and shadow win. */
export const withDirectoryDevice = (page: DevicePage, device: DirectoryDevice): DevicePage =>
  upsert(page, device.thingName, (row) => ({
    ...row,
    ...device,
    connection: newerConnection(row.connection, device.connection),
    shadow: newerShadow(row.shadow, device.shadow),
  }));

function newerConnection(
  shown: DeviceConnection | null,
  incoming: DeviceConnection | null,
): DeviceConnection | null {
  if (shown === null || incoming === null) return incoming ?? shown;
  return incoming.sinceMs >= shown.sinceMs ? incoming : shown;
}

function newerShadow(shown: DeviceShadowView | null, incoming: DeviceShadowView | null) {
  // A replayed event from before the shadow existed must not hide it; so a deleted shadow stays on screen
  // until the page reloads (deletions are rare; versions cannot order them against updates).
  if (shown === null || incoming === null) return incoming ?? shown;
  return incoming.version >= shown.version ? incoming : shown;
}

function upsert(page: DevicePage, thingName: string, change: (row: DeviceRow) => DeviceRow): DevicePage {
  const index = page.rows.findIndex((row) => row.thingName === thingName);
  if (index >= 0) {
    return { ...page, rows: page.rows.map((row, i) => (i === index ? change(row) : row)) };
  }
  if (!sortsIntoPage(page, thingName)) return page;
  const row = change({ ...unknownDevice(thingName), lastSeenMs: null, latestValues: {} });
  const rows = [...page.rows, row].sort((a, b) => (a.thingName < b.thingName ? -1 : 1));
  // The row pushed past the page's end is now the first of the next page.
  return { ...page, rows: rows.slice(0, page.pageSize), total: page.total + 1 };
}

/** Whether a device not in the list belongs on this page of it. */
function sortsIntoPage(page: DevicePage, thingName: string): boolean {
  const first = page.rows[0]?.thingName;
  const last = page.rows.at(-1)?.thingName;
  const isLastPage = page.offset + page.rows.length >= page.total;
  const afterPreviousPage = page.offset === 0 || (first !== undefined && thingName > first);
  const beforeNextPage = isLastPage || (last !== undefined && thingName < last);
  return afterPreviousPage && beforeNextPage;
}

/** `connected`, `disconnected` or `unknown` (no lifecycle event since the platform started). */
export const connectionStateOf = (connection: DeviceConnection | null): string =>
  connection === null ? 'unknown' : connection.connected ? 'connected' : 'disconnected';

/** `key = value` entries of a shadow section or attribute map, sorted by key; values as JSON but strings. */
export const entriesText = (section: Readonly<Record<string, unknown>> | null): string[] =>
  Object.entries(section ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => `${key} = ${typeof value === 'string' ? value : JSON.stringify(value)}`);
