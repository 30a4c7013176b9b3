// The device list's pages: every device the directory knows (registered or seen connecting) and every
// device the lake has readings of, sorted by name, cut into pages so a fleet of thousands costs the page (and the shadow reads) one page's rows. Pure.
import type { DirectoryDevice } from './device-directory.js';
import type { DeviceRow, LakeDevice } from './widget-data.js';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The names on the page starting at `offset`, and how many devices all pages hold. */
export function devicePageOf(
  lakeNames: readonly string[],
  directoryNames: readonly string[],
  offset: number,
  pageSize: number,
): { names: string[]; total: number } {
  const names = [...new Set([...lakeNames, ...directoryNames])].sort(byName);
  return { names: names.slice(offset, offset + pageSize), total: names.length };
}

/** A device no directory knows: not registered, connection and shadow unknown. */
export const unknownDevice = (thingName: string): DirectoryDevice => ({
  thingName,
  registered: false,
  thingTypeName: null,
  attributes: {},
  connection: null,
  shadow: null,
  shadowError: null,
});

export function deviceRowOf(
  thingName: string,
  lake: LakeDevice | undefined,
  directory: DirectoryDevice | undefined,
): DeviceRow {
  return {
    ...(directory ?? unknownDevice(thingName)),
    lastSeenMs: lake?.lastSeenMs ?? null,
    latestValues: lake?.latestValues ?? {},
  };
}
