// Shared fixtures: one account/region, a thing "pump-7" whose certificate is attached, and helpers to
// ask for a decision the way the broker will.
import {
  authorizationRequestFor,
  authorize,
  parseIotPolicy,
  type AttachedThing,
  type BrokerOperation,
  type CompiledIotPolicy,
  type IotAuthorizationContext,
} from '../../src/core/iot-policy/index.js';

export const location = { region: 'eu-west-1', account: '123456789012' } as const;
export const arnPrefix = 'arn:aws:iot:eu-west-1:123456789012';

export const pump7: AttachedThing = {
  thingName: 'pump-7',
  thingTypeName: 'environment-sensor',
  attributes: { site: 'plant-north' },
};

/** A connection whose certificate is attached to `thing` and whose client id is the thing's name. */
export const attachedAs = (
  thing: AttachedThing = pump7,
  clientId = thing.thingName,
): IotAuthorizationContext => ({
  ...location,
  clientId,
  thing,
});

/** A connection whose certificate is attached to no thing. */
export const unattached = (clientId: string): IotAuthorizationContext => ({ ...location, clientId });

export const policy = (statements: unknown[], name = 'test-policy'): CompiledIotPolicy =>
  parseIotPolicy(name, { Version: '2012-10-17', Statement: statements });

export const allow = (Action: string | string[], Resource: string | string[], Condition?: object) => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});

export const deny = (Action: string | string[], Resource: string | string[], Condition?: object) => ({
  ...allow(Action, Resource, Condition),
  Effect: 'Deny',
});

export const decide = (
  policies: CompiledIotPolicy | CompiledIotPolicy[],
  operation: BrokerOperation,
  context: IotAuthorizationContext,
) => authorize([policies].flat(), authorizationRequestFor(operation, context), context);

export const allowed = (
  policies: CompiledIotPolicy | CompiledIotPolicy[],
  operation: BrokerOperation,
  context: IotAuthorizationContext,
) => decide(policies, operation, context).allowed;
