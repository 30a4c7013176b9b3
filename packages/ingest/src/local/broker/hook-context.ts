// What every aedes hook of the broker needs to decide: the settings, the connection registry, the
// authorizer and a logger.
import type { Logger } from '@tributary/contracts';
import type { AuthorizationDecision, BrokerAuthorizer } from './authorizer.js';
import type { ConnectionRegistry } from './connections.js';
import type { BrokerSettings } from './options.js';

export interface HookContext {
  readonly settings: BrokerSettings;
  readonly connections: ConnectionRegistry;
  readonly authorizer: BrokerAuthorizer | undefined;
  readonly logger: Logger;
}

/** Asks one authorizer hook; a missing hook allows. */
export async function decide(
  ask: (() => AuthorizationDecision | Promise<AuthorizationDecision>) | undefined,
): Promise<AuthorizationDecision> {
  return ask ? ask() : { allowed: true, reason: 'no authorizer hook for this action' };
}
