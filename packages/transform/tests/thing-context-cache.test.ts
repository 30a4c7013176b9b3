// The enrichment context cache: kept until the registry or a shadow says the thing changed, with a
// time-to-live only as a safety net. Registry changes come from a real LocalRegistry (DuckDB) through its
// onChange listener; shadow changes from the real local shadow service and the topics it publishes.
import { LocalRegistry, LocalShadowService, LocalShadowStore } from '@tributary/ingest/local';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  invalidateOnRegistryChanges,
  invalidateOnShadowChange,
  reportedStateFrom,
  ThingContextCache,
  thingOfShadowChange,
} from '../src/local/index.js';

let registry: LocalRegistry;
let shadowStore: LocalShadowStore;
let shadows: LocalShadowService;
let registryLookups: number;
/** The real registry, counting DescribeThing calls. */
let countedRegistry: Pick<LocalRegistry, 'describeThing' | 'listThingGroupsForThing'>;

beforeEach(async () => {
  registry = await LocalRegistry.open(':memory:');
  shadowStore = await LocalShadowStore.open(':memory:');
  shadows = new LocalShadowService(shadowStore);
  registryLookups = 0;
  countedRegistry = {
    describeThing: (thingName) => {
      registryLookups++;
      return registry.describeThing(thingName);
    },
    listThingGroupsForThing: (request) => registry.listThingGroupsForThing(request),
  };
  await registry.createThingType({ thingTypeName: 'environment-sensor' });
  await registry.createThing({
    thingName: 'sensor-1',
    thingTypeName: 'environment-sensor',
    attributes: { site: 'plant-north' },
  });
});

afterEach(() => {
  registry.close();
  shadowStore.close();
});

const reportOf = (state: unknown) => Buffer.from(JSON.stringify({ state: { reported: state } }));

describe('thing context cache', () => {
  it('reads a thing once and serves it from the cache while nothing changes', async () => {
    const cache = new ThingContextCache(countedRegistry);
    const first = await cache.contextsFor(['sensor-1', 'unknown']);
    await cache.contextsFor(['sensor-1', 'unknown']);
    expect(registryLookups).toBe(2);
    expect(first.get('sensor-1')).toEqual({
      thingName: 'sensor-1',
      thingType: 'environment-sensor',
      attributes: { site: 'plant-north' },
      groups: [],
    });
    expect(first.has('unknown')).toBe(false);
  });

  it('sees a registry change on the next batch: attributes, type and group membership', async () => {
    const cache = new ThingContextCache(countedRegistry);
    const stopListening = invalidateOnRegistryChanges(cache, registry);
    await cache.contextsFor(['sensor-1']);

    await registry.updateThing({
      thingName: 'sensor-1',
      attributePayload: { attributes: { site: 'plant-south' } },
    });
    await registry.createThingGroup({ thingGroupName: 'cold-chain' });
    await registry.addThingToThingGroup({ thingGroupName: 'cold-chain', thingName: 'sensor-1' });
    const after = (await cache.contextsFor(['sensor-1'])).get('sensor-1');
    expect(after?.attributes).toEqual({ site: 'plant-south' });
    expect(after?.groups).toEqual(['cold-chain']);

    // Deleting a group can change any thing's groups: everything is read again.
    const lookupsBefore = registryLookups;
    await registry.deleteThingGroup('cold-chain');
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.groups).toEqual([]);
    expect(registryLookups).toBe(lookupsBefore + 1);

    stopListening();
    await registry.updateThing({ thingName: 'sensor-1', attributePayload: { attributes: { site: 'x' } } });
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.attributes).toEqual({
      site: 'plant-south',
    });
  });

  it('forgets a deleted thing', async () => {
    const cache = new ThingContextCache(countedRegistry);
    invalidateOnRegistryChanges(cache, registry);
    await cache.contextsFor(['sensor-1']);
    await registry.deleteThing('sensor-1');
    expect((await cache.contextsFor(['sensor-1'])).has('sensor-1')).toBe(false);
  });

  it('reads the shadow’s reported state and sees an update once its documents topic is seen', async () => {
    const cache = new ThingContextCache(countedRegistry, { shadows: reportedStateFrom(shadows) });
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.reported).toBeUndefined();

    await shadows.update({ thingName: 'sensor-1' }, reportOf({ firmware: '2.4.1' }));
    invalidateOnShadowChange(cache, '$aws/things/sensor-1/shadow/update/documents');
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.reported).toEqual({ firmware: '2.4.1' });

    // A named shadow's or another thing's messages leave the context cached.
    await shadows.update({ thingName: 'sensor-1' }, reportOf({ firmware: '2.5.0' }));
    invalidateOnShadowChange(cache, '$aws/things/sensor-1/shadow/name/settings/update/documents');
    invalidateOnShadowChange(cache, '$aws/things/sensor-2/shadow/update/documents');
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.reported).toEqual({ firmware: '2.4.1' });

    await shadows.delete({ thingName: 'sensor-1' });
    invalidateOnShadowChange(cache, '$aws/things/sensor-1/shadow/delete/accepted');
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.reported).toBeUndefined();
  });

  it('recognises only the classic shadow’s change topics', () => {
    expect(thingOfShadowChange('$aws/things/pump-7/shadow/update/documents')).toBe('pump-7');
    expect(thingOfShadowChange('$aws/things/pump-7/shadow/delete/accepted')).toBe('pump-7');
    expect(thingOfShadowChange('$aws/things/pump-7/shadow/update/accepted')).toBeUndefined();
    expect(thingOfShadowChange('dt/tributary/pump-7/telemetry')).toBeUndefined();
  });

  it('does not keep a context read while an invalidation happened', async () => {
    // Each lookup reads the registry, then waits at a gate the test opens.
    const gates: (() => void)[] = [];
    let lookupArrived = () => {};
    const slowRegistry = {
      describeThing: async (thingName: string) => {
        const thing = await registry.describeThing(thingName);
        await new Promise<void>((resolve) => {
          gates.push(resolve);
          lookupArrived();
        });
        return thing;
      },
    };
    const arrival = () => new Promise<void>((resolve) => (lookupArrived = resolve));
    const cache = new ThingContextCache(slowRegistry);
    let arrived = arrival();
    const inFlight = cache.contextsFor(['sensor-1']);
    await arrived;
    await registry.updateThing({ thingName: 'sensor-1', attributePayload: { attributes: { site: 'new' } } });
    cache.invalidate('sensor-1');
    gates.shift()!();
    expect((await inFlight).get('sensor-1')?.attributes).toEqual({ site: 'plant-north' });
    arrived = arrival();
    const next = cache.contextsFor(['sensor-1']);
    await arrived;
    gates.shift()!();
    expect((await next).get('sensor-1')?.attributes).toEqual({ site: 'new' });
  });

  it('reads a thing again after the time-to-live, a safety net for changes nobody reported', async () => {
    let now = 0;
    const cache = new ThingContextCache(countedRegistry, { ttlMs: 1000, clock: () => now });
    await cache.contextsFor(['sensor-1']);
    // A change nobody reports: the registry edited behind the cache's back.
    await registry.updateThing({
      thingName: 'sensor-1',
      attributePayload: { attributes: { site: 'moved' } },
    });
    now = 999;
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.attributes).toEqual({
      site: 'plant-north',
    });
    expect(registryLookups).toBe(1);
    now = 1001;
    // Past its time-to-live the context kept is served while it is read again, once, in the background.
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.attributes).toEqual({
      site: 'plant-north',
    });
    await expect
      .poll(async () => (await cache.contextsFor(['sensor-1'])).get('sensor-1')?.attributes)
      .toEqual({ site: 'moved' });
    expect(registryLookups).toBe(2);
  });

  it('does not make a batch wait for a registry read once a context has expired', async () => {
    let now = 0;
    let stalled = false;
    const releases: (() => void)[] = [];
    const stallingRegistry = {
      describeThing: async (thingName: string) => {
        if (stalled) await new Promise<void>((resolve) => releases.push(resolve));
        return registry.describeThing(thingName);
      },
    };
    const cache = new ThingContextCache(stallingRegistry, { ttlMs: 1000, clock: () => now });
    await cache.contextsFor(['sensor-1']);
    stalled = true;
    now = 5000;
    const served = await cache.contextsFor(['sensor-1', 'sensor-1']);
    expect(served.get('sensor-1')?.attributes).toEqual({ site: 'plant-north' });
    // One read again for the expired thing, however many batches ask meanwhile.
    await cache.contextsFor(['sensor-1']);
    expect(releases).toHaveLength(1);
    // A thing never seen is still read before its batch goes on: there is nothing to serve meanwhile.
    let unseenRead = false;
    const unseen = cache.contextsFor(['sensor-2']).then((contexts) => {
      unseenRead = true;
      return contexts;
    });
    await expect.poll(() => releases.length).toBe(2);
    expect(unseenRead).toBe(false);
    for (const release of releases.splice(0)) release();
    expect((await unseen).has('sensor-2')).toBe(false);
  });

  it('reads an expired context before the batch when told not to serve it stale (a Lambda container)', async () => {
    let now = 0;
    const cache = new ThingContextCache(countedRegistry, {
      ttlMs: 1000,
      clock: () => now,
      serveStaleWhileReading: false,
    });
    await cache.contextsFor(['sensor-1']);
    await registry.updateThing({
      thingName: 'sensor-1',
      attributePayload: { attributes: { site: 'moved' } },
    });
    now = 1001;
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.attributes).toEqual({ site: 'moved' });
    expect(registryLookups).toBe(2);
  });

  it('reads every thing again once it starts reading shadows', async () => {
    const cache = new ThingContextCache(countedRegistry);
    await shadows.update({ thingName: 'sensor-1' }, reportOf({ firmware: '2.4.1' }));
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.reported).toBeUndefined();
    cache.readShadowsFrom(reportedStateFrom(shadows));
    expect((await cache.contextsFor(['sensor-1'])).get('sensor-1')?.reported).toEqual({ firmware: '2.4.1' });
  });
});
