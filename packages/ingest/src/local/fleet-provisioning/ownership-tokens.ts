// Certificate ownership tokens: what CreateKeysAndCertificate / CreateCertificateFromCsr hand a device to
// prove in RegisterThing that it holds the new certificate. Opaque, random, valid one hour as on AWS
// (fleet-provision-api.html: "the certificateOwnershipToken ... expires after one hour"). Kept in memory:
// after a restart a device calls CreateKeysAndCertificate again, as it would after the token expired.
import { randomBytes } from 'node:crypto';

export const ownershipTokenLifetimeMs = 60 * 60 * 1000;

export type OwnershipTokenLookup =
  | { readonly found: true; readonly certificateId: string }
  | { readonly found: false; readonly reason: 'unknown' | 'expired' };

export class CertificateOwnershipTokens {
  private readonly byToken = new Map<string, { certificateId: string; expiresAt: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  issue(certificateId: string): string {
    this.forgetExpired();
    const token = randomBytes(48).toString('base64url');
    this.byToken.set(token, { certificateId, expiresAt: this.now() + ownershipTokenLifetimeMs });
    return token;
  }

  /** The certificate a token stands for while it is valid; a device may retry RegisterThing with it. */
  certificateFor(token: string): OwnershipTokenLookup {
    const entry = this.byToken.get(token);
    if (!entry) return { found: false, reason: 'unknown' };
    if (this.now() >= entry.expiresAt) {
      this.byToken.delete(token);
      return { found: false, reason: 'expired' };
    }
    return { found: true, certificateId: entry.certificateId };
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [token, entry] of this.byToken) if (now >= entry.expiresAt) this.byToken.delete(token);
  }
}
