// Which resource ARN each broker operation is authorized against (iot-action-resources.html).
// AWS checks more than one action for some operations; the broker asks for each:
// - every operation of a connection needs iot:Connect to have succeeded first ("iot:Publish also needs
//   iot:Connect": the broker authorizes CONNECT before anything else);
// - a PUBLISH with the RETAIN flag needs iot:Publish and iot:RetainPublish on the same topic;
// - iot:Receive is checked for every message delivered, so a policy change cuts existing subscriptions.
import type { IotAction } from './actions.js';
import type { AwsLocation } from './context.js';

export type IotResourceKind = 'client' | 'topic' | 'topicfilter' | 'thing';

export function iotResourceArn(kind: IotResourceKind, name: string, location: AwsLocation): string {
  return `arn:${location.partition ?? 'aws'}:iot:${location.region}:${location.account}:${kind}/${name}`;
}

export interface AuthorizationRequest {
  readonly action: IotAction;
  /** The full resource ARN. */
  readonly resource: string;
}

export type BrokerOperation =
  | { readonly action: 'iot:Connect'; readonly clientId: string }
  | { readonly action: 'iot:Publish' | 'iot:Receive' | 'iot:RetainPublish'; readonly topic: string }
  | { readonly action: 'iot:Subscribe'; readonly topicFilter: string }
  | {
      readonly action: 'iot:GetThingShadow' | 'iot:UpdateThingShadow' | 'iot:DeleteThingShadow';
      readonly thingName: string;
      /** Omitted for the classic (unnamed) shadow. */
      readonly shadowName?: string;
    }
  | { readonly action: 'iot:ListNamedShadowsForThing'; readonly thingName: string };

export function authorizationRequestFor(
  operation: BrokerOperation,
  location: AwsLocation,
): AuthorizationRequest {
  return { action: operation.action, resource: iotResourceArn(...resourceOf(operation), location) };
}

/** The kind and name of the resource an operation is authorized against. */
export function resourceOf(operation: BrokerOperation): [IotResourceKind, string] {
  switch (operation.action) {
    case 'iot:Connect':
      return ['client', operation.clientId];
    case 'iot:Publish':
    case 'iot:Receive':
    case 'iot:RetainPublish':
      return ['topic', operation.topic];
    case 'iot:Subscribe':
      return ['topicfilter', operation.topicFilter];
    case 'iot:GetThingShadow':
    case 'iot:UpdateThingShadow':
    case 'iot:DeleteThingShadow':
      return [
        'thing',
        operation.shadowName === undefined
          ? operation.thingName
          : `${operation.thingName}/${operation.shadowName}`,
      ];
    case 'iot:ListNamedShadowsForThing':
      return ['thing', operation.thingName];
  }
}
