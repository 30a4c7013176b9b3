// The local MQTT endpoint: aedes on a real TCP socket bound to 127.0.0.1. Publishes are handed to the
// rules engine before aedes acknowledges them, so a QoS 1 PUBACK means the rules engine has the message
// (as AWS's does: iot-basic-ingest.html, "PUBACK means the message reached the rules engine").
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Logger } from '@tributary/contracts';

export interface BrokerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 1883 */
  readonly port?: number;
  readonly logger: Logger;
  /** Runs for every client publish before it is acknowledged and routed. */
  readonly beforeAcknowledge?: (packet: PublishPacket, clientId: string) => Promise<unknown>;
}

export interface LocalBroker {
  readonly aedes: Aedes;
  readonly host: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startBroker(options: BrokerOptions): Promise<LocalBroker> {
  const host = options.host ?? '127.0.0.1';
  const { logger, beforeAcknowledge } = options;
  const aedes = new Aedes({
    connectTimeout: 10_000,
    drainTimeout: 10_000,
    authorizePublish: (
      client: Client | null,
      packet: PublishPacket,
      done: (error?: Error | null) => void,
    ) => {
      if (!beforeAcknowledge || packet.topic.startsWith('$SYS')) return done(null);
      beforeAcknowledge(packet, client?.id ?? 'n/a').then(
        () => done(null),
        (error: unknown) => {
          // Refusing the publish disconnects the client (MQTT 3.1.1 has no negative PUBACK), so the
          // device retries instead of believing an unrecorded message was accepted.
          logger.error('publish not recorded; refusing it', {
            topic: packet.topic,
            clientId: client?.id,
            error,
          });
          done(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
  });
  await aedes.listen();
  aedes.on('clientError', (client, error) =>
    logger.debug('client error', { clientId: client.id, error: error.message }),
  );
  aedes.on('connectionError', (client, error) =>
    logger.debug('connection error', { clientId: client?.id, error: error.message }),
  );

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  server.listen(options.port ?? 1883, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  return {
    aedes,
    host,
    port,
    url: `mqtt://${host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
