// The IoT Core messages that change a device-list row, read from their AWS reserved topics and payloads (the
// same messages topic rules see, locally and on AWS), and a device's connection state folded from its
// presence events. Pure.
// https://docs.aws.amazon.com/iot/latest/developerguide/life-cycle-events.html
// https://docs.aws.amazon.com/iot/latest/developerguide/device-shadow-mqtt.html
// https://docs.aws.amazon.com/iot/latest/developerguide/registry-events.html
import type { DeviceConnection } from './device-directory.js';

export type DeviceChange =
  /** `$aws/events/presence/connected|disconnected/<clientId>` */
  | { readonly kind: 'presence'; readonly clientId: string }
  /** `$aws/things/<thing>/shadow/update/documents` or `…/delete/accepted` (the classic shadow) */
  | { readonly kind: 'shadow'; readonly thingName: string }
  /** `$aws/events/thing/<thing>/created|updated|deleted` */
  | { readonly kind: 'registration'; readonly thingName: string };

const presenceTopic = /^\$aws\/events\/presence\/(?:connected|disconnected)\/(.+)$/;
const classicShadowChangeTopic = /^\$aws\/things\/([^/]+)\/shadow\/(?:update\/documents|delete\/accepted)$/;
const thingEventTopic = /^\$aws\/events\/thing\/([^/]+)\/(?:created|updated|deleted)$/;

/** Which device `topic` reports a change of, if any. */
export function deviceChangeOf(topic: string): DeviceChange | undefined {
  const presence = presenceTopic.exec(topic);
  if (presence) return { kind: 'presence', clientId: presence[1]! };
  const shadow = classicShadowChangeTopic.exec(topic);
  if (shadow) return { kind: 'shadow', thingName: shadow[1]! };
  const thing = thingEventTopic.exec(topic);
  if (thing) return { kind: 'registration', thingName: thing[1]! };
  return undefined;
}

/** The fields of a presence event the list uses. */
export interface PresenceEvent {
  readonly clientId: string;
  readonly eventType: 'connected' | 'disconnected';
  readonly timestamp: number;
  readonly sessionIdentifier: string;
  readonly disconnectReason?: string;
}

/** A presence event's JSON payload, or undefined when it is not one. */
export function presenceEventOf(payload: Uint8Array | string): PresenceEvent | undefined {
  let event: unknown;
  try {
    event = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
  } catch {
    return undefined; // not JSON: not a lifecycle event the broker published
  }
  if (event === null || typeof event !== 'object') return undefined;
  const { clientId, eventType, timestamp, sessionIdentifier, disconnectReason } = event as Record<
    string,
    unknown
  >;
  if (typeof clientId !== 'string' || typeof timestamp !== 'number' || typeof sessionIdentifier !== 'string')
    return undefined;
  if (eventType !== 'connected' && eventType !== 'disconnected') return undefined;
  return {
    clientId,
    eventType,
    timestamp,
    sessionIdentifier,
    ...(typeof disconnectReason === 'string' ? { disconnectReason } : {}),
  };
}

/**
 * The connection state after `event`. When a client connects with a client id already in use, AWS
 * disconnects the older connection (DUPLICATE_CLIENTID) and its disconnected event may arrive after the
 * new connection's connected event: a disconnect of another connection than the current one is ignored.
 */
export function connectionAfter(
  previous: DeviceConnection | undefined,
  event: PresenceEvent,
): DeviceConnection {
  const staleDisconnect =
    event.eventType === 'disconnected' &&
    previous?.connected === true &&
    previous.sessionIdentifier !== event.sessionIdentifier;
  if (staleDisconnect || (previous && event.timestamp < previous.sinceMs)) return previous!;
  return {
    connected: event.eventType === 'connected',
    sinceMs: event.timestamp,
    disconnectReason: event.eventType === 'disconnected' ? (event.disconnectReason ?? null) : null,
    sessionIdentifier: event.sessionIdentifier,
  };
}
