import { describe, expect, it } from 'vitest';
import { ThingContextCache } from '../src/local/index.js';

describe('thing context cache', () => {
  it('asks the registry once per thing within the time-to-live, and again after it', async () => {
    let lookups = 0;
    let now = 0;
    const registry = {
      describeThing: async (thingName: string) => {
        lookups++;
        return thingName === 'known'
          ? { thingName, thingTypeName: 'pump', attributes: { site: 's' }, version: 1 }
          : undefined;
      },
    };
    const cache = new ThingContextCache(registry, 1000, () => now);
    const first = await cache.contextsFor(['known', 'unknown']);
    await cache.contextsFor(['known', 'unknown']);
    expect(lookups).toBe(2);
    expect(first.get('known')).toEqual({ thingName: 'known', thingType: 'pump', attributes: { site: 's' } });
    expect(first.has('unknown')).toBe(false);
    now = 1001;
    await cache.contextsFor(['known']);
    expect(lookups).toBe(3);
  });
});
