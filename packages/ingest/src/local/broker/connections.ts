// What the broker knows about each connection beyond aedes's client: who it is (the principal handed in
// by the listener), the ids its lifecycle events carry, the subscriptions it holds and why it ended.
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Client } from 'aedes';
import type { DisconnectReason, LifecycleSession } from '../../core/lifecycle-events.js';
import type { AuthorizationContext } from './authorizer.js';

export interface ConnectionState {
  readonly principal: unknown;
  readonly principalIdentifier: string;
  readonly ipAddress: string;
  readonly sessionIdentifier: string;
  readonly versionNumber: number;
  /** Filters granted on this connection, counted against the per-connection subscription limit. */
  readonly subscriptionFilters: Set<string>;
  /** The first cause of the disconnect wins; later errors are consequences of it. */
  disconnectReason: DisconnectReason | undefined;
  /** QoS 1 messages sent to this connection and not yet acknowledged (PUBACK). */
  unacknowledgedOutbound: number;
}

/** The parts of aedes's Client (lib/client.js, aedes 1.2) that its typings leave out. */
export interface AedesClientInternals {
  readonly subscriptions: Record<string, { qos: number }>;
  readonly _parser: EventEmitter;
  /** Set when the client sent DISCONNECT (lib/handlers/index.js). */
  readonly _disconnected: boolean;
}

export const internalsOf = (client: Client): AedesClientInternals =>
  client as unknown as AedesClientInternals;

export class ConnectionRegistry {
  private readonly states = new WeakMap<Client, ConnectionState>();
  // One counter for the broker: the same value on a connect and its disconnect, and AWS allows gaps.
  private nextVersionNumber = 0;

  attach(client: Client, principal: unknown, principalIdentifier: string, ipAddress: string): void {
    this.states.set(client, {
      principal,
      principalIdentifier,
      ipAddress,
      sessionIdentifier: randomUUID().replaceAll('-', ''),
      versionNumber: this.nextVersionNumber++,
      subscriptionFilters: new Set(),
      disconnectReason: undefined,
      unacknowledgedOutbound: 0,
    });
  }

  stateOf(client: Client): ConnectionState | undefined {
    return this.states.get(client);
  }

  contextOf(client: Client | null, clientId: string): AuthorizationContext {
    const state = client ? this.states.get(client) : undefined;
    return { clientId, principal: state?.principal };
  }

  sessionOf(client: Client): LifecycleSession | undefined {
    const state = this.states.get(client);
    if (!state) return undefined;
    return {
      clientId: client.id,
      sessionIdentifier: state.sessionIdentifier,
      principalIdentifier: state.principalIdentifier,
      versionNumber: state.versionNumber,
    };
  }

  noteDisconnectReason(client: Client, reason: DisconnectReason): void {
    const state = this.states.get(client);
    if (state && state.disconnectReason === undefined) state.disconnectReason = reason;
  }

  disconnectReasonOf(client: Client): DisconnectReason {
    const noted = this.states.get(client)?.disconnectReason;
    if (noted) return noted;
    return internalsOf(client)._disconnected ? 'CLIENT_INITIATED_DISCONNECT' : 'CONNECTION_LOST';
  }
}
