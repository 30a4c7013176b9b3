// Registry events as pure data: the topics and documents of registry-events.html for each kind of change.
import { describe, expect, it } from 'vitest';
import {
  eventConfigurationsOf,
  registryEventOf,
  tributaryEventTypes,
  type ThingGroupSnapshot,
  type ThingSnapshot,
} from '../../src/core/index.js';

const stamp = { accountId: '123456789012', eventId: 'e-1', timestamp: 1234567890123 };
const thing: ThingSnapshot = {
  thingName: 'pump-7',
  thingId: 't-7',
  thingArn: 'arn:aws:iot:eu-west-1:123456789012:thing/pump-7',
  thingTypeName: null,
  attributes: { site: 'north' },
  version: 2,
};
const group = (name: string, id: string, ancestors: string[] = []): ThingGroupSnapshot => ({
  thingGroupName: name,
  thingGroupId: id,
  thingGroupArn: `arn:aws:iot:eu-west-1:123456789012:thinggroup/${name}`,
  version: 1,
  thingGroupProperties: { thingGroupDescription: null, attributePayload: { attributes: {} } },
  thingGroupMetadata: {
    parentGroupName: ancestors.at(-1) ?? null,
    rootToParentThingGroups: ancestors.map((groupName) => ({
      groupName,
      groupArn: `arn:aws:iot:eu-west-1:123456789012:thinggroup/${groupName}`,
    })),
  },
});

describe('registry events (registry-events.html)', () => {
  it('publishes a thing change on $aws/events/thing/<name>/<operation> with the documented fields', () => {
    const message = registryEventOf({ eventType: 'THING_EVENT', operation: 'UPDATED', thing }, stamp);
    expect(message.eventConfiguration).toBe('THING');
    expect(message.topic).toBe('$aws/events/thing/pump-7/updated');
    expect(message.event).toEqual({
      eventType: 'THING_EVENT',
      eventId: 'e-1',
      timestamp: 1234567890123,
      operation: 'UPDATED',
      accountId: '123456789012',
      thingId: 't-7',
      thingName: 'pump-7',
      versionNumber: 2,
      thingTypeName: null,
      attributes: { site: 'north' },
    });
  });

  it('reports a thing type with its deprecation as epoch milliseconds', () => {
    const message = registryEventOf(
      {
        eventType: 'THING_TYPE_EVENT',
        operation: 'UPDATED',
        thingType: {
          thingTypeName: 'sensor',
          thingTypeId: 'tt-1',
          thingTypeProperties: { thingTypeDescription: 'A sensor', searchableAttributes: ['site'] },
          thingTypeMetadata: { deprecated: true, deprecationDate: new Date(1000) },
        },
      },
      stamp,
    );
    expect(message.topic).toBe('$aws/events/thingType/sensor/updated');
    expect(message.event).toMatchObject({
      eventType: 'THING_TYPE_EVENT',
      thingTypeId: 'tt-1',
      isDeprecated: true,
      deprecationDate: 1000,
      searchableAttributes: ['site'],
      description: 'A sensor',
    });
  });

  it('publishes a type association on thingTypeAssociation/thing/<thing>/<type>, without accountId', () => {
    const message = registryEventOf(
      { eventType: 'THING_TYPE_ASSOCIATION_EVENT', operation: 'DELETED', thing, thingTypeName: 'sensor' },
      stamp,
    );
    expect(message.topic).toBe('$aws/events/thingTypeAssociation/thing/pump-7/sensor');
    expect(message.event).toEqual({
      eventType: 'THING_TYPE_ASSOCIATION_EVENT',
      eventId: 'e-1',
      timestamp: 1234567890123,
      operation: 'DELETED',
      thingId: 't-7',
      thingName: 'pump-7',
      thingTypeName: 'sensor',
    });
  });

  it('lists a group’s ancestors from its parent up to the root, and null for a root group', () => {
    const child = registryEventOf(
      {
        eventType: 'THING_GROUP_EVENT',
        operation: 'CREATED',
        thingGroup: group('line-1', 'g-3', ['fleet', 'plant']),
        parentGroupId: 'g-2',
      },
      stamp,
    );
    expect(child.topic).toBe('$aws/events/thingGroup/line-1/created');
    expect(child.event).toMatchObject({
      thingGroupId: 'g-3',
      parentGroupName: 'plant',
      parentGroupId: 'g-2',
      versionNumber: 1,
      rootToParentThingGroups: [
        { groupName: 'plant', groupArn: 'arn:aws:iot:eu-west-1:123456789012:thinggroup/plant' },
        { groupName: 'fleet', groupArn: 'arn:aws:iot:eu-west-1:123456789012:thinggroup/fleet' },
      ],
    });
    const root = registryEventOf(
      {
        eventType: 'THING_GROUP_EVENT',
        operation: 'DELETED',
        thingGroup: group('fleet', 'g-1'),
        parentGroupId: null,
      },
      stamp,
    );
    expect(root.event).toMatchObject({
      parentGroupName: null,
      parentGroupId: null,
      rootToParentThingGroups: null,
    });
  });

  it('publishes membership and hierarchy changes on their documented topics with ids and ARNs', () => {
    const membership = registryEventOf(
      {
        eventType: 'THING_GROUP_MEMBERSHIP_EVENT',
        operation: 'REMOVED',
        thing,
        thingGroup: group('plant', 'g-2'),
        membershipId: 'm-1',
      },
      stamp,
    );
    expect(membership.topic).toBe('$aws/events/thingGroupMembership/thingGroup/plant/thing/pump-7/removed');
    expect(membership.event).toEqual({
      eventType: 'THING_GROUP_MEMBERSHIP_EVENT',
      eventId: 'e-1',
      timestamp: 1234567890123,
      operation: 'REMOVED',
      accountId: '123456789012',
      groupArn: 'arn:aws:iot:eu-west-1:123456789012:thinggroup/plant',
      groupId: 'g-2',
      thingArn: thing.thingArn,
      thingId: 't-7',
      membershipId: 'm-1',
    });
    const hierarchy = registryEventOf(
      {
        eventType: 'THING_GROUP_HIERARCHY_EVENT',
        operation: 'ADDED',
        parentGroup: group('fleet', 'g-1'),
        childGroup: group('plant', 'g-2', ['fleet']),
      },
      stamp,
    );
    expect(hierarchy.eventConfiguration).toBe('THING_GROUP_HIERARCHY');
    expect(hierarchy.topic).toBe(
      '$aws/events/thingGroupHierarchy/thingGroup/fleet/childThingGroup/plant/added',
    );
    expect(hierarchy.event).toMatchObject({
      thingGroupId: 'g-1',
      thingGroupName: 'fleet',
      childGroupId: 'g-2',
      childGroupName: 'plant',
    });
  });

  it('builds the UpdateEventConfigurations input that turns tributary’s event types on or off', () => {
    expect(eventConfigurationsOf(tributaryEventTypes, false)).toEqual(
      Object.fromEntries(tributaryEventTypes.map((type) => [type, { Enabled: false }])),
    );
    expect(Object.keys(eventConfigurationsOf(tributaryEventTypes, true))).toContain('THING');
  });
});
