// Which cached thing contexts a change makes stale, and the wiring that tells the cache. Registry changes
// arrive as the local registry's RegistryChange (registry-events.html); shadow changes as the messages the
// Device Shadow service publishes (`$aws/things/<thing>/shadow/update/documents`, `.../delete/accepted`,
// device-shadow-mqtt.html), which the platform hands to topic rules and to the cache alike.
import type { RegistryChange } from '@tributary/ingest';
import type { ThingContextCache } from './thing-context-cache.js';

/** The things whose context `change` alters; `all` when it can alter any (a deleted group). */
export function thingsAffectedBy(change: RegistryChange): readonly string[] | 'all' {
  switch (change.eventType) {
    case 'THING_EVENT':
    case 'THING_TYPE_ASSOCIATION_EVENT':
    case 'THING_GROUP_MEMBERSHIP_EVENT':
      return [change.thing.thingName];
    case 'THING_GROUP_EVENT':
      return change.operation === 'DELETED' ? 'all' : [];
    case 'THING_TYPE_EVENT':
    case 'THING_GROUP_HIERARCHY_EVENT':
      // A context holds the type's name and direct groups only, which neither changes.
      return [];
  }
}

const classicShadowChange = /^\$aws\/things\/([^/]+)\/shadow\/(?:update\/documents|delete\/accepted)$/;

/** The thing whose classic shadow changed, if `topic` says one did. */
export const thingOfShadowChange = (topic: string): string | undefined =>
  classicShadowChange.exec(topic)?.[1];

/** Invalidates the contexts each registry change alters; returns the function that stops listening. */
export function invalidateOnRegistryChanges(
  cache: Pick<ThingContextCache, 'invalidate' | 'invalidateAll'>,
  registry: { onChange(listener: (change: RegistryChange) => void): () => void },
): () => void {
  return registry.onChange((change) => {
    const affected = thingsAffectedBy(change);
    if (affected === 'all') cache.invalidateAll();
    else for (const thingName of affected) cache.invalidate(thingName);
  });
}

/** Invalidates a thing's context when `topic` reports its classic shadow changed; other topics are ignored. */
export function invalidateOnShadowChange(cache: Pick<ThingContextCache, 'invalidate'>, topic: string): void {
  const thingName = thingOfShadowChange(topic);
  if (thingName !== undefined) cache.invalidate(thingName);
}
