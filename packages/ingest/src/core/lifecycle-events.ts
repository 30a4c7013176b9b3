// AWS IoT Core lifecycle events as pure data: the topics and JSON documents the broker publishes when a
// client connects, disconnects, subscribes or unsubscribes (life-cycle-events.html).

/** Why a connection ended, as AWS's `disconnectReason` (life-cycle-events.html, DisconnectReasonValue). */
export type DisconnectReason =
  | 'AUTH_ERROR'
  | 'CLIENT_INITIATED_DISCONNECT'
  | 'CLIENT_ERROR'
  | 'CONNECTION_LOST'
  | 'DUPLICATE_CLIENTID'
  | 'FORBIDDEN_ACCESS'
  | 'MQTT_KEEP_ALIVE_TIMEOUT'
  | 'SERVER_ERROR'
  | 'SERVER_INITIATED_DISCONNECT'
  | 'THROTTLED'
  | 'WEBSOCKET_TTL_EXPIRATION'
  | 'CUSTOMAUTH_TTL_EXPIRATION'
  | 'UNKNOWN'
  | 'NONE';

/** What identifies one connection in every event it causes. */
export interface LifecycleSession {
  readonly clientId: string;
  /** One id per connection; AWS shows 32 hex characters. */
  readonly sessionIdentifier: string;
  /** The authenticated identity (a certificate id on AWS). */
  readonly principalIdentifier: string;
  /** The same on a connect and its matching disconnect; may skip values. */
  readonly versionNumber: number;
}

export interface ConnectedEvent extends LifecycleSession {
  readonly eventType: 'connected';
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly ipAddress: string;
}

export interface DisconnectedEvent extends LifecycleSession {
  readonly eventType: 'disconnected';
  readonly timestamp: number;
  readonly clientInitiatedDisconnect: boolean;
  readonly disconnectReason: DisconnectReason;
}

export interface SubscriptionEvent {
  readonly eventType: 'subscribed' | 'unsubscribed';
  readonly clientId: string;
  readonly timestamp: number;
  readonly sessionIdentifier: string;
  readonly principalIdentifier: string;
  readonly topics: readonly string[];
}

export type LifecycleEvent = ConnectedEvent | DisconnectedEvent | SubscriptionEvent;

/** A lifecycle event and the reserved topic AWS publishes it on. */
export interface LifecycleMessage {
  readonly topic: string;
  readonly event: LifecycleEvent;
}

/** The reserved topic AWS publishes an event on: `$aws/events/presence/connected/<clientId>` etc. */
export function lifecycleTopicOf(event: LifecycleEvent): string {
  const kind =
    event.eventType === 'connected' || event.eventType === 'disconnected' ? 'presence' : 'subscriptions';
  return `$aws/events/${kind}/${event.eventType}/${event.clientId}`;
}

const messageOf = (event: LifecycleEvent): LifecycleMessage => ({ topic: lifecycleTopicOf(event), event });

export function connectedEvent(
  session: LifecycleSession,
  ipAddress: string,
  timestamp: number,
): LifecycleMessage {
  return messageOf({ ...sessionFields(session), eventType: 'connected', timestamp, ipAddress });
}

export function disconnectedEvent(
  session: LifecycleSession,
  disconnectReason: DisconnectReason,
  timestamp: number,
): LifecycleMessage {
  return messageOf({
    ...sessionFields(session),
    eventType: 'disconnected',
    timestamp,
    clientInitiatedDisconnect: disconnectReason === 'CLIENT_INITIATED_DISCONNECT',
    disconnectReason,
  });
}

export function subscriptionEvent(
  session: LifecycleSession,
  eventType: SubscriptionEvent['eventType'],
  topics: readonly string[],
  timestamp: number,
): LifecycleMessage {
  return messageOf({
    clientId: session.clientId,
    timestamp,
    eventType,
    sessionIdentifier: session.sessionIdentifier,
    principalIdentifier: session.principalIdentifier,
    topics: [...topics],
  });
}

/** AWS sends no lifecycle events for client ids containing `#` or `+` (life-cycle-events.html). */
export function clientIdHasLifecycleEvents(clientId: string): boolean {
  return !clientId.includes('#') && !clientId.includes('+');
}

const sessionFields = (session: LifecycleSession): LifecycleSession => ({
  clientId: session.clientId,
  sessionIdentifier: session.sessionIdentifier,
  principalIdentifier: session.principalIdentifier,
  versionNumber: session.versionNumber,
});
