// The device endpoint's mutual-TLS front door, as AWS IoT Core's port 8883: the TLS handshake refuses a
// client certificate that does not chain to the local CA or a registered CA, or is outside its validity; then
// the signing CA's status and the certificate's registered status decide (only ACTIVE under ACTIVE connects),
// and a certificate or CA leaving ACTIVE cuts its live connections at once (AWS: "within a few minutes" —
// UpdateCertificate API; https://docs.aws.amazon.com/iot/latest/developerguide/x509-client-certs.html).
import { constants as cryptoConstants } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type SecureContextOptions, type TLSSocket } from 'node:tls';
import type { Logger } from '@tributary/contracts';
import type { ConnectionGate } from './broker/connection-gate.js';
import type { LocalCertificateAuthority } from './pki/certificate-authority.js';
import type { CaCertificateChange } from './pki/ca-certificate-registry.js';
import { certificateIdOf, certificateIdOfDer } from './pki/certificate-id.js';
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
  /** Caps open sockets at accept, before the TLS handshake (faults.md #25), e.g. the broker's. @default no caps */
  readonly connectionGate?: Pick<ConnectionGate, 'admit'>;
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
  const admittedByCa = new Map<string, Set<TLSSocket>>();
  const localCaId = certificateIdOf(ca.caCertificatePem);
  // The trust store: the local CA and every registered CA, INACTIVE ones included, so that a device under an
  // INACTIVE CA completes the handshake and admit() refuses it with a reason that names the CA.
  const secureContextOptions = (): SecureContextOptions => ({
    key: ca.serverPrivateKeyPem,
    cert: ca.serverCertificatePem,
    ca: [...new Set([ca.caCertificatePem, ...certificates.caCertificates.registeredCertificatePems()])],
    minVersion: 'TLSv1.2',
    // No session tickets: each one keeps the client's certificate chain in memory for as long as the
    // connection lives (~13 KB a device). Resumption is optional in TLS, so a device just does a full
    // handshake when it reconnects.
    secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
  });

  const server = createServer({
    ...secureContextOptions(),
    requestCert: true,
    rejectUnauthorized: true,
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
  });
  // tls.Server starts each TLS session in its own 'connection' listener. It runs only for sockets the
  // connection gate admits, so a socket over a cap is destroyed before any TLS state exists (faults.md #25).
  const startTlsSession = server.listeners('connection') as ((connection: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (connection: Socket) => {
    if (options.connectionGate && !options.connectionGate.admit(connection, 'mqtts')) return;
    openConnections.add(connection);
    connection.once('close', () => openConnections.delete(connection));
    for (const start of startTlsSession) start.call(server, connection);
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

  function admit(socket: TLSSocket): void {
    // Until the broker takes the socket, a reset must not become an unhandled 'error'.
    socket.on('error', (error) => logger.debug('device socket error', { error: error.message }));
    const peer = socket.getPeerCertificate(true);
    const certificateId = certificateIdOfDer(peer.raw);
    // The CA in the trust store the handshake chained the certificate to.
    const caCertificateId = peer.issuerCertificate?.raw
      ? certificateIdOfDer(peer.issuerCertificate.raw)
      : localCaId;
    // Tracked before the checks, so a status change that lands meanwhile still cuts it.
    track(admittedByCertificate, certificateId, socket);
    track(admittedByCa, caCertificateId, socket);
    warnIfShared(certificateId);
    const refuse = (reason: string): void => {
      logger.warn('device connection refused', {
        certificateId,
        reason,
        remoteAddress: socket.remoteAddress,
      });
      socket.destroy();
    };
    // A CA that is not ACTIVE blocks every certificate it signed; a CA deleted from the registry (but still
    // in a trust store being replaced) blocks them too. Only the listener's own CA may be unregistered.
    const caStatus = certificates.caCertificates.statusOf(caCertificateId);
    if (caStatus !== undefined && caStatus !== 'ACTIVE') {
      return refuse(
        `CA certificate ${caCertificateId} that signed it is ${caStatus}; set it ACTIVE with UpdateCACertificate`,
      );
    }
    if (caStatus === undefined && caCertificateId !== localCaId) {
      return refuse(
        `CA certificate ${caCertificateId} that signed it is not registered; register it with RegisterCACertificate`,
      );
    }
    // Answered from the registry's in-memory mirror: no query on the connect path.
    const attachments = certificates.attachmentsOf(certificateId);
    if (!attachments) {
      return refuse(
        'certificate is signed by a trusted CA but not registered; register it with RegisterCertificate',
      );
    }
    if (attachments.status !== 'ACTIVE')
      return refuse(`certificate is ${attachments.status}; set it ACTIVE with updateCertificate`);
    const principal: DevicePrincipal = {
      certificateId,
      subject: certificateNamesFrom(peer.subject),
      issuer: certificateNamesFrom(peer.issuer),
      thingNames: attachments.thingNames,
    };
    if (socket.destroyed) return;
    try {
      options.onConnection(socket, principal);
    } catch (error) {
      logger.error('connection handler failed; dropping the connection', { certificateId, error });
      socket.destroy();
    }
  }

  /**
   * Device Defender's DEVICE_CERTIFICATE_SHARED_CHECK (device-defender-audit-checks.html, faults.md #10):
   * one certificate on concurrent connections usually means a key copied onto several devices. Said when a
   * certificate reaches a second open connection (a reconnect that races its stale socket says it too).
   */
  function warnIfShared(certificateId: string): void {
    const open = admittedByCertificate.get(certificateId)?.size ?? 0;
    if (open !== 2) return;
    logger.warn('device certificate shared', {
      code: 'DEVICE_CERTIFICATE_SHARED',
      certificateId,
      reason:
        'two connections are open with this certificate at once; give each device its own certificate ' +
        '(Device Defender audit: DEVICE_CERTIFICATE_SHARED_CHECK)',
    });
  }

  function track(bySocketOwner: Map<string, Set<TLSSocket>>, ownerId: string, socket: TLSSocket): void {
    const sockets = bySocketOwner.get(ownerId) ?? new Set<TLSSocket>();
    bySocketOwner.set(ownerId, sockets);
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) bySocketOwner.delete(ownerId);
    });
  }

  const stopWatchingCertificates = certificates.onStatusChange((change: CertificateStatusChange) => {
    if (change.status === 'ACTIVE') return;
    const sockets = admittedByCertificate.get(change.certificateId);
    if (!sockets) return;
    logger.info('disconnecting devices: certificate left ACTIVE', { ...change, connections: sockets.size });
    for (const socket of sockets) socket.destroy();
  });
  // A CA registered or deleted changes the trust store (new handshakes only); a CA leaving ACTIVE cuts every
  // live connection whose certificate it signed.
  const stopWatchingCas = certificates.caCertificates.onChange((change: CaCertificateChange) => {
    if (change.previousStatus === undefined || change.status === undefined) {
      server.setSecureContext(secureContextOptions());
      logger.info('trusted CA certificates changed', { ...change });
    }
    if (change.status === 'ACTIVE' || change.previousStatus !== 'ACTIVE') return;
    const sockets = admittedByCa.get(change.certificateId);
    logger.info('disconnecting devices: their CA certificate left ACTIVE', {
      caCertificateId: change.certificateId,
      status: change.status ?? 'DELETED',
      connections: sockets?.size ?? 0,
    });
    for (const socket of sockets ?? []) socket.destroy();
  });
  const stopWatchingStatus = (): void => {
    stopWatchingCertificates();
    stopWatchingCas();
  };

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
