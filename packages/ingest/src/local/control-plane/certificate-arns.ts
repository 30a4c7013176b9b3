// Certificates as the IoT API names them in principals and policy targets: by ARN,
// `arn:aws:iot:<region>:<account>:cert/<certificateId>`.
import type { AwsLocation } from '../../core/index.js';
import { InvalidRequestError } from '../registry/index.js';

/** The function that names a certificate by its ARN in the given account and region. */
export const certificateArnsIn =
  (location: AwsLocation) =>
  (certificateId: string): string =>
    `arn:${location.partition ?? 'aws'}:iot:${location.region}:${location.account}:cert/${certificateId}`;

/** The certificate id a principal or target names: a certificate ARN (or, leniently, a bare certificate id). */
export function certificateIdOfPrincipal(principal: string | undefined): string {
  const id = principal?.split(':cert/').pop() ?? '';
  if (!/^[0-9a-fA-F]{64}$/.test(id)) {
    throw new InvalidRequestError(`"${principal ?? ''}" is not a certificate ARN: pass the certificateArn`);
  }
  return id;
}
