// How live events change the device list's page on screen (src/web/device-page.ts, pure): readings and
// device changes update their row, replays never turn a newer state back, and a device new to the list
// joins the page only when its name sorts into it.
import { describe, expect, it } from 'vitest';
import { deviceRowOf, type DirectoryDevice } from '../src/core/index.js';
import {
  connectionStateOf,
  entriesText,
  withDirectoryDevice,
  withReading,
  type DevicePage,
} from '../src/web/device-page.js';

const pageOf = (names: string[], offset = 0, total = names.length, pageSize = 3): DevicePage => ({
  rows: names.map((name) => deviceRowOf(name, undefined, undefined)),
  offset,
  total,
  pageSize,
});
const namesOn = (page: DevicePage) => page.rows.map((row) => row.thingName);
const directoryDevice = (device: Partial<DirectoryDevice> & Pick<DirectoryDevice, 'thingName'>) => ({
  registered: true,
  thingTypeName: 'pump',
  attributes: { site: 'plant-1' },
  connection: null,
  shadow: null,
  shadowError: null,
  ...device,
});
const reading = (thing_name: string, received_at: number, value = 1, metric = 'temperature') => ({
  thing_name,
  metric,
  value,
  received_at,
});

describe('a live reading', () => {
  it("updates its device's last reading and latest value", () => {
    const page = withReading(pageOf(['a', 'b']), reading('b', 5_000, 21.5));
    expect(page.rows[1]).toMatchObject({
      thingName: 'b',
      lastSeenMs: 5_000,
      latestValues: { temperature: 21.5 },
    });
    // An older reading (a replay) keeps the newer time and value.
    const replayed = withReading(page, reading('b', 4_000, 19));
    expect(replayed.rows[1]).toMatchObject({ lastSeenMs: 5_000, latestValues: { temperature: 21.5 } });
  });

  it('adds a new device where its name sorts on the page and pushes the last row to the next page', () => {
    const page = withReading(pageOf(['a', 'c', 'e'], 0, 10), reading('b', 1));
    expect(namesOn(page)).toEqual(['a', 'b', 'c']);
    expect(page.total).toBe(11);
  });

  it('leaves the page alone for a device that sorts onto another page', () => {
    const middle = pageOf(['c', 'd', 'e'], 3, 10);
    expect(withReading(middle, reading('a', 1))).toBe(middle);
    expect(withReading(middle, reading('f', 1))).toBe(middle);
    // The last page takes names after its last row; the first page names before its first.
    expect(namesOn(withReading(pageOf(['x'], 3, 4), reading('z', 1)))).toEqual(['x', 'z']);
    expect(namesOn(withReading(pageOf(['m', 'n', 'o'], 0, 9), reading('a', 1)))).toEqual(['a', 'm', 'n']);
  });
});

describe('a live device change', () => {
  const connected = { connected: true, sinceMs: 1_000, disconnectReason: null, sessionIdentifier: 's1' };
  const disconnected = {
    connected: false,
    sinceMs: 2_000,
    disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT',
    sessionIdentifier: 's1',
  };

  it('shows the registration, connection and shadow, keeping the lake columns', () => {
    const withValue = withReading(pageOf(['a']), reading('a', 500, 3));
    const page = withDirectoryDevice(
      withValue,
      directoryDevice({
        thingName: 'a',
        connection: connected,
        shadow: { version: 2, reported: { mode: 'eco' }, delta: null },
      }),
    );
    expect(page.rows[0]).toMatchObject({
      thingTypeName: 'pump',
      attributes: { site: 'plant-1' },
      connection: connected,
      shadow: { version: 2, reported: { mode: 'eco' } },
      lastSeenMs: 500,
      latestValues: { temperature: 3 },
    });
  });

  it('never turns a newer connection or shadow back when an older state is replayed', () => {
    let page = withDirectoryDevice(
      pageOf(['a']),
      directoryDevice({
        thingName: 'a',
        connection: disconnected,
        shadow: { version: 5, reported: {}, delta: null },
      }),
    );
    page = withDirectoryDevice(
      page,
      directoryDevice({
        thingName: 'a',
        connection: connected,
        shadow: { version: 4, reported: {}, delta: null },
      }),
    );
    expect(page.rows[0]!.connection).toEqual(disconnected);
    expect(page.rows[0]!.shadow?.version).toBe(5);
    page = withDirectoryDevice(page, directoryDevice({ thingName: 'a', connection: null, shadow: null }));
    expect(page.rows[0]!.connection).toEqual(disconnected);
    expect(page.rows[0]!.shadow?.version).toBe(5);
  });
});

describe('cell texts', () => {
  it('names the connection state, unknown before any lifecycle event', () => {
    expect(connectionStateOf(null)).toBe('unknown');
    expect(
      connectionStateOf({ connected: true, sinceMs: 0, disconnectReason: null, sessionIdentifier: '' }),
    ).toBe('connected');
  });

  it('lists a section as sorted key = value entries, strings unquoted', () => {
    expect(entriesText({ mode: 'eco', limits: { max: 80 }, on: true })).toEqual([
      'limits = {"max":80}',
      'mode = eco',
      'on = true',
    ]);
    expect(entriesText(null)).toEqual([]);
  });
});
