// The registry's records and requests, named and shaped like @aws-sdk/client-iot's so code moves between
// the local registry and IoT unchanged. Absent optional values are null in records (not undefined).
import type { ThingGroupSnapshot, ThingSnapshot, ThingTypeSnapshot } from '../../core/registry-events.js';

/** What DescribeThing returns: the snapshot registry events carry, and the default client id. */
export interface Thing extends ThingSnapshot {
  /** AWS sets it to the thing name. */
  readonly defaultClientId: string;
}

export interface AttributePayload {
  readonly attributes?: Readonly<Record<string, string>>;
  /** Merge into the stored attributes (an empty value removes one) instead of replacing them all. */
  readonly merge?: boolean;
}

export interface CreateThingRequest {
  readonly thingName: string;
  readonly thingTypeName?: string;
  /** Shorthand kept for the first callers; `attributePayload.attributes` wins when both are given. */
  readonly attributes?: Readonly<Record<string, string>>;
  readonly attributePayload?: AttributePayload;
}

export interface UpdateThingRequest {
  readonly thingName: string;
  readonly thingTypeName?: string;
  readonly attributePayload?: AttributePayload;
  readonly expectedVersion?: number;
  readonly removeThingType?: boolean;
}

export interface DeleteRequest {
  readonly expectedVersion?: number;
}

export interface PageRequest {
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface ListThingsRequest extends PageRequest {
  readonly attributeName?: string;
  readonly attributeValue?: string;
  readonly usePrefixAttributeValue?: boolean;
  readonly thingTypeName?: string;
}

/** What DescribeThingType returns: the snapshot registry events carry, and its ARN and creation date. */
export interface ThingType extends ThingTypeSnapshot {
  readonly thingTypeArn: string;
  readonly thingTypeMetadata: ThingTypeSnapshot['thingTypeMetadata'] & { readonly creationDate: Date };
}

export interface CreateThingTypeRequest {
  readonly thingTypeName: string;
  readonly thingTypeProperties?: {
    readonly thingTypeDescription?: string;
    readonly searchableAttributes?: readonly string[];
  };
}

export interface ListThingTypesRequest extends PageRequest {
  readonly thingTypeName?: string;
}

export interface GroupNameAndArn {
  readonly groupName: string;
  readonly groupArn: string;
}

/** What DescribeThingGroup returns: the snapshot registry events carry, and its creation date. */
export interface ThingGroup extends ThingGroupSnapshot {
  readonly thingGroupMetadata: ThingGroupSnapshot['thingGroupMetadata'] & { readonly creationDate: Date };
}

export interface ThingGroupPropertiesInput {
  readonly thingGroupDescription?: string;
  readonly attributePayload?: AttributePayload;
}

export interface CreateThingGroupRequest {
  readonly thingGroupName: string;
  readonly parentGroupName?: string;
  readonly thingGroupProperties?: ThingGroupPropertiesInput;
}

export interface UpdateThingGroupRequest {
  readonly thingGroupName: string;
  readonly thingGroupProperties: ThingGroupPropertiesInput;
  readonly expectedVersion?: number;
}

export interface ListThingGroupsRequest extends PageRequest {
  readonly parentGroup?: string;
  readonly namePrefixFilter?: string;
  /** With `parentGroup`: all descendants instead of direct children. */
  readonly recursive?: boolean;
}

/** Names a thing and a group, by name or ARN, as AddThingToThingGroup and RemoveThingFromThingGroup do. */
export interface ThingGroupMembershipRequest {
  readonly thingGroupName?: string;
  readonly thingGroupArn?: string;
  readonly thingName?: string;
  readonly thingArn?: string;
}

export interface ListThingsInThingGroupRequest extends PageRequest {
  readonly thingGroupName: string;
  readonly recursive?: boolean;
}

export interface ListThingGroupsForThingRequest extends PageRequest {
  readonly thingName: string;
}

export type ThingPage = { readonly things: readonly Thing[]; readonly nextToken?: string };
export type ThingTypePage = { readonly thingTypes: readonly ThingType[]; readonly nextToken?: string };
export type GroupPage = { readonly thingGroups: readonly GroupNameAndArn[]; readonly nextToken?: string };
export type ThingNamePage = { readonly things: readonly string[]; readonly nextToken?: string };

/** What changed, after it is committed; the registry events core turns it into IoT's event message. */
export type { RegistryChange, ResourceOperation } from '../../core/registry-events.js';
