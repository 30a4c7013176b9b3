// AWS IoT registry events as pure data: a committed registry change becomes the reserved topic and the JSON
// document IoT publishes for it, when its event type is enabled with UpdateEventConfigurations.
// https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html (topics and payload fields)
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-events.html#iot-events-enable (off by default)

/** Every key of UpdateEventConfigurations' `eventConfigurations` (the IoT API's EventType). */
export const iotEventTypes = [
  'THING',
  'THING_GROUP',
  'THING_TYPE',
  'THING_GROUP_MEMBERSHIP',
  'THING_GROUP_HIERARCHY',
  'THING_TYPE_ASSOCIATION',
  'JOB',
  'JOB_EXECUTION',
  'POLICY',
  'CERTIFICATE',
  'CA_CERTIFICATE',
] as const;
export type IotEventType = (typeof iotEventTypes)[number];

/** The event types the registry publishes; the local registry publishes all of them. */
export const registryEventTypes = [
  'THING',
  'THING_TYPE',
  'THING_TYPE_ASSOCIATION',
  'THING_GROUP',
  'THING_GROUP_MEMBERSHIP',
  'THING_GROUP_HIERARCHY',
] as const satisfies readonly IotEventType[];
export type RegistryEventType = (typeof registryEventTypes)[number];

/**
 * The event types tributary turns on, on AWS (DeviceRegistryStack) and locally (the platform start): all
 * registry events, because a device's enrichment context (attributes, type, groups) changes through any of
 * them and rules on `$aws/events/...` are how a deployment reacts to that.
 */
export const tributaryEventTypes: readonly RegistryEventType[] = registryEventTypes;

/** UpdateEventConfigurations' `eventConfigurations` that switch `eventTypes` on (or off). */
export const eventConfigurationsOf = (
  eventTypes: readonly IotEventType[],
  enabled: boolean,
): Partial<Record<IotEventType, { readonly Enabled: boolean }>> =>
  Object.fromEntries(eventTypes.map((eventType) => [eventType, { Enabled: enabled }]));

export type ResourceOperation = 'CREATED' | 'UPDATED' | 'DELETED';
export type MembershipOperation = 'ADDED' | 'REMOVED';

/** The fields of a thing an event reports (the registry's Thing record has them). */
export interface ThingSnapshot {
  readonly thingName: string;
  readonly thingId: string;
  readonly thingArn: string;
  readonly thingTypeName: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly version: number;
}

export interface ThingTypeSnapshot {
  readonly thingTypeName: string;
  readonly thingTypeId: string;
  readonly thingTypeProperties: {
    readonly thingTypeDescription: string | null;
    readonly searchableAttributes: readonly string[];
  };
  readonly thingTypeMetadata: { readonly deprecated: boolean; readonly deprecationDate: Date | null };
}

export interface ThingGroupSnapshot {
  readonly thingGroupName: string;
  readonly thingGroupId: string;
  readonly thingGroupArn: string;
  readonly version: number;
  readonly thingGroupProperties: {
    readonly thingGroupDescription: string | null;
    readonly attributePayload: { readonly attributes: Readonly<Record<string, string>> };
  };
  readonly thingGroupMetadata: {
    readonly parentGroupName: string | null;
    /** From the root down to the direct parent. */
    readonly rootToParentThingGroups: readonly { readonly groupName: string; readonly groupArn: string }[];
  };
}

/** A committed registry change, with the records as they are after it (or were, for a deletion). */
export type RegistryChange =
  | {
      readonly eventType: 'THING_EVENT';
      readonly operation: ResourceOperation;
      readonly thing: ThingSnapshot;
    }
  | {
      readonly eventType: 'THING_TYPE_EVENT';
      readonly operation: ResourceOperation;
      readonly thingType: ThingTypeSnapshot;
    }
  | {
      readonly eventType: 'THING_TYPE_ASSOCIATION_EVENT';
      readonly operation: 'CREATED' | 'DELETED';
      readonly thing: ThingSnapshot;
      /** The type the thing gained (CREATED) or lost (DELETED). */
      readonly thingTypeName: string;
    }
  | {
      readonly eventType: 'THING_GROUP_EVENT';
      readonly operation: ResourceOperation;
      readonly thingGroup: ThingGroupSnapshot;
      readonly parentGroupId: string | null;
    }
  | {
      readonly eventType: 'THING_GROUP_MEMBERSHIP_EVENT';
      readonly operation: MembershipOperation;
      readonly thing: ThingSnapshot;
      readonly thingGroup: ThingGroupSnapshot;
      /** Generated when the thing was added to the group. */
      readonly membershipId: string;
    }
  | {
      readonly eventType: 'THING_GROUP_HIERARCHY_EVENT';
      readonly operation: MembershipOperation;
      readonly parentGroup: ThingGroupSnapshot;
      readonly childGroup: ThingGroupSnapshot;
    };

/** What every event carries besides the change: AWS makes a fresh id per event. */
export interface RegistryEventStamp {
  readonly accountId: string;
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

export interface RegistryEventMessage {
  /** The event configuration that must be enabled for IoT to publish this message. */
  readonly eventConfiguration: RegistryEventType;
  readonly topic: string;
  readonly event: Readonly<Record<string, unknown>>;
}

const eventConfigurationOf: Record<RegistryChange['eventType'], RegistryEventType> = {
  THING_EVENT: 'THING',
  THING_TYPE_EVENT: 'THING_TYPE',
  THING_TYPE_ASSOCIATION_EVENT: 'THING_TYPE_ASSOCIATION',
  THING_GROUP_EVENT: 'THING_GROUP',
  THING_GROUP_MEMBERSHIP_EVENT: 'THING_GROUP_MEMBERSHIP',
  THING_GROUP_HIERARCHY_EVENT: 'THING_GROUP_HIERARCHY',
};

/** The topic and document IoT publishes for `change` (registry-events.html). */
export function registryEventOf(change: RegistryChange, stamp: RegistryEventStamp): RegistryEventMessage {
  const eventConfiguration = eventConfigurationOf[change.eventType];
  const { topic, fields } = topicAndFieldsOf(change);
  const common = { eventType: change.eventType, eventId: stamp.eventId, timestamp: stamp.timestamp };
  // THING_TYPE_ASSOCIATION_EVENT is the one document without accountId.
  const account = change.eventType === 'THING_TYPE_ASSOCIATION_EVENT' ? {} : { accountId: stamp.accountId };
  return {
    eventConfiguration,
    topic,
    event: { ...common, operation: change.operation, ...account, ...fields },
  };
}

function topicAndFieldsOf(change: RegistryChange): { topic: string; fields: Record<string, unknown> } {
  const verb = change.operation.toLowerCase();
  switch (change.eventType) {
    case 'THING_EVENT':
      return {
        topic: `$aws/events/thing/${change.thing.thingName}/${verb}`,
        fields: {
          thingId: change.thing.thingId,
          thingName: change.thing.thingName,
          versionNumber: change.thing.version,
          thingTypeName: change.thing.thingTypeName,
          attributes: change.thing.attributes,
        },
      };
    case 'THING_TYPE_EVENT': {
      const { thingType } = change;
      return {
        topic: `$aws/events/thingType/${thingType.thingTypeName}/${verb}`,
        fields: {
          thingTypeId: thingType.thingTypeId,
          thingTypeName: thingType.thingTypeName,
          isDeprecated: thingType.thingTypeMetadata.deprecated,
          deprecationDate: thingType.thingTypeMetadata.deprecationDate?.getTime() ?? null,
          searchableAttributes: thingType.thingTypeProperties.searchableAttributes,
          description: thingType.thingTypeProperties.thingTypeDescription,
        },
      };
    }
    case 'THING_TYPE_ASSOCIATION_EVENT':
      return {
        topic: `$aws/events/thingTypeAssociation/thing/${change.thing.thingName}/${change.thingTypeName}`,
        fields: {
          thingId: change.thing.thingId,
          thingName: change.thing.thingName,
          thingTypeName: change.thingTypeName,
        },
      };
    case 'THING_GROUP_EVENT':
      return {
        topic: `$aws/events/thingGroup/${change.thingGroup.thingGroupName}/${verb}`,
        fields: thingGroupFields(change.thingGroup, change.parentGroupId),
      };
    case 'THING_GROUP_MEMBERSHIP_EVENT':
      return {
        topic: `$aws/events/thingGroupMembership/thingGroup/${change.thingGroup.thingGroupName}/thing/${change.thing.thingName}/${verb}`,
        fields: {
          groupArn: change.thingGroup.thingGroupArn,
          groupId: change.thingGroup.thingGroupId,
          thingArn: change.thing.thingArn,
          thingId: change.thing.thingId,
          membershipId: change.membershipId,
        },
      };
    case 'THING_GROUP_HIERARCHY_EVENT':
      return {
        topic: `$aws/events/thingGroupHierarchy/thingGroup/${change.parentGroup.thingGroupName}/childThingGroup/${change.childGroup.thingGroupName}/${verb}`,
        fields: {
          thingGroupId: change.parentGroup.thingGroupId,
          thingGroupName: change.parentGroup.thingGroupName,
          childGroupId: change.childGroup.thingGroupId,
          childGroupName: change.childGroup.thingGroupName,
        },
      };
  }
}

function thingGroupFields(group: ThingGroupSnapshot, parentGroupId: string | null): Record<string, unknown> {
  const ancestors = group.thingGroupMetadata.rootToParentThingGroups;
  return {
    thingGroupId: group.thingGroupId,
    thingGroupName: group.thingGroupName,
    versionNumber: group.version,
    parentGroupName: group.thingGroupMetadata.parentGroupName,
    parentGroupId,
    description: group.thingGroupProperties.thingGroupDescription,
    // Despite its name the event lists the parent first and the root last, null for a root group.
    rootToParentThingGroups:
      ancestors.length === 0
        ? null
        : [...ancestors].reverse().map(({ groupName, groupArn }) => ({ groupName, groupArn })),
    attributes: group.thingGroupProperties.attributePayload.attributes,
  };
}
