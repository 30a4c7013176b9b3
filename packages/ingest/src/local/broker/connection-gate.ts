// Caps on open sockets, globally and per remote address, applied the moment a listener accepts a socket:
// one over a cap is destroyed before any TLS handshake or MQTT parsing spends memory or CPU on it, so a
// flood of opens (faults.md #25: connection flood / slowloris) cannot exhaust the broker, and legitimate
// devices connect again as soon as the count falls below the cap. One gate is shared by the plain and the
// mutual-TLS listeners, so the caps count every socket the broker holds.
import type { Socket } from 'node:net';
import type { Logger } from '@tributary/contracts';
import type { BrokerLimits } from './options.js';

type ConnectionCaps = Pick<BrokerLimits, 'maxConnections' | 'maxConnectionsPerAddress'>;

export class ConnectionGate {
  private open = 0;
  private readonly openByAddress = new Map<string, number>();
  private refusedSinceWarning = 0;
  private warnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly caps: ConnectionCaps,
    private readonly logger: Logger,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Sockets admitted and not yet closed. */
  get openConnections(): number {
    return this.open;
  }

  /**
   * Counts a just-accepted socket until it closes and returns true, or destroys it and returns false when
   * a cap is reached. Call it first in a listener's connection handler.
   * @param listener names the listener in the warning, e.g. 'mqtt' or 'mqtts'
   */
  admit(socket: Socket, listener: string): boolean {
    const address = socket.remoteAddress ?? '';
    const fromAddress = this.openByAddress.get(address) ?? 0;
    const capReached =
      this.open >= this.caps.maxConnections
        ? 'maxConnections'
        : fromAddress >= this.caps.maxConnectionsPerAddress
          ? 'maxConnectionsPerAddress'
          : undefined;
    if (capReached) {
      socket.destroy();
      this.warnRefused(capReached, address, listener);
      return false;
    }
    this.open++;
    this.openByAddress.set(address, fromAddress + 1);
    socket.once('close', () => this.release(address));
    return true;
  }

  private release(address: string): void {
    this.open--;
    const remaining = (this.openByAddress.get(address) ?? 1) - 1;
    if (remaining > 0) this.openByAddress.set(address, remaining);
    else this.openByAddress.delete(address);
  }

  // A flood refuses thousands of sockets a second: one warning a second, with the count, says it all.
  private warnRefused(cap: keyof ConnectionCaps, remoteAddress: string, listener: string): void {
    this.refusedSinceWarning++;
    const now = this.clock();
    if (now - this.warnedAt < 1000) return;
    this.logger.warn('connections refused: connection cap reached', {
      code: 'CONNECTION_CAP_REACHED',
      cap,
      limit: this.caps[cap],
      refused: this.refusedSinceWarning,
      remoteAddress,
      listener,
      reason:
        `the broker holds ${this.open} connections; raise the broker limit ${cap} if this load is ` +
        'legitimate, or find the client that opens sockets without closing them',
    });
    this.refusedSinceWarning = 0;
    this.warnedAt = now;
  }
}
