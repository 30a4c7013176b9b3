// Device Defender-style audit of an IoT account's configuration, over what the IoT API reports — the
// local platform's or, through the same calls, an AWS account's (device-defender-audit-checks.html):
//   DEVICE_CERTIFICATE_EXPIRING_CHECK   an ACTIVE device certificate expiring within 30 days or expired
//   CA_CERTIFICATE_EXPIRING_CHECK       an ACTIVE CA certificate expiring within 30 days or expired
//   DEVICE_CERTIFICATE_SHARED_CHECK     one certificate attached to several things (AWS's check watches
//                                       concurrent connections; the broker warns of those live, this finds
//                                       the configuration that allows them)
//   IOT_POLICY_OVERLY_PERMISSIVE_CHECK  a policy that allows every action, every resource, any client id,
//                                       or denies with MQTT wildcards (the checks of the TributaryIoT pack)
//   RETIRED_CA_DEVICE_CERTIFICATES_ACTIVE (ours)  a CA set INACTIVE (retired or compromised) whose device
//                                       certificates are still ACTIVE: blocked only while the CA stays
//                                       INACTIVE, so a rotation is finished by revoking them
//   CONFLICTING_CLIENT_IDS_CHECK        a client id taken over by another connection 3 times or more in
//                                       the audit period: devices fighting over one id, each knocking the
//                                       other off (a device that reconnects over its own stale session
//                                       takes over once)
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
  | 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK'
  | 'CONFLICTING_CLIENT_IDS_CHECK'
  | 'RETIRED_CA_DEVICE_CERTIFICATES_ACTIVE';

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
  /** Per client id, how many times another connection took it over during the audit period. */
  readonly clientIdTakeovers?: ReadonlyMap<string, number>;
}

/** Takeovers of one client id in the audit period from which devices are taken to conflict. */
export const conflictingClientIdTakeovers = 3;

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
  for (const ca of snapshot.caCertificates) {
    if (ca.status !== 'INACTIVE') continue;
    const stillActive = snapshot.certificates.filter(
      (c) => c.status === 'ACTIVE' && c.caCertificateId === ca.certificateId,
    );
    if (stillActive.length === 0) continue;
    findings.push({
      check: 'RETIRED_CA_DEVICE_CERTIFICATES_ACTIVE',
      resource: ca.certificateId,
      message: `CA certificate is INACTIVE but ${stillActive.length} device certificate(s) it signed are still ACTIVE (they connect again if the CA is reactivated): revoke them, or reissue them under the new CA`,
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
  for (const [clientId, takeovers] of snapshot.clientIdTakeovers ?? []) {
    if (takeovers < conflictingClientIdTakeovers) continue;
    findings.push({
      check: 'CONFLICTING_CLIENT_IDS_CHECK',
      resource: clientId,
      message: `client id taken over by another connection ${takeovers} times: several devices connect as "${clientId}" and keep knocking each other off; give each its own (its thing name)`,
    });
  }
  return findings;
}
