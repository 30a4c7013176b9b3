// The device endpoint's mutual-TLS front door, as AWS IoT Core's port 8883: the TLS handshake refuses a
// client certificate that does not chain to the local CA or is outside its validity, then the certificate's
// registered status decides (only ACTIVE connects), and a certificate leaving ACTIVE cuts its live
// connections at once (AWS: "within a few minutes" — UpdateCertificate API;
// https://docs.aws.amazon.com/iot/latest/developerguide/x509-client-certs.html).
import { constants as cryptoConstants } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import type { Logger } from '@tributary/contracts';
import type { LocalCertificateAuthority } from './pki/certificate-authority.js';
import { CertificateNotFoundError } from './pki/certificate-errors.js';
import { certificateIdOfDer } from './pki/certificate-id.js';
import type { CertificateRegistry, CertificateStatusChange } from './pki/certificate-registry.js';
import { certificateNamesFrom } from '../core/iot-policy/index.js';
import type { DevicePrincipal } from './pki/device-principal.js';

export interface TlsListenerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 8883 */
  readonly port?: number;
  /** The CA that device certificates must chain to, and the server certificate the endpoint presents. */
  readonly ca: Pick<
    LocalCertificateAuthority,
    'caCertificatePem' | 'serverCertificatePem' | 'serverPrivateKeyPem'
  >;
  readonly certificates: CertificateRegistry;
  /** Receives each admitted connection, e.g. `(socket) => broker.aedes.handle(socket)`. */
  readonly onConnection: (socket: TLSSocket, principal: DevicePrincipal) => void;
  readonly logger: Logger;
  /** A client that has not finished the TLS handshake by then is dropped (bounds slowloris opens). @default 10000 */
  readonly handshakeTimeoutMs?: number;
}

export interface TlsListener {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /** Stops accepting, and closes every connection, admitted or still handshaking. */
  close(): Promise<void>;
}

export async function startTlsListener(options: TlsListenerOptions): Promise<TlsListener> {
  const host = options.host ?? '127.0.0.1';
  const { ca, certificates, logger } = options;
  const openConnections = new Set<Socket>();
  const admittedByCertificate = new Map<string, Set<TLSSocket>>();

  const server = createServer({
    key: ca.serverPrivateKeyPem,
    cert: ca.serverCertificatePem,
    ca: [ca.caCertificatePem],
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    // No session tickets: each one keeps the client's certificate chain in memory for as long as the
    // connection lives (~13 KB a device). Resumption is optional in TLS, so a device just does a full
    // handshake when it reconnects.
    secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
  });
  server.on('connection', (connection: Socket) => {
    openConnections.add(connection);
    connection.once('close', () => openConnections.delete(connection));
  });
  // Unknown CA, no certificate, expired or not yet valid, or too slow: refused before any MQTT byte is read.
  // Node destroys a socket that fails verification without an error of its own (the error here is then
  // just the hang-up), so the reason is read from `authorizationError`. Node leaves a socket that timed out
  // open once anyone listens for this event, so it is destroyed here.
  server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
    const verificationFailure = certificateVerificationFailure(socket);
    logger.warn('TLS connection refused', {
      code: verificationFailure ?? error.code,
      reason: verificationFailure ? 'client certificate failed verification' : error.message,
      remoteAddress: socket.remoteAddress,
    });
    socket.destroy();
  });
  server.on('secureConnection', (socket: TLSSocket) => void admit(socket));

  async function admit(socket: TLSSocket): Promise<void> {
    // Until the broker takes the socket, a reset must not become an unhandled 'error'.
    socket.on('error', (error) => logger.debug('device socket error', { error: error.message }));
    const peer = socket.getPeerCertificate(true);
    const certificateId = certificateIdOfDer(peer.raw);
    // Tracked before the lookup, so a status change that lands while we look it up still cuts it.
    track(certificateId, socket);
    const refuse = (reason: string): void => {
      logger.warn('device connection refused', {
        certificateId,
        reason,
        remoteAddress: socket.remoteAddress,
      });
      socket.destroy();
    };
    let principal: DevicePrincipal;
    try {
      const { status } = await certificates.describeCertificate(certificateId);
      if (status !== 'ACTIVE')
        return refuse(`certificate is ${status}; set it ACTIVE with updateCertificate`);
      principal = {
        certificateId,
        subject: certificateNamesFrom(peer.subject),
        issuer: certificateNamesFrom(peer.issuer),
        thingNames: await certificates.listPrincipalThings(certificateId),
        policyNames: await certificates.listAttachedPolicies(certificateId),
      };
    } catch (error) {
      if (error instanceof CertificateNotFoundError) {
        return refuse(
          'certificate is signed by the local CA but not registered; register it with registerCertificate',
        );
      }
      logger.error('certificate lookup failed; dropping the connection', { certificateId, error });
      return void socket.destroy();
    }
    if (socket.destroyed) return;
    try {
      options.onConnection(socket, principal);
    } catch (error) {
      logger.error('connection handler failed; dropping the connection', { certificateId, error });
      socket.destroy();
    }
  }

  function track(certificateId: string, socket: TLSSocket): void {
    const sockets = admittedByCertificate.get(certificateId) ?? new Set<TLSSocket>();
    admittedByCertificate.set(certificateId, sockets);
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) admittedByCertificate.delete(certificateId);
    });
  }

  const stopWatchingStatus = certificates.onStatusChange((change: CertificateStatusChange) => {
    if (change.status === 'ACTIVE') return;
    const sockets = admittedByCertificate.get(change.certificateId);
    if (!sockets) return;
    logger.info('disconnecting devices: certificate left ACTIVE', { ...change, connections: sockets.size });
    for (const socket of sockets) socket.destroy();
  });

  server.listen(options.port ?? 8883, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    stopWatchingStatus();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;

  return {
    host,
    port,
    url: `mqtts://${host}:${port}`,
    async close() {
      stopWatchingStatus();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of openConnections) connection.destroy();
      await closed;
    },
  };
}

/** The OpenSSL verification code (e.g. CERT_HAS_EXPIRED); Node's typings say Error, but it holds the code string. */
function certificateVerificationFailure(socket: TLSSocket): string | undefined {
  const failure = socket.authorizationError as unknown as string | Error | null | undefined;
  if (!failure) return undefined;
  return typeof failure === 'string' ? failure : ((failure as NodeJS.ErrnoException).code ?? failure.message);
}
