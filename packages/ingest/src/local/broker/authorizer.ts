// The authorization hooks the IoT policy engine plugs into: one question per AWS IoT policy action
// (iot:Connect, iot:Publish, iot:RetainPublish, iot:Subscribe, iot:Receive; iot-policy-actions.html).

/** Who is asking: the MQTT client id and what the listener authenticated (e.g. the client certificate). */
export interface AuthorizationContext {
  readonly clientId: string;
  readonly principal?: unknown;
}

export interface AuthorizationDecision {
  readonly allowed: boolean;
  /** Why, in words an operator can act on; logged on a denial. */
  readonly reason: string;
}

type DecisionOrPromise = AuthorizationDecision | Promise<AuthorizationDecision>;

/** Every hook is optional; a missing hook allows. */
export interface BrokerAuthorizer {
  /** iot:Connect on `client/<clientId>`. */
  connect?(context: AuthorizationContext): DecisionOrPromise;
  /** iot:Publish on `topic/<topic>`. */
  publish?(
    context: AuthorizationContext,
    topic: string,
    message: { retain: boolean; qos: number },
  ): DecisionOrPromise;
  /** iot:RetainPublish on `topic/<topic>`, asked after publish allowed a message with the retain flag. */
  retainPublish?(context: AuthorizationContext, topic: string): DecisionOrPromise;
  /** iot:Subscribe on `topicfilter/<filter>`. */
  subscribe?(context: AuthorizationContext, filter: string): DecisionOrPromise;
  /**
   * iot:Receive on `topic/<topic>`, asked for every message delivered, so revoking it stops delivery on the
   * next message. Synchronous because aedes decides each delivery synchronously (authorizeForward).
   */
  receive?(context: AuthorizationContext, topic: string): AuthorizationDecision;
}
