// Device Defender-style audit of an IoT account's configuration, over what the IoT API reports — the
// local platform's or, through the same calls, an AWS account's (device-defender-audit-checks.html):
//   DEVICE_CERTIFICATE_EXPIRING_CHECK   an ACTIVE device certificate expiring within 30 days or expired
//   CA_CERTIFICATE_EXPIRING_CHECK       an ACTIVE CA certificate expiring within 30 days or expired
//   DEVICE_CERTIFICATE_SHARED_CHECK     one certificate attached to several things (AWS's check watches
//                                       concurrent connections; the broker warns of those live, this finds
//                                       the configuration that allows them)
//   IOT_POLICY_OVERLY_PERMISSIVE_CHECK  a policy that allows every action, every resource, any client id,
//                                       or denies with MQTT wildcards (the checks of the TributaryIoT pack)
// Pure: a snapshot and a clock in, findings out.
import { auditIotPolicy } from '@tributary/contracts';
import {
  auditDeviceCertificates,
  certificateExpiryWarningDays,
  type AuditedCertificate,
} from './certificate-audit.js';

export type IotAuditCheck =
  | 'DEVICE_CERTIFICATE_EXPIRING_CHECK'
  | 'CA_CERTIFICATE_EXPIRING_CHECK'
  | 'DEVICE_CERTIFICATE_SHARED_CHECK'
  | 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK';

export interface IotAuditFinding {
  readonly check: IotAuditCheck;
  /** The certificate id or policy name the finding is about. */
  readonly resource: string;
  readonly message: string;
}

export interface IotConfigurationSnapshot {
  readonly certificates: readonly AuditedCertificate[];
  readonly caCertificates: readonly AuditedCertificate[];
  /** The things each certificate is attached to (ListThingPrincipals over every thing). */
  readonly thingsByCertificate: ReadonlyMap<string, readonly string[]>;
  readonly policies: readonly { readonly policyName: string; readonly policyDocument: string }[];
}

const dayMs = 24 * 60 * 60 * 1000;

export function auditIotConfiguration(snapshot: IotConfigurationSnapshot, now: Date): IotAuditFinding[] {
  const findings: IotAuditFinding[] = auditDeviceCertificates(snapshot.certificates, now).map((f) => ({
    check: f.check,
    resource: f.certificateId,
    message: f.message,
  }));
  for (const ca of snapshot.caCertificates) {
    const days = Math.floor((ca.notAfter.getTime() - now.getTime()) / dayMs);
    if (ca.status !== 'ACTIVE' || days >= certificateExpiryWarningDays) continue;
    findings.push({
      check: 'CA_CERTIFICATE_EXPIRING_CHECK',
      resource: ca.certificateId,
      message:
        days < 0
          ? `ACTIVE CA certificate expired on ${ca.notAfter.toISOString()}: no device it signed can connect; register a new CA, reissue, then deactivate this one`
          : `ACTIVE CA certificate expires on ${ca.notAfter.toISOString()} (in ${days} days): register a new CA and reissue device certificates before then`,
    });
  }
  for (const [certificateId, things] of snapshot.thingsByCertificate) {
    if (things.length < 2) continue;
    findings.push({
      check: 'DEVICE_CERTIFICATE_SHARED_CHECK',
      resource: certificateId,
      message: `certificate attached to ${things.length} things (${[...things].sort().join(', ')}): give each device its own certificate, so one leaked key exposes one device`,
    });
  }
  for (const policy of snapshot.policies) {
    for (const finding of auditIotPolicy(policy.policyDocument)) {
      findings.push({
        check: 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK',
        resource: policy.policyName,
        message: `${finding.id}: ${finding.message}`,
      });
    }
  }
  return findings;
}
