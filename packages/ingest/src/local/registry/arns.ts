// ARNs of registry resources, in IoT's format (arn:aws:iot:region:account:thing/name):
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiot.html#awsiot-resources-for-iam-policies
import { InvalidRequestError } from './errors.js';

export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

type ArnResource = 'thing' | 'thingtype' | 'thinggroup';

export const arnOf = (scope: ArnScope, resource: ArnResource, name: string): string =>
  `arn:aws:iot:${scope.region}:${scope.accountId}:${resource}/${name}`;

/** The name inside an ARN of this registry's region and account. */
export function nameFromArn(scope: ArnScope, resource: ArnResource, arn: string): string {
  const prefix = arnOf(scope, resource, '');
  if (!arn.startsWith(prefix) || arn.length === prefix.length) {
    throw new InvalidRequestError(
      `"${arn}" is not a ${resource} ARN of this registry: expected ${prefix}<name>`,
    );
  }
  return arn.slice(prefix.length);
}
