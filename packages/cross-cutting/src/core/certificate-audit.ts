// Device Defender's audit checks on device certificates (device-defender-audit-checks.html), over what the
// IoT API reports (ListCertificates, DescribeCertificate): DEVICE_CERTIFICATE_EXPIRING_CHECK flags an
// ACTIVE certificate that expires within 30 days or has expired; DEVICE_CERTIFICATE_KEY_QUALITY_CHECK is
// not run (the local CA issues EC P-256 keys only). Pure: certificates and a clock in, findings out.

export interface AuditedCertificate {
  readonly certificateId: string;
  readonly status: string;
  readonly notAfter: Date;
  /** The CA that signed it, where the IoT API says (DescribeCertificate's caCertificateId). */
  readonly caCertificateId?: string;
}

export interface CertificateFinding {
  readonly certificateId: string;
  readonly check: 'DEVICE_CERTIFICATE_EXPIRING_CHECK';
  readonly message: string;
}

/** Device Defender flags a certificate "expiring within 30 days or expired". */
export const certificateExpiryWarningDays = 30;

const dayMs = 24 * 60 * 60 * 1000;

export function auditDeviceCertificates(
  certificates: readonly AuditedCertificate[],
  now: Date,
): CertificateFinding[] {
  return certificates
    .filter(
      (c) =>
        c.status === 'ACTIVE' && c.notAfter.getTime() - now.getTime() < certificateExpiryWarningDays * dayMs,
    )
    .map((c) => {
      const days = Math.floor((c.notAfter.getTime() - now.getTime()) / dayMs);
      return {
        certificateId: c.certificateId,
        check: 'DEVICE_CERTIFICATE_EXPIRING_CHECK',
        message:
          days < 0
            ? `ACTIVE certificate expired on ${c.notAfter.toISOString()}: devices using it can no longer connect; issue a new one and deactivate this one`
            : `ACTIVE certificate expires on ${c.notAfter.toISOString()} (in ${days} days): issue a new one before then`,
      };
    });
}
