// Name and attribute rules of the AWS IoT registry, checked where requests enter (faults.md #29: names
// reach SQL and lake paths). Patterns and limits follow the IoT API reference (CreateThing, AttributePayload)
// and the IoT Device Management quotas.
import { thingNamePattern } from '@tributary/contracts';
import { InvalidRequestError, InvalidThingNameError, type RegistryResourceKind } from './errors.js';

/** Thing, thing type and thing group names share one pattern. */
const resourceNamePattern = /^[a-zA-Z0-9:_-]{1,128}$/;
const attributeNamePattern = /^[a-zA-Z0-9_.,@/:#=[\]-]{1,128}$/;
const attributeValuePattern = /^[a-zA-Z0-9_.,@/:#=[\]-]{0,800}$/;

/** Quotas: a thing without a type holds 3 attributes, with a type 50; a type has 3 searchable ones. */
export const maxAttributesWithoutThingType = 3;
export const maxAttributesWithThingType = 50;
export const maxSearchableAttributes = 3;
/** A static group hierarchy is at most 7 levels deep. */
export const maxThingGroupDepth = 7;

export function assertThingName(thingName: string): void {
  if (!thingNamePattern.test(thingName)) throw new InvalidThingNameError(thingName);
}

export function assertResourceName(kind: RegistryResourceKind, name: string): void {
  if (kind === 'Thing') return assertThingName(name);
  if (!resourceNamePattern.test(name)) {
    throw new InvalidRequestError(
      `Invalid ${kind.toLowerCase()} name "${name}": use 1-128 characters of [a-zA-Z0-9:_-]`,
    );
  }
}

export function assertAttributes(attributes: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (!attributeNamePattern.test(name)) {
      throw new InvalidRequestError(
        `Invalid attribute name "${name}": use 1-128 characters of [a-zA-Z0-9_.,@/:#=[]-]`,
      );
    }
    if (typeof value !== 'string' || !attributeValuePattern.test(value)) {
      throw new InvalidRequestError(
        `Invalid value for attribute "${name}": use a string of at most 800 characters of [a-zA-Z0-9_.,@/:#=[]-]`,
      );
    }
  }
}

export function assertAttributeCount(
  thingName: string,
  attributes: Readonly<Record<string, string>>,
  thingTypeName: string | null,
): void {
  const limit = thingTypeName === null ? maxAttributesWithoutThingType : maxAttributesWithThingType;
  const count = Object.keys(attributes).length;
  if (count > limit) {
    throw new InvalidRequestError(
      `Thing "${thingName}" would have ${count} attributes; the limit is ${limit} ` +
        (thingTypeName === null
          ? 'without a thing type: give it a thing type to allow 50'
          : 'with a thing type'),
    );
  }
}
