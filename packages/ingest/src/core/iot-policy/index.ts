// AWS IoT policy evaluation as a pure function: parse a policy once, then ask whether a connection may
// connect, publish, subscribe, receive, retain or use a shadow — answered as AWS IoT Core answers it.
export { iotActions, type IotAction } from './actions.js';
export { authorize, type AuthorizationDecision } from './authorize.js';
export {
  certificateAttributes,
  certificateNamesFrom,
  type AttachedThing,
  type AwsLocation,
  type CertificateAttribute,
  type CertificateNames,
  type IotAuthorizationContext,
} from './context.js';
export { IotPolicyDocument, IotPolicyStatement } from './document.js';
export { InvalidIotPolicyError, UnsupportedPolicyFeatureError } from './errors.js';
export { parseIotPolicy, type CompiledIotPolicy, type CompiledStatement } from './parse.js';
export {
  authorizationRequestFor,
  iotResourceArn,
  resourceOf,
  type AuthorizationRequest,
  type BrokerOperation,
  type IotResourceKind,
} from './resources.js';
