// The device list's reading of IoT Core's own messages: which device a reserved topic is about, presence
// payloads, the connection state they fold into (life-cycle-events.html), and a shadow's summary.
import { describe, expect, it } from 'vitest';
import {
  connectionAfter,
  deviceChangeOf,
  presenceEventOf,
  shadowViewOf,
  type PresenceEvent,
} from '../src/core/index.js';

const presence = (event: Partial<PresenceEvent> & Pick<PresenceEvent, 'eventType'>): PresenceEvent => ({
  clientId: 'pump-1',
  timestamp: 1_000,
  sessionIdentifier: 'session-a',
  ...event,
});

describe('deviceChangeOf', () => {
  it('names the device of presence, classic shadow and thing registry topics', () => {
    expect(deviceChangeOf('$aws/events/presence/connected/pump-1')).toEqual({
      kind: 'presence',
      clientId: 'pump-1',
    });
    expect(deviceChangeOf('$aws/events/presence/disconnected/pump-1')?.kind).toBe('presence');
    expect(deviceChangeOf('$aws/things/pump-1/shadow/update/documents')).toEqual({
      kind: 'shadow',
      thingName: 'pump-1',
    });
    expect(deviceChangeOf('$aws/things/pump-1/shadow/delete/accepted')?.kind).toBe('shadow');
    expect(deviceChangeOf('$aws/events/thing/pump-1/updated')).toEqual({
      kind: 'registration',
      thingName: 'pump-1',
    });
  });

  it('ignores topics that change nothing the list shows', () => {
    for (const topic of [
      '$aws/things/pump-1/shadow/update/delta', // documents follows with the whole state
      '$aws/things/pump-1/shadow/name/config/update/documents', // a named shadow: the list shows the classic one
      '$aws/events/subscriptions/subscribed/pump-1',
      'dt/tributary/pump-1/telemetry',
    ]) {
      expect(deviceChangeOf(topic)).toBeUndefined();
    }
  });
});

describe('presenceEventOf', () => {
  it('reads a disconnected event as IoT Core publishes it', () => {
    const payload = JSON.stringify({
      clientId: 'pump-1',
      timestamp: 1_700_000_000_000,
      eventType: 'disconnected',
      sessionIdentifier: '00000000-0000-0000-0000-000000000000',
      principalIdentifier: 'abc',
      clientInitiatedDisconnect: false,
      disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT',
      versionNumber: 2,
    });
    expect(presenceEventOf(new TextEncoder().encode(payload))).toEqual({
      clientId: 'pump-1',
      timestamp: 1_700_000_000_000,
      eventType: 'disconnected',
      sessionIdentifier: '00000000-0000-0000-0000-000000000000',
      disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT',
    });
  });

  it('refuses what is not a presence event', () => {
    expect(presenceEventOf('not json')).toBeUndefined();
    expect(presenceEventOf('null')).toBeUndefined();
    expect(presenceEventOf(JSON.stringify({ clientId: 'x', eventType: 'subscribed', timestamp: 1 }))).toBe(
      undefined,
    );
  });
});

describe('connectionAfter', () => {
  it('turns connected, then disconnected with its reason and time', () => {
    const connected = connectionAfter(undefined, presence({ eventType: 'connected', timestamp: 1_000 }));
    expect(connected).toEqual({
      connected: true,
      sinceMs: 1_000,
      disconnectReason: null,
      sessionIdentifier: 'session-a',
    });
    expect(
      connectionAfter(
        connected,
        presence({ eventType: 'disconnected', timestamp: 2_000, disconnectReason: 'CONNECTION_LOST' }),
      ),
    ).toEqual({
      connected: false,
      sinceMs: 2_000,
      disconnectReason: 'CONNECTION_LOST',
      sessionIdentifier: 'session-a',
    });
  });

  it('stays connected when a taken-over connection reports its disconnect after the new one connected', () => {
    const old = connectionAfter(undefined, presence({ eventType: 'connected', timestamp: 1_000 }));
    const taken = connectionAfter(
      old,
      presence({ eventType: 'connected', timestamp: 5_000, sessionIdentifier: 'session-b' }),
    );
    const after = connectionAfter(
      taken,
      presence({ eventType: 'disconnected', timestamp: 5_001, disconnectReason: 'DUPLICATE_CLIENTID' }),
    );
    expect(after).toEqual(taken);
    expect(after.connected).toBe(true);
  });

  it('keeps the newer state when events arrive out of order', () => {
    const disconnected = connectionAfter(
      undefined,
      presence({
        eventType: 'disconnected',
        timestamp: 9_000,
        disconnectReason: 'CLIENT_INITIATED_DISCONNECT',
      }),
    );
    expect(connectionAfter(disconnected, presence({ eventType: 'connected', timestamp: 8_000 }))).toBe(
      disconnected,
    );
  });
});

describe('shadowViewOf', () => {
  it('shows the version, the reported state and the desired fields that differ from it', () => {
    expect(
      shadowViewOf({
        state: {
          desired: { mode: 'eco', interval: 10 },
          reported: { mode: 'boost', interval: 10 },
          delta: { mode: 'eco' },
        },
        version: 7,
        timestamp: 1,
      }),
    ).toEqual({ version: 7, reported: { mode: 'boost', interval: 10 }, delta: { mode: 'eco' } });
    // In sync: no delta section, or an empty one.
    expect(shadowViewOf({ state: { reported: { a: 1 }, delta: {} }, version: 1, timestamp: 1 })).toEqual({
      version: 1,
      reported: { a: 1 },
      delta: null,
    });
  });
});
