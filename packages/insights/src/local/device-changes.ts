// Puts a `device` event on the live feed when a device connects, disconnects, or its shadow or registration
// changes, so the dashboard's device list follows within a second. Changes that arrive while a batch is
// read are read together next (a fleet connecting at once costs a few batches, not a read per event).
import type { DeviceDirectory } from '../core/index.js';
import type { LiveFeed } from './live-feed.js';

/** Devices read at once, so a burst does not start thousands of registry and shadow reads together. */
const maxBatch = 100;

/**
 * Returns the function that stops publishing; it resolves once a batch being read has been read, so the
 * registry and shadow store can close after it. `onError` hears of a batch that could not be read.
 */
export function publishDeviceChanges(
  directory: DeviceDirectory,
  feed: Pick<LiveFeed, 'publish'>,
  onError: (error: unknown, thingNames: readonly string[]) => void,
): () => Promise<void> {
  const changed = new Set<string>();
  let reading: Promise<void> | undefined;
  let stopped = false;
  const readChanged = async () => {
    while (changed.size > 0 && !stopped) {
      const thingNames = [...changed].slice(0, maxBatch);
      for (const thingName of thingNames) changed.delete(thingName);
      try {
        for (const device of await directory.devices(thingNames)) {
          if (!stopped) feed.publish({ type: 'device', device });
        }
      } catch (error) {
        onError(error, thingNames);
      }
    }
    reading = undefined;
  };
  const unsubscribe = directory.onChange((thingName) => {
    changed.add(thingName);
    reading ??= readChanged();
  });
  return async () => {
    stopped = true;
    unsubscribe();
    await reading;
  };
}
