import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidThingNameError, LocalRegistry, ThingAlreadyExistsError } from '../src/local/index.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('local device registry', () => {
  it('keeps things with their type and attributes across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'registry-'));
    dirs.push(dir);
    const path = join(dir, 'registry.duckdb');
    const first = await LocalRegistry.open(path);
    await first.createThing({ thingName: 'pump-7', thingTypeName: 'pump', attributes: { site: 'plant-a' } });
    first.close();
    const second = await LocalRegistry.open(path);
    expect(await second.describeThing('pump-7')).toEqual({
      thingName: 'pump-7',
      thingTypeName: 'pump',
      attributes: { site: 'plant-a' },
      version: 1,
    });
    second.close();
  });

  it('is idempotent for an identical create and refuses a conflicting one, as AWS CreateThing', async () => {
    const registry = await LocalRegistry.open(':memory:');
    await registry.createThing({ thingName: 'pump-7', attributes: { site: 'a' } });
    await expect(
      registry.createThing({ thingName: 'pump-7', attributes: { site: 'a' } }),
    ).resolves.toMatchObject({
      thingName: 'pump-7',
    });
    await expect(registry.createThing({ thingName: 'pump-7', attributes: { site: 'b' } })).rejects.toThrow(
      ThingAlreadyExistsError,
    );
    registry.close();
  });

  it('refuses names that could escape into paths or SQL (faults.md #29)', async () => {
    const registry = await LocalRegistry.open(':memory:');
    for (const name of ['../../x', "a'; DROP TABLE things; --", '', 'x'.repeat(129)]) {
      await expect(registry.createThing({ thingName: name })).rejects.toThrow(InvalidThingNameError);
    }
    expect(await registry.listThings()).toEqual([]);
    registry.close();
  });
});
