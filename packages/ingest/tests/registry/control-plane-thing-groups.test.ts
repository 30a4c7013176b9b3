// Static thing groups and membership through @aws-sdk/client-iot against the local control plane
// (https://docs.aws.amazon.com/iot/latest/developerguide/thing-groups.html).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegistryChange } from '../../src/local/registry.js';
import { rejectionOf, startFixture, type ControlPlaneFixture } from './control-plane-fixture.js';
import { iot } from './iot-sdk.js';

const arn = (name: string): string => `arn:aws:iot:us-east-1:000000000000:thinggroup/${name}`;

let fixture: ControlPlaneFixture;
beforeEach(async () => {
  fixture = await startFixture();
});
afterEach(async () => fixture.close());

async function createHierarchy(): Promise<void> {
  const { client } = fixture;
  await client.send(new iot.CreateThingGroupCommand({ thingGroupName: 'europe' }));
  await client.send(
    new iot.CreateThingGroupCommand({ thingGroupName: 'plant-a', parentGroupName: 'europe' }),
  );
  await client.send(
    new iot.CreateThingGroupCommand({ thingGroupName: 'line-1', parentGroupName: 'plant-a' }),
  );
  await client.send(new iot.CreateThingGroupCommand({ thingGroupName: 'asia' }));
}

describe('local IoT control plane: thing groups', () => {
  it('creates a group under a parent and describes its place in the hierarchy', async () => {
    const { client } = fixture;
    await createHierarchy();
    const described = await client.send(new iot.DescribeThingGroupCommand({ thingGroupName: 'line-1' }));
    expect(described).toMatchObject({
      thingGroupName: 'line-1',
      thingGroupArn: arn('line-1'),
      version: 1,
      thingGroupMetadata: {
        parentGroupName: 'plant-a',
        rootToParentThingGroups: [
          { groupName: 'europe', groupArn: arn('europe') },
          { groupName: 'plant-a', groupArn: arn('plant-a') },
        ],
      },
    });
    expect(described.thingGroupMetadata?.creationDate).toBeInstanceOf(Date);

    const orphan = await rejectionOf(
      client.send(new iot.CreateThingGroupCommand({ thingGroupName: 'x', parentGroupName: 'nowhere' })),
    );
    expect(orphan.name).toBe('ResourceNotFoundException');
    const moved = await rejectionOf(
      client.send(new iot.CreateThingGroupCommand({ thingGroupName: 'line-1', parentGroupName: 'asia' })),
    );
    expect(moved.name).toBe('ResourceAlreadyExistsException');
  });

  it('lists all groups, a parent’s children, its descendants, and by name prefix', async () => {
    const { client } = fixture;
    await createHierarchy();
    const names = async (input: { parentGroup?: string; recursive?: boolean; namePrefixFilter?: string }) =>
      ((await client.send(new iot.ListThingGroupsCommand(input))).thingGroups ?? []).map((g) => g.groupName);
    expect(await names({})).toEqual(['asia', 'europe', 'line-1', 'plant-a']);
    expect(await names({ parentGroup: 'europe' })).toEqual(['plant-a']);
    expect(await names({ parentGroup: 'europe', recursive: true })).toEqual(['line-1', 'plant-a']);
    expect(await names({ namePrefixFilter: 'p' })).toEqual(['plant-a']);
    const page = await client.send(new iot.ListThingGroupsCommand({ maxResults: 3 }));
    expect(page.thingGroups).toHaveLength(3);
    const rest = await client.send(
      new iot.ListThingGroupsCommand({ maxResults: 3, nextToken: page.nextToken }),
    );
    expect(rest.thingGroups).toEqual([{ groupName: 'plant-a', groupArn: arn('plant-a') }]);
    expect(rest.nextToken).toBeUndefined();
  });

  it('adds and removes things by name or ARN, and lists members (with child groups) and a thing’s groups', async () => {
    const { client } = fixture;
    await createHierarchy();
    for (const thingName of ['pump-1', 'pump-2', 'pump-3'])
      await client.send(new iot.CreateThingCommand({ thingName }));
    await client.send(
      new iot.AddThingToThingGroupCommand({ thingName: 'pump-1', thingGroupName: 'plant-a' }),
    );
    await client.send(
      new iot.AddThingToThingGroupCommand({
        thingArn: 'arn:aws:iot:us-east-1:000000000000:thing/pump-2',
        thingGroupArn: arn('line-1'),
      }),
    );
    await client.send(new iot.AddThingToThingGroupCommand({ thingName: 'pump-3', thingGroupName: 'asia' }));
    await client.send(new iot.AddThingToThingGroupCommand({ thingName: 'pump-1', thingGroupName: 'asia' }));

    const members = async (thingGroupName: string, recursive?: boolean) =>
      (await client.send(new iot.ListThingsInThingGroupCommand({ thingGroupName, recursive }))).things;
    expect(await members('plant-a')).toEqual(['pump-1']);
    expect(await members('europe', true)).toEqual(['pump-1', 'pump-2']);
    expect(await members('europe')).toEqual([]);

    const groupsOfPump1 = await client.send(new iot.ListThingGroupsForThingCommand({ thingName: 'pump-1' }));
    expect(groupsOfPump1.thingGroups).toEqual([
      { groupName: 'asia', groupArn: arn('asia') },
      { groupName: 'plant-a', groupArn: arn('plant-a') },
    ]);

    await client.send(
      new iot.RemoveThingFromThingGroupCommand({ thingName: 'pump-1', thingGroupName: 'asia' }),
    );
    await client.send(
      new iot.RemoveThingFromThingGroupCommand({ thingName: 'pump-1', thingGroupName: 'asia' }),
    );
    expect(await members('asia')).toEqual(['pump-3']);

    const unknownThing = await rejectionOf(
      client.send(new iot.AddThingToThingGroupCommand({ thingName: 'ghost', thingGroupName: 'asia' })),
    );
    expect(unknownThing.name).toBe('ResourceNotFoundException');
    expect(unknownThing.message).toContain('Thing "ghost" not found');
  });

  it('updates group attributes with a version check and deletes only groups without children', async () => {
    const { client } = fixture;
    await createHierarchy();
    const updated = await client.send(
      new iot.UpdateThingGroupCommand({
        thingGroupName: 'plant-a',
        expectedVersion: 1,
        thingGroupProperties: {
          thingGroupDescription: 'Plant A',
          attributePayload: { attributes: { city: 'Lyon' } },
        },
      }),
    );
    expect(updated.version).toBe(2);
    const stale = await rejectionOf(
      client.send(
        new iot.UpdateThingGroupCommand({
          thingGroupName: 'plant-a',
          expectedVersion: 1,
          thingGroupProperties: {},
        }),
      ),
    );
    expect(stale.name).toBe('VersionConflictException');
    expect(stale.$metadata.httpStatusCode).toBe(409);

    const withChildren = await rejectionOf(
      client.send(new iot.DeleteThingGroupCommand({ thingGroupName: 'plant-a' })),
    );
    expect(withChildren.name).toBe('InvalidRequestException');
    expect(withChildren.message).toContain('line-1');

    await client.send(new iot.CreateThingCommand({ thingName: 'pump-1' }));
    await client.send(new iot.AddThingToThingGroupCommand({ thingName: 'pump-1', thingGroupName: 'line-1' }));
    await client.send(new iot.DeleteThingGroupCommand({ thingGroupName: 'line-1' }));
    await client.send(new iot.DeleteThingGroupCommand({ thingGroupName: 'line-1' }));
    expect(
      (await client.send(new iot.ListThingGroupsForThingCommand({ thingName: 'pump-1' }))).thingGroups,
    ).toEqual([]);
  });

  it('notifies registry listeners of group and membership changes made over HTTP', async () => {
    const changes: RegistryChange[] = [];
    fixture.registry.onChange((change) => changes.push(change));
    const { client } = fixture;
    await client.send(new iot.CreateThingGroupCommand({ thingGroupName: 'asia' }));
    await client.send(new iot.CreateThingCommand({ thingName: 'pump-1' }));
    await client.send(new iot.AddThingToThingGroupCommand({ thingName: 'pump-1', thingGroupName: 'asia' }));
    await client.send(
      new iot.UpdateThingGroupCommand({
        thingGroupName: 'asia',
        thingGroupProperties: { thingGroupDescription: 'x' },
      }),
    );
    expect(changes.map((c) => `${c.eventType}:${c.operation}`)).toEqual([
      'THING_GROUP_EVENT:CREATED',
      'THING_EVENT:CREATED',
      'THING_GROUP_MEMBERSHIP_EVENT:ADDED',
      'THING_GROUP_EVENT:UPDATED',
    ]);
  });
});
