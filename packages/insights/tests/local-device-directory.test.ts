// LocalDeviceDirectory and publishDeviceChanges: which IoT Core messages change a device, the bounded
// connection memory, and the live `device` events, read in batches and never lost to a failed read.
import { describe, expect, it } from 'vitest';
import type { DeviceDirectory, DirectoryDevice } from '../src/core/index.js';
import { LiveFeed, LocalDeviceDirectory, publishDeviceChanges, type LiveEvent } from '../src/local/index.js';
import {
  InMemoryShadows,
  InMemoryThings,
  presenceMessage,
  shadowDocumentsMessage,
} from './device-fixtures.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('LocalDeviceDirectory', () => {
  it('tells its listeners of presence, shadow and registration changes only', () => {
    const directory = new LocalDeviceDirectory({ things: new InMemoryThings() });
    const changed: string[] = [];
    directory.onChange((thingName) => changed.push(thingName));
    directory.observe(...presenceMessage('connected', 'pump-1'));
    directory.observe(...shadowDocumentsMessage('pump-2'));
    directory.observe('$aws/events/thing/pump-3/updated', new Uint8Array());
    directory.observe('$aws/things/pump-4/shadow/update/accepted', new Uint8Array());
    directory.observe('dt/tributary/pump-5/telemetry', new Uint8Array());
    directory.observe('$aws/events/presence/connected/pump-6', new TextEncoder().encode('not json'));
    expect(changed).toEqual(['pump-1', 'pump-2', 'pump-3']);
  });

  it('forgets the connections heard of least recently beyond maxConnections', async () => {
    const directory = new LocalDeviceDirectory({ things: new InMemoryThings(), maxConnections: 2 });
    directory.observe(...presenceMessage('connected', 'a'));
    directory.observe(...presenceMessage('connected', 'b'));
    directory.observe(...presenceMessage('disconnected', 'a'));
    directory.observe(...presenceMessage('connected', 'c'));
    expect(await directory.thingNames()).toEqual(['a', 'c']);
    const [a, b] = await directory.devices(['a', 'b']);
    expect(a?.connection?.connected).toBe(false);
    expect(b?.connection).toBeNull();
  });

  it('lists registered things across ListThings pages, and reads shadows only once told where', async () => {
    const things = new InMemoryThings();
    for (let i = 0; i < 600; i += 1) things.add(`t-${String(i).padStart(3, '0')}`, 'pump');
    const shadows = new InMemoryShadows();
    shadows.update('t-001', null, { on: true });
    const directory = new LocalDeviceDirectory({ things });
    expect(await directory.thingNames()).toHaveLength(600);
    expect((await directory.devices(['t-001']))[0]).toMatchObject({ shadow: null, shadowError: null });
    directory.readShadowsFrom(shadows);
    expect((await directory.devices(['t-001']))[0]?.shadow).toEqual({
      version: 1,
      reported: { on: true },
      delta: null,
    });
  });

  it('lists the registry once per change to it, not once per read', async () => {
    const things = new InMemoryThings();
    things.add('pump-1', 'pump', { site: 'plant-1' });
    const directory = new LocalDeviceDirectory({ things });
    await directory.thingNames();
    await directory.devices(['pump-1']);
    expect(things.listCalls).toBe(1);
    things.add('pump-1', 'pump', { site: 'plant-2' });
    things.add('pump-2', null);
    expect(await directory.thingNames()).toEqual(['pump-1', 'pump-2']);
    expect((await directory.devices(['pump-1']))[0]?.attributes).toEqual({ site: 'plant-2' });
    expect(things.listCalls).toBe(2);
    directory.close();
    things.add('pump-3', null);
    expect(await directory.thingNames()).toEqual(['pump-1', 'pump-2']); // no longer following
  });
});

describe('publishDeviceChanges', () => {
  /** A directory whose reads are counted and can be made to fail. */
  function countingDirectory() {
    const listeners = new Set<(thingName: string) => void>();
    const batches: string[][] = [];
    let readsFinished = 0;
    let failNext = false;
    const directory: DeviceDirectory = {
      thingNames: async () => [],
      devices: async (thingNames) => {
        batches.push([...thingNames]);
        await settle();
        readsFinished += 1;
        if (failNext) {
          failNext = false;
          throw new Error('registry unavailable');
        }
        return thingNames.map((thingName): DirectoryDevice => ({
          thingName,
          registered: true,
          thingTypeName: null,
          attributes: {},
          connection: null,
          shadow: null,
          shadowError: null,
        }));
      },
      onChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    return {
      directory,
      batches,
      change: (thingName: string) => listeners.forEach((listener) => listener(thingName)),
      failNextRead: () => (failNext = true),
      readsFinished: () => readsFinished,
    };
  }
  const deviceNames = (events: LiveEvent[]) =>
    events.flatMap((event) => (event.type === 'device' ? [event.device.thingName] : []));

  it('reads a burst in batches of at most 100, each changed device once per batch', async () => {
    const { directory, batches, change } = countingDirectory();
    const feed = new LiveFeed({ recentPerType: 1_000 });
    publishDeviceChanges(directory, feed, (error) => {
      throw error;
    });
    change('first');
    for (let i = 0; i < 250; i += 1) change(`d-${i}`);
    change('d-0'); // again, while it waits for the next batch
    await expect.poll(() => deviceNames(feed.recent()).length).toBe(251);
    expect(batches.map((batch) => batch.length)).toEqual([1, 100, 100, 50]);
    expect(new Set(deviceNames(feed.recent())).size).toBe(251);
  });

  it('reports a batch it could not read and goes on with the next changes', async () => {
    const { directory, change, failNextRead } = countingDirectory();
    const feed = new LiveFeed();
    const failures: [string, readonly string[]][] = [];
    const stop = publishDeviceChanges(directory, feed, (error, thingNames) =>
      failures.push([(error as Error).message, thingNames]),
    );
    failNextRead();
    change('lost');
    await settle();
    change('shown');
    await expect.poll(() => deviceNames(feed.recent())).toEqual(['shown']);
    expect(failures).toEqual([['registry unavailable', ['lost']]]);
    await stop();
    change('after-stop');
    await settle();
    expect(deviceNames(feed.recent())).toEqual(['shown']);
  });

  it('stops once the batch it is reading has been read, so the stores behind it can close', async () => {
    const { directory, change, readsFinished } = countingDirectory();
    const feed = new LiveFeed();
    const stop = publishDeviceChanges(directory, feed, (error) => {
      throw error;
    });
    change('being-read');
    change('waiting');
    await stop();
    expect(readsFinished()).toBe(1);
    await settle();
    expect(readsFinished()).toBe(1); // the waiting device was not read after the stop
    expect(deviceNames(feed.recent())).toEqual([]);
  });
});
