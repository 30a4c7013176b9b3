// The local MQTT endpoint: aedes behind a packet guard, with AWS IoT Core's broker behaviour by default,
// on a TCP socket bound to 127.0.0.1. Other listeners (mTLS) hand their sockets in with a principal.
import { Aedes, type Client } from 'aedes';
import { once, type EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connectHooks } from './connect-checks.js';
import { ConnectQuotaGuard } from './connect-quota-guard.js';
import { ConnectionGate } from './connection-gate.js';
import { ConnectionRegistry } from './connections.js';
import { authorizeForwardHook } from './delivery-checks.js';
import { disconnectReasonOfError } from './disconnect-reasons.js';
import type { HookContext } from './hook-context.js';
import { openLevelPersistence, type BrokerPersistence } from './level-persistence.js';
import { publishLifecycleEvents } from './lifecycle-publisher.js';
import { brokerSettingsOf, type BrokerOptions, type BrokerProfile } from './options.js';
import { guardIncomingPackets } from './packet-guard.js';
import { discardOrphanedWills } from './orphaned-wills.js';
import { filterIncomingPackets } from './packet-filter.js';
import { PublishThrottle } from './publish-throttle.js';
import { authorizePublishHook } from './publish-checks.js';
import { RetainedMessageQuota, type RetainedMessageStore } from './retained-quota.js';
import { storeBeforeAcknowledging } from './store-before-acknowledge.js';
import { releaseDeliveriesToStalledClient } from './stalled-subscribers.js';
import { authorizeSubscribeHook } from './subscribe-checks.js';

export interface LocalBroker {
  readonly aedes: Aedes;
  readonly profile: BrokerProfile;
  readonly host: string;
  /** Caps open sockets; the plain listener applies it, and other listeners (mTLS) must too, at accept. */
  readonly connectionGate: ConnectionGate;
  /** The plain TCP listener's port; 0 when `listen` is false. */
  readonly port: number;
  /** `mqtt://host:port` of the plain TCP listener; '' when `listen` is false. */
  readonly url: string;
  /**
   * Serves an already-accepted connection (e.g. from the mTLS listener) with the packet guard, carrying
   * the principal the listener authenticated to every authorizer hook.
   * @param principalIdentifier what lifecycle events report as `principalIdentifier` (AWS: the
   *   certificate id). @default 'anonymous'
   */
  handleConnection(socket: Duplex, principal?: unknown, principalIdentifier?: string): void;
  close(): Promise<void>;
}

export async function startBroker(options: BrokerOptions): Promise<LocalBroker> {
  const host = options.host ?? '127.0.0.1';
  const settings = brokerSettingsOf(options);
  const logger = options.logger;
  const connections = new ConnectionRegistry();
  const context: HookContext = { settings, connections, authorizer: options.authorizer, logger };
  const publishThrottle = new PublishThrottle(settings.limits.maxPublishesPerSecondPerConnection, logger);
  const connectQuota = new ConnectQuotaGuard(settings.limits, logger);
  const connectionGate = new ConnectionGate(settings.limits, logger);
  const persistence: BrokerPersistence | undefined = options.persistenceDir
    ? await openLevelPersistence(options.persistenceDir)
    : undefined;

  const aedes: Aedes = new Aedes({
    connectTimeout: settings.connectTimeoutMs,
    drainTimeout: settings.drainTimeoutMs,
    persistence: persistence?.aedesPersistence,
    ...connectHooks(
      context,
      () => (aedes as unknown as { clients: Record<string, Client> }).clients,
      connectQuota,
    ),
    authorizePublish: authorizePublishHook(context, options.beforeAcknowledge),
    authorizeSubscribe: authorizeSubscribeHook(context),
    authorizeForward: authorizeForwardHook(context),
  });
  if (persistence) storeBeforeAcknowledging(aedes);
  await aedes.listen();
  if (persistence && options.authorizer) await discardOrphanedWills(aedes, logger);
  const retainedMessages = new RetainedMessageQuota(settings.limits.maxRetainedMessages);
  await retainedMessages.track((aedes as unknown as { persistence: RetainedMessageStore }).persistence);
  // aedes reports persistence failures as broker errors; unhandled, an 'error' event would end the process.
  (aedes as EventEmitter).on('error', (error: Error) =>
    logger.error('broker error', { error: error.message }),
  );
  aedes.on('clientError', (client, error) => {
    connections.noteDisconnectReason(client, disconnectReasonOfError(error));
    logger.debug('client error', { clientId: client.id, error: error.message });
  });
  aedes.on('connectionError', (client, error) =>
    logger.debug('connection error', { clientId: client?.id, error: error.message }),
  );
  aedes.on('unsubscribe', (filters, client) => {
    const granted = connections.stateOf(client)?.subscriptionFilters;
    for (const filter of filters) granted?.delete(filter);
  });
  aedes.on('ack', (_packet, client) => {
    const state = connections.stateOf(client);
    if (state && state.unacknowledgedOutbound > 0) state.unacknowledgedOutbound--;
  });
  publishLifecycleEvents(aedes, connections, logger, options.onLifecycleEvent);

  const sockets = new Set<Duplex>();
  const handleConnection = (socket: Duplex, principal?: unknown, principalIdentifier = 'anonymous') => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Set once aedes has the socket, so a later guard refusal is reported as the client's disconnect reason.
    let client: Client | undefined = undefined;
    guardIncomingPackets(socket, settings.maxRemainingLength, (refusal) => {
      logger.warn('connection dropped by the packet guard', { code: refusal.code, reason: refusal.message });
      if (client) connections.noteDisconnectReason(client, refusal.disconnectReason);
    });
    if (socket.destroyed) return;
    client = aedes.handle(socket);
    releaseDeliveriesToStalledClient(client, settings.maxUnsentBytes);
    connections.attach(client, principal, principalIdentifier, (socket as Socket).remoteAddress ?? '');
    filterIncomingPackets(client, context, publishThrottle, retainedMessages);
  };

  const server: Server | undefined =
    options.listen === false
      ? undefined
      : createServer((socket) => {
          if (connectionGate.admit(socket, 'mqtt')) handleConnection(socket);
        });
  try {
    server?.listen(options.port ?? 1883, host);
    if (server) await once(server, 'listening');
  } catch (error) {
    // e.g. EADDRINUSE: release the broker's timers and the LevelDB lock before reporting it.
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await persistence?.close();
    throw error;
  }
  const port = server ? (server.address() as AddressInfo).port : 0;

  return {
    aedes,
    profile: settings.profile,
    connectionGate,
    host,
    port,
    url: server ? `mqtt://${host}:${port}` : '',
    handleConnection,
    async close() {
      for (const client of Object.values((aedes as unknown as { clients: Record<string, Client> }).clients)) {
        connections.noteDisconnectReason(client, 'SERVER_INITIATED_DISCONNECT');
      }
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
      await persistence?.close();
    },
  };
}
