import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  InvalidThingNameError,
  LocalRegistry,
  ThingAlreadyExistsError,
  type RegistryChange,
} from '../../src/local/registry.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'registry-'));
  dirs.push(dir);
  return join(dir, 'registry.duckdb');
}

describe('local device registry', () => {
  it('keeps things, types and groups across a restart', async () => {
    const path = await tempPath();
    const first = await LocalRegistry.open(path);
    await first.createThingType({ thingTypeName: 'pump' });
    const created = await first.createThing({
      thingName: 'pump-7',
      thingTypeName: 'pump',
      attributes: { site: 'plant-a' },
    });
    await first.createThingGroup({ thingGroupName: 'plant-a' });
    await first.addThingToThingGroup({ thingName: 'pump-7', thingGroupName: 'plant-a' });
    first.close();

    const second = await LocalRegistry.open(path);
    expect(await second.describeThing('pump-7')).toEqual({
      thingName: 'pump-7',
      thingId: created.thingId,
      thingArn: 'arn:aws:iot:us-east-1:000000000000:thing/pump-7',
      thingTypeName: 'pump',
      attributes: { site: 'plant-a' },
      version: 1,
      defaultClientId: 'pump-7',
    });
    expect((await second.listThingGroupsForThing({ thingName: 'pump-7' })).thingGroups).toEqual([
      { groupName: 'plant-a', groupArn: 'arn:aws:iot:us-east-1:000000000000:thinggroup/plant-a' },
    ]);
    second.close();
  });

  it('is idempotent for an identical create and refuses a conflicting one, as AWS CreateThing', async () => {
    const registry = await LocalRegistry.open(':memory:');
    const first = await registry.createThing({ thingName: 'pump-7', attributes: { site: 'a' } });
    await expect(registry.createThing({ thingName: 'pump-7', attributes: { site: 'a' } })).resolves.toEqual(
      first,
    );
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
    expect((await registry.listThings()).things).toEqual([]);
    registry.close();
  });

  it('upgrades a registry file written by the first version, creating the thing types it named', async () => {
    const path = await tempPath();
    const old = await DuckDBInstance.create(path);
    const connection = await old.connect();
    await connection.run(`CREATE TABLE things (thing_name VARCHAR PRIMARY KEY, thing_type_name VARCHAR,
      attributes VARCHAR NOT NULL, version INTEGER NOT NULL)`);
    await connection.run(
      `INSERT INTO things VALUES ('sim-sensor-001', 'environment-sensor', '{"site":"n"}', 1)`,
    );
    connection.closeSync();
    old.closeSync();

    const registry = await LocalRegistry.open(path);
    const thing = await registry.describeThing('sim-sensor-001');
    expect(thing).toMatchObject({
      thingTypeName: 'environment-sensor',
      attributes: { site: 'n' },
      version: 1,
    });
    expect(thing?.thingId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await registry.describeThingType('environment-sensor')).toBeDefined();
    registry.close();
  });

  it('tells listeners about committed changes to things, groups and membership, not about no-ops', async () => {
    const registry = await LocalRegistry.open(':memory:');
    const changes: RegistryChange[] = [];
    const stop = registry.onChange((change) => changes.push(change));
    await registry.createThing({ thingName: 'pump-7' });
    await registry.createThing({ thingName: 'pump-7' }); // identical: nothing changes
    await registry.updateThing({ thingName: 'pump-7', attributePayload: { attributes: { site: 'a' } } });
    await registry.createThingGroup({ thingGroupName: 'plant-a' });
    await registry.addThingToThingGroup({ thingName: 'pump-7', thingGroupName: 'plant-a' });
    await expect(registry.updateThing({ thingName: 'pump-7', expectedVersion: 1 })).rejects.toThrow();
    await registry.deleteThing('pump-7');
    stop();
    await registry.createThing({ thingName: 'after-stop' });

    expect(changes.map(summaryOf)).toEqual([
      'THING_EVENT CREATED pump-7',
      'THING_EVENT UPDATED pump-7',
      'THING_GROUP_EVENT CREATED plant-a',
      'THING_GROUP_MEMBERSHIP_EVENT ADDED plant-a/pump-7',
      'THING_EVENT DELETED pump-7',
    ]);
    // Each change carries the record as it is after the change (as it was, for a deletion).
    expect(changes[1]).toMatchObject({ thing: { version: 2, attributes: { site: 'a' } } });
    expect(changes[4]).toMatchObject({ thing: { thingName: 'pump-7', version: 2 } });
    registry.close();
  });

  it('tells listeners when a thing gains, changes or loses its type (THING_TYPE_ASSOCIATION_EVENT)', async () => {
    const registry = await LocalRegistry.open(':memory:');
    await registry.createThingType({ thingTypeName: 'pump' });
    await registry.createThingType({ thingTypeName: 'valve' });
    const changes: RegistryChange[] = [];
    registry.onChange((change) => changes.push(change));
    await registry.createThing({ thingName: 'p-1', thingTypeName: 'pump' });
    await registry.updateThing({ thingName: 'p-1', thingTypeName: 'valve' });
    await registry.updateThing({ thingName: 'p-1', attributePayload: { attributes: { a: '1' } } });
    await registry.updateThing({ thingName: 'p-1', removeThingType: true });

    expect(changes.map(summaryOf)).toEqual([
      'THING_EVENT CREATED p-1',
      'THING_TYPE_ASSOCIATION_EVENT CREATED p-1/pump',
      'THING_EVENT UPDATED p-1',
      'THING_TYPE_ASSOCIATION_EVENT DELETED p-1/pump',
      'THING_TYPE_ASSOCIATION_EVENT CREATED p-1/valve',
      'THING_EVENT UPDATED p-1',
      'THING_EVENT UPDATED p-1',
      'THING_TYPE_ASSOCIATION_EVENT DELETED p-1/valve',
    ]);
    registry.close();
  });

  it('tells listeners when a child group joins or leaves its parent (THING_GROUP_HIERARCHY_EVENT)', async () => {
    const registry = await LocalRegistry.open(':memory:');
    const fleet = await registry.createThingGroup({ thingGroupName: 'fleet' });
    const changes: RegistryChange[] = [];
    registry.onChange((change) => changes.push(change));
    await registry.createThingGroup({ thingGroupName: 'plant', parentGroupName: 'fleet' });
    await registry.deleteThingGroup('plant');

    expect(changes.map(summaryOf)).toEqual([
      'THING_GROUP_EVENT CREATED plant',
      'THING_GROUP_HIERARCHY_EVENT ADDED fleet/plant',
      'THING_GROUP_HIERARCHY_EVENT REMOVED fleet/plant',
      'THING_GROUP_EVENT DELETED plant',
    ]);
    expect(changes[0]).toMatchObject({ parentGroupId: fleet.thingGroupId });
    registry.close();
  });

  it('answers describeThing with undefined for unknown and impossible names, as enrichment expects', async () => {
    const registry = await LocalRegistry.open(':memory:');
    expect(await registry.describeThing('nobody')).toBeUndefined();
    expect(await registry.describeThing('../../x')).toBeUndefined();
    registry.close();
  });
});

/** A change in one line: its type, operation and the names it is about. */
function summaryOf(change: RegistryChange): string {
  const names = (() => {
    switch (change.eventType) {
      case 'THING_EVENT':
        return change.thing.thingName;
      case 'THING_TYPE_EVENT':
        return change.thingType.thingTypeName;
      case 'THING_TYPE_ASSOCIATION_EVENT':
        return `${change.thing.thingName}/${change.thingTypeName}`;
      case 'THING_GROUP_EVENT':
        return change.thingGroup.thingGroupName;
      case 'THING_GROUP_MEMBERSHIP_EVENT':
        return `${change.thingGroup.thingGroupName}/${change.thing.thingName}`;
      case 'THING_GROUP_HIERARCHY_EVENT':
        return `${change.parentGroup.thingGroupName}/${change.childGroup.thingGroupName}`;
    }
  })();
  return `${change.eventType} ${change.operation} ${names}`;
}
