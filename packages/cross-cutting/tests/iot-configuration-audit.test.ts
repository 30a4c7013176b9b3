import { describe, expect, it } from 'vitest';
import { auditIotConfiguration, type IotConfigurationSnapshot } from '../src/core/index.js';

const now = new Date('2026-12-04T00:00:00Z');
const inDays = (days: number) => new Date(now.getTime() + days * 24 * 60 * 60 * 1000);
const devicePolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: 'iot:Connect',
      Resource: 'arn:aws:iot:us-east-1:000000000000:client/${iot:Connection.Thing.ThingName}',
      Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
    },
  ],
});
const healthy: IotConfigurationSnapshot = {
  certificates: [{ certificateId: 'dev-1', status: 'ACTIVE', notAfter: inDays(365) }],
  caCertificates: [{ certificateId: 'ca-1', status: 'ACTIVE', notAfter: inDays(3650) }],
  thingsByCertificate: new Map([['dev-1', ['pump-7']]]),
  policies: [{ policyName: 'device', policyDocument: devicePolicy }],
};

describe('auditIotConfiguration (Device Defender-style checks of an IoT configuration)', () => {
  it('finds nothing in a healthy configuration', () => {
    expect(auditIotConfiguration(healthy, now)).toEqual([]);
  });

  it('flags an expiring CA, a certificate shared by two things and an iot:* policy, naming each', () => {
    const findings = auditIotConfiguration(
      {
        ...healthy,
        caCertificates: [
          { certificateId: 'ca-old', status: 'ACTIVE', notAfter: inDays(12) },
          { certificateId: 'ca-retired', status: 'INACTIVE', notAfter: inDays(-5) },
        ],
        thingsByCertificate: new Map([['dev-1', ['pump-8', 'pump-7']]]),
        policies: [
          ...healthy.policies,
          {
            policyName: 'too-broad',
            policyDocument: JSON.stringify({
              Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }],
            }),
          },
        ],
      },
      now,
    );
    expect(findings.map((f) => [f.check, f.resource])).toEqual([
      ['CA_CERTIFICATE_EXPIRING_CHECK', 'ca-old'],
      ['DEVICE_CERTIFICATE_SHARED_CHECK', 'dev-1'],
      ['IOT_POLICY_OVERLY_PERMISSIVE_CHECK', 'too-broad'],
      ['IOT_POLICY_OVERLY_PERMISSIVE_CHECK', 'too-broad'],
    ]);
    expect(findings[0]?.message).toMatch(/in 12 days/);
    expect(findings[1]?.message).toMatch(/attached to 2 things \(pump-7, pump-8\)/);
    expect(findings.slice(2).map((f) => f.message.split(':')[0])).toEqual([
      'WildcardAction',
      'WildcardResource',
    ]);
  });

  it('flags a client id taken over 3 times or more in the audit period, not one a device reclaimed once', () => {
    const findings = auditIotConfiguration(
      {
        ...healthy,
        clientIdTakeovers: new Map([
          ['pump-7', 1],
          ['shared-id', 4],
        ]),
      },
      now,
    );
    expect(findings.map((f) => [f.check, f.resource])).toEqual([
      ['CONFLICTING_CLIENT_IDS_CHECK', 'shared-id'],
    ]);
    expect(findings[0]?.message).toMatch(/taken over by another connection 4 times/);
  });

  it('flags an INACTIVE CA whose device certificates are still ACTIVE, not one whose are revoked', () => {
    const findings = auditIotConfiguration(
      {
        ...healthy,
        certificates: [
          { certificateId: 'dev-1', status: 'ACTIVE', notAfter: inDays(365), caCertificateId: 'ca-old' },
          { certificateId: 'dev-2', status: 'REVOKED', notAfter: inDays(365), caCertificateId: 'ca-gone' },
        ],
        caCertificates: [
          { certificateId: 'ca-old', status: 'INACTIVE', notAfter: inDays(3650) },
          { certificateId: 'ca-gone', status: 'INACTIVE', notAfter: inDays(3650) },
        ],
      },
      now,
    );
    expect(findings.map((f) => [f.check, f.resource])).toEqual([
      ['RETIRED_CA_DEVICE_CERTIFICATES_ACTIVE', 'ca-old'],
    ]);
  });
});
