// The broker's authorizer for certificate-authenticated connections: the IoT policies attached to the
// device's certificate, evaluated as AWS IoT Core does (iot-policies.html) with the connection's thing
// context. A connection without a certificate comes from the plain development listener, which AWS has no
// equivalent of: it is allowed everything, and `tributary start --plain-mqtt off` turns it off.
import type { Logger } from '@tributary/contracts';
import {
  authorizationRequestFor,
  resourceOf,
  authorize,
  type AwsLocation,
  type BrokerOperation,
  type IotAuthorizationContext,
} from '../core/index.js';
import type { AuthorizationContext, AuthorizationDecision, BrokerAuthorizer } from './broker.js';
import type { CertificateRegistry } from './pki/certificate-registry.js';
import type { DevicePrincipal } from './pki/device-principal.js';
import type { LocalPolicyStore } from './policy-store.js';
import type { Thing } from './registry.js';

export interface PolicyAuthorizerOptions {
  readonly policies: LocalPolicyStore;
  /** Where a connection's certificate's policies are read again after AttachPolicy or DetachPolicy. */
  readonly certificates: Pick<CertificateRegistry, 'attachmentsOf' | 'policyAttachmentChanges'>;
  readonly things: { describeThing(thingName: string): Promise<Thing | undefined> };
  readonly location: AwsLocation;
  readonly logger: Logger;
}

const developmentListener: AuthorizationDecision = {
  allowed: true,
  reason: 'plain development listener: no certificate, no policies',
};

interface Connection {
  readonly principal: DevicePrincipal;
  readonly context: IotAuthorizationContext;
  /** The policies attached to the certificate, as of `policyChangesSeen`. */
  policyNames: readonly string[];
  policyChangesSeen: number;
  /**
   * Decisions by action and resource. The thing context is fixed for the connection's life (taken at
   * CONNECT); the policies are until one is attached or detached. So a device publishing the same topic
   * again gets the same answer without evaluating its policies again.
   */
  readonly decisions: Map<string, AuthorizationDecision>;
}

/** Distinct (action, resource) pairs remembered per connection; a device uses a handful. */
const maxDecisionsPerConnection = 64;

export function policyAuthorizer(options: PolicyAuthorizerOptions): BrokerAuthorizer {
  const { policies, certificates, things, location, logger } = options;
  // Resolved once at CONNECT; receive() must answer synchronously for every delivery.
  const connections = new WeakMap<object, Connection>();

  /** Remembered per (action, resource name), so a device publishing the same topic again builds no ARN. */
  const decide = (connection: Connection, operation: BrokerOperation): AuthorizationDecision => {
    // A policy attached or detached since: AWS applies it to connections already open, so do we.
    if (connection.policyChangesSeen !== certificates.policyAttachmentChanges) {
      connection.policyChangesSeen = certificates.policyAttachmentChanges;
      connection.policyNames =
        certificates.attachmentsOf(connection.principal.certificateId)?.policyNames ?? [];
      connection.decisions.clear();
    }
    const key = `${operation.action}\u0000${resourceOf(operation)[1]}`;
    const remembered = connection.decisions.get(key);
    if (remembered) return remembered;
    const request = authorizationRequestFor(operation, location);
    const decision = authorize(policies.policiesNamed(connection.policyNames), request, connection.context);
    if (!decision.allowed) {
      logger.warn('IoT policy denied', {
        clientId: connection.context.clientId,
        certificateId: connection.principal.certificateId,
        action: request.action,
        resource: request.resource,
        reason: decision.reason,
      });
    }
    if (connection.decisions.size >= maxDecisionsPerConnection) connection.decisions.clear();
    connection.decisions.set(key, decision);
    return decision;
  };

  const connectionOf = (context: AuthorizationContext): Connection | AuthorizationDecision => {
    if (context.principal === undefined) return developmentListener;
    const connection = connections.get(context.principal as object);
    return connection ?? { allowed: false, reason: 'the connection was not authorized at CONNECT' };
  };

  const check = (context: AuthorizationContext, operation: BrokerOperation): AuthorizationDecision => {
    const connection = connectionOf(context);
    return 'allowed' in connection ? connection : decide(connection, operation);
  };

  return {
    async connect({ clientId, principal }) {
      if (principal === undefined) return developmentListener;
      const device = principal as DevicePrincipal;
      // Thing variables resolve only for a thing the certificate is attached to whose name is the client id.
      const thing = device.thingNames.includes(clientId) ? await things.describeThing(clientId) : undefined;
      const context: IotAuthorizationContext = {
        ...location,
        clientId,
        certificate: { subject: device.subject, issuer: device.issuer },
        ...(thing
          ? {
              thing: {
                thingName: thing.thingName,
                attributes: thing.attributes,
                ...(thing.thingTypeName ? { thingTypeName: thing.thingTypeName } : {}),
              },
            }
          : {}),
      };
      const connection: Connection = {
        principal: device,
        context,
        // Read at the first decision, so a change between the TLS handshake and CONNECT counts too.
        policyNames: [],
        policyChangesSeen: -1,
        decisions: new Map(),
      };
      connections.set(device, connection);
      return decide(connection, { action: 'iot:Connect', clientId });
    },
    publish: (context, topic) => check(context, { action: 'iot:Publish', topic }),
    retainPublish: (context, topic) => check(context, { action: 'iot:RetainPublish', topic }),
    subscribe: (context, topicFilter) => check(context, { action: 'iot:Subscribe', topicFilter }),
    receive: (context, topic) => check(context, { action: 'iot:Receive', topic }),
  };
}
