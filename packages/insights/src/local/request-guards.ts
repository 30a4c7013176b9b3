// Keeps other web pages away from the local API (DESIGN.md §4: the SQL endpoint reads only the lake,
// and only its user may ask). A page elsewhere can make the browser send requests to localhost: the Host
// check defeats DNS rebinding, the Origin check refuses cross-origin POSTs.
// https://developer.mozilla.org/en-US/docs/Web/Security/Attacks/CSRF
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { HttpError } from './http-responses.js';

/**
 * Refuses a request whose Host is a DNS name other than localhost or the name the server was bound to:
 * a rebinding attacker can point its own name at 127.0.0.1, but cannot make the browser send an IP literal.
 */
export function assertLocalHost(req: IncomingMessage, boundHost: string): void {
  const hostname = hostnameOf(req.headers.host ?? '');
  if (hostname === 'localhost' || hostname === boundHost.toLowerCase() || isIP(hostname) !== 0) return;
  throw new HttpError(
    403,
    'FORBIDDEN_HOST',
    `Requests for host "${hostname}" are refused: open the dashboard at http://localhost or its IP address.`,
  );
}

/** Refuses a state-changing request sent by a page of another origin. */
export function assertSameOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  const fetchSite = req.headers['sec-fetch-site'];
  const sameOrigin =
    origin === undefined
      ? fetchSite === undefined || fetchSite === 'same-origin' || fetchSite === 'none'
      : origin === `http://${req.headers.host ?? ''}`;
  if (sameOrigin) return;
  throw new HttpError(
    403,
    'CROSS_ORIGIN',
    `Requests from ${origin ?? 'another site'} are refused: the query API answers only the dashboard's own page.`,
  );
}

function hostnameOf(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
